//! The editor changes what it is asked to and nothing else: property tests over generated
//! config files with comments, blank lines, duplicates, continuations, sub-properties, both
//! line endings and both kinds of default profile.

use std::collections::BTreeMap;

use aws_sso_profile_config::{ConfigDocument, FileKind, ProfileSet, SectionRef};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Header {
    Profile(&'static str),
    BareDefault,
    Session(&'static str),
    Services(&'static str),
    Unknown,
}

#[derive(Debug, Clone)]
enum Body {
    Blank(&'static str),
    Comment(String),
    Property {
        key: &'static str,
        value: String,
        comment: Option<String>,
        continuations: Vec<String>,
    },
    SubProperties {
        key: &'static str,
        subs: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone)]
struct File {
    preamble: Vec<Body>,
    sections: Vec<(Header, Vec<Body>)>,
    crlf: bool,
    final_newline: bool,
}

const NAMES: [&str; 3] = ["dev", "prod", "default"];
const KEYS: [&str; 5] = ["region", "output", "sso_region", "Region", "x-y"];

fn header() -> impl Strategy<Value = Header> {
    prop_oneof![
        4 => prop::sample::select(&NAMES[..]).prop_map(Header::Profile),
        1 => Just(Header::BareDefault),
        1 => prop::sample::select(&NAMES[..2]).prop_map(Header::Session),
        1 => prop::sample::select(&NAMES[..2]).prop_map(Header::Services),
        1 => Just(Header::Unknown),
    ]
}

fn value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9:/._=-][a-zA-Z0-9:/._=#;-]{0,9}( [a-z0-9]{1,4})?"
}

fn comment() -> impl Strategy<Value = String> {
    ("[#;]", "[ a-z0-9#;=\\[\\]]{0,12}").prop_map(|(c, t)| format!("{c}{t}"))
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        1 => prop::sample::select(&["", " ", "\t "][..]).prop_map(Body::Blank),
        1 => comment().prop_map(Body::Comment),
        4 => (
            prop::sample::select(&KEYS[..]),
            value(),
            prop::option::of(comment()),
            prop::collection::vec("[a-z0-9-]{1,6}", 0..2),
        )
            .prop_map(|(key, value, comment, continuations)| Body::Property { key, value, comment, continuations }),
        1 => (prop::sample::select(&["sso", "sts", "s3"][..]), prop::collection::vec(("[a-z_]{1,8}", "[a-z0-9:/.]{0,8}"), 1..3))
            .prop_map(|(key, subs)| Body::SubProperties { key, subs }),
    ]
}

fn file() -> impl Strategy<Value = File> {
    (
        prop::collection::vec(
            prop_oneof![Just(Body::Blank("")), comment().prop_map(Body::Comment)],
            0..3,
        ),
        prop::collection::vec((header(), prop::collection::vec(body(), 0..5)), 0..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(preamble, sections, crlf, final_newline)| File {
            preamble,
            sections,
            crlf,
            final_newline,
        })
}

fn render(file: &File) -> String {
    let mut lines: Vec<String> = Vec::new();
    let body = |lines: &mut Vec<String>, b: &Body| match b {
        Body::Blank(ws) => lines.push((*ws).to_owned()),
        Body::Comment(c) => lines.push(c.clone()),
        Body::Property {
            key,
            value,
            comment,
            continuations,
        } => {
            let comment = comment
                .as_ref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            lines.push(format!("{key} = {value}{comment}"));
            lines.extend(continuations.iter().map(|c| format!("  {c}")));
        }
        Body::SubProperties { key, subs } => {
            lines.push(format!("{key} ="));
            lines.extend(subs.iter().map(|(k, v)| format!("  {k} = {v}")));
        }
    };
    for b in &file.preamble {
        body(&mut lines, b);
    }
    for (h, bodies) in &file.sections {
        lines.push(match h {
            Header::Profile(n) => format!("[profile {n}]"),
            Header::BareDefault => "[default]".to_owned(),
            Header::Session(n) => format!("[sso-session {n}]"),
            Header::Services(n) => format!("[services {n}]"),
            Header::Unknown => "[unknown]".to_owned(),
        });
        for b in bodies {
            body(&mut lines, b);
        }
    }
    let nl = if file.crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(nl);
    if file.final_newline && !text.is_empty() {
        text.push_str(nl);
    }
    text
}

type Semantic = BTreeMap<(char, String), BTreeMap<String, String>>;

fn semantic(set: &ProfileSet) -> Semantic {
    let mut out = Semantic::new();
    let mut add = |kind, sections: Vec<&aws_sso_profile_config::Section>| {
        for s in sections {
            let props = s
                .properties()
                .map(|(k, p)| (k.to_owned(), p.value().to_owned()))
                .collect();
            out.insert((kind, s.name().to_owned()), props);
        }
    };
    add('p', set.profiles().collect());
    add('s', set.sso_sessions().collect());
    add('v', NAMES.iter().filter_map(|n| set.services(n)).collect());
    out
}

fn target() -> impl Strategy<Value = (char, &'static str)> {
    (
        prop::sample::select(&['p', 's', 'v'][..]),
        prop::sample::select(&NAMES[..]),
    )
        .prop_filter(
            "sessions and services named default are not generated",
            |(k, n)| *k == 'p' || *n != "default",
        )
}

fn section_ref(kind: char, name: &str) -> SectionRef<'_> {
    match kind {
        'p' => SectionRef::Profile(name),
        's' => SectionRef::SsoSession(name),
        _ => SectionRef::Services(name),
    }
}

fn doc(text: &str) -> ConfigDocument {
    ConfigDocument::parse(text, FileKind::Config, "config").expect("generated files parse")
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Whether `needle` appears in `haystack` in order (not necessarily adjacent).
fn is_subsequence(needle: &[&str], haystack: &[&str]) -> bool {
    let mut it = haystack.iter();
    needle.iter().all(|n| it.any(|h| h == n))
}

/// The lines an edit of `key` must leave alone: comments, headers, other keys' lines.
fn untouchable<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    lines(text)
        .into_iter()
        .filter(|l| {
            let t = l.trim();
            let is_comment = t.starts_with('#') || t.starts_with(';');
            let is_header = t.starts_with('[');
            let is_other_property = !l.starts_with([' ', '\t'])
                && t.split_once('=')
                    .is_some_and(|(k, _)| !k.trim().eq_ignore_ascii_case(key));
            (is_comment && !l.starts_with([' ', '\t'])) || is_header || is_other_property
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn unchanged_documents_save_byte_for_byte(file in file()) {
        let text = render(&file);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config");
        std::fs::write(&path, &text).expect("write");
        ConfigDocument::load(&path, FileKind::Config).expect("load").save().expect("save");
        prop_assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }

    #[test]
    fn set_changes_one_value_and_keeps_everything_else(
        file in file(),
        (kind, name) in target(),
        key in prop::sample::select(&KEYS[..]),
        value in "[a-zA-Z0-9:/._=-]{0,10}",
    ) {
        let text = render(&file);
        let mut d = doc(&text);
        let before = semantic(&d.profile_set().expect("parses"));
        d.set(section_ref(kind, name), key, &value).expect("set");
        let after = semantic(&d.profile_set().expect("edited file parses"));
        let mut want = before.clone();
        want.entry((kind, name.to_owned())).or_default().insert(key.to_ascii_lowercase(), value.clone());
        prop_assert_eq!(after, want);
        prop_assert!(is_subsequence(&untouchable(&text, key), &lines(d.as_str())), "lost lines:\n{}\n---\n{}", text, d.as_str());
        if file.crlf && text.contains('\n') {
            prop_assert!(!d.as_str().replace("\r\n", "").contains('\n'), "mixed line endings:\n{:?}", d.as_str());
        }
    }

    #[test]
    fn remove_key_removes_only_that_key(
        file in file(),
        (kind, name) in target(),
        key in prop::sample::select(&KEYS[..]),
    ) {
        let text = render(&file);
        let mut d = doc(&text);
        let before = semantic(&d.profile_set().expect("parses"));
        let removed = d.remove_key(section_ref(kind, name), key);
        let after = semantic(&d.profile_set().expect("edited file parses"));
        let mut want = before.clone();
        let had = want
            .get_mut(&(kind, name.to_owned()))
            .and_then(|props| props.remove(&key.to_ascii_lowercase()))
            .is_some();
        prop_assert_eq!(removed, had);
        prop_assert_eq!(after, want);
        prop_assert!(is_subsequence(&untouchable(&text, key), &lines(d.as_str())));
    }

    #[test]
    fn remove_section_removes_only_that_section(file in file(), (kind, name) in target()) {
        let text = render(&file);
        let mut d = doc(&text);
        let before = semantic(&d.profile_set().expect("parses"));
        d.remove_section(section_ref(kind, name));
        let after = semantic(&d.profile_set().expect("edited file parses"));
        let mut want = before.clone();
        want.remove(&(kind, name.to_owned()));
        prop_assert_eq!(after, want);
    }
}
