//! Any text through the lossless editor: a file it agrees to edit keeps every byte it was not
//! asked to change, an edit reads back as written, and removing what was added restores the
//! file's sections.
#![no_main]

use aws_sso_profile_config::{ConfigDocument, FileKind, SectionRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut doc) = ConfigDocument::parse(text, FileKind::Config, "config") else {
        return;
    };
    let before = doc.profile_set().expect("an editable file reads");
    // Editing a profile no one else has: everything else stays as it was.
    let name = "fuzz-added-profile";
    if before.profile(name).is_some() {
        return;
    }
    doc.set(SectionRef::Profile(name), "region", "eu-west-1")
        .expect("a new section can always be added");
    doc.set(SectionRef::Profile(name), "output", "json")
        .expect("and a key to it");
    let after = doc.profile_set().expect("reads back");
    let added = after.profile(name).expect("the new profile is there");
    assert_eq!(added.get("region"), Some("eu-west-1"));
    assert_eq!(added.get("output"), Some("json"));
    for p in before.profiles() {
        let now = after.profile(p.name()).expect("no profile lost");
        assert_eq!(
            p.properties().map(|(k, v)| (k, v.value())).collect::<Vec<_>>(),
            now.properties().map(|(k, v)| (k, v.value())).collect::<Vec<_>>(),
            "profile {} unchanged",
            p.name()
        );
    }
    assert!(
        doc.as_str().starts_with(text.trim_end_matches(['\n', '\r', ' ', '\t'])),
        "the original text is kept, the new section after it"
    );
    assert!(doc.remove_section(SectionRef::Profile(name)));
    let removed = doc.profile_set().expect("reads back");
    assert!(removed.profile(name).is_none());
    assert_eq!(removed.profiles().count(), before.profiles().count());
});
