//! The reader never panics, and whatever it rejects it rejects with a line number.

use std::path::Path;

use aws_sso_profile_config::{ErrorKind, ProfileSet, Source};
use proptest::prelude::*;

fn parse(text: &str) -> Result<ProfileSet, aws_sso_profile_config::Error> {
    ProfileSet::parse(
        Some(Source {
            path: Path::new("config"),
            text,
        }),
        Some(Source {
            path: Path::new("credentials"),
            text,
        }),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in "(\\PC|[\\[\\]=#; \t\r\n])*") {
        match parse(&text) {
            Ok(_) => {}
            Err(e) => match e.kind() {
                ErrorKind::Parse { location, .. } => {
                    prop_assert!(location.line >= 1 && location.line <= text.split('\n').count());
                }
                other => prop_assert!(false, "unexpected error kind {other:?}"),
            },
        }
    }

    #[test]
    fn line_shaped_text_never_panics(lines in prop::collection::vec("[ \t]{0,2}[\\[\\]a-z=#; \t-]{0,12}", 0..30)) {
        let _ = parse(&lines.join("\n"));
    }
}

/// Lines that make sections, break them and hide `[` inside them.
fn config_line() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "[profile a]",
        "[profile b]",
        "[profile a",
        "[default]",
        "[profile default]",
        "[sso-session s]",
        "[services x]",
        "[nonsense]",
        "k = v",
        "region = eu-west-1",
        "sso_session = s",
        "list = [1, 2]",
        "k = v ; [profile a]",
        "s3 =",
        "  max = [3]",
        "  [profile a]",
        " [profile b]",
        "\t k = v",
        "key: value",
        "broken",
        "# [profile a]",
        "",
        "\r",
        "[profile a] # note",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Reading one profile passes over the other profiles' lines, yet keeps everything read
    /// as a whole read keeps it: the profile (every section of that name merged, each value
    /// with its line), every sso-session and services section, and their problems.
    #[test]
    fn reading_one_profile_matches_reading_all(
        config in prop::collection::vec(config_line(), 0..40),
        credentials in prop::collection::vec(config_line(), 0..12),
        crlf in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let locations = aws_sso_profile_config::FileLocations {
            config: dir.path().join("config"),
            credentials: dir.path().join("credentials"),
        };
        let newline = if crlf { "\r\n" } else { "\n" };
        std::fs::write(&locations.config, config.join(newline)).expect("write");
        std::fs::write(&locations.credentials, credentials.join(newline)).expect("write");
        let all = ProfileSet::load(&locations).expect("readable");
        for name in ["a", "b", "default"] {
            let one = ProfileSet::load_profile(&locations, name).expect("readable");
            prop_assert_eq!(one.profile(name), all.profile(name), "profile {}", name);
            prop_assert_eq!(one.profiles().len(), usize::from(all.profile(name).is_some()));
            prop_assert!(one.sso_sessions().eq(all.sso_sessions()));
            prop_assert_eq!(one.services("x"), all.services("x"));
        }
    }
}
