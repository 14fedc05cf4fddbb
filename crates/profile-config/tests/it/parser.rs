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
