//! Any bytes as a config file: the strict (cross-SDK) and lenient (AWS CLI) readers never
//! panic, agree wherever the strict one succeeds, and every query on the result answers.
#![no_main]

use std::path::Path;

use aws_sso_profile_config::{ClientEndpointConfig, MapEnv, ProfileSet, Service, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = Source {
        path: Path::new("config"),
        text: &text,
    };
    let strict = ProfileSet::parse(Some(source), None);
    let lenient = ProfileSet::parse_lenient(Some(source), None);
    if let Ok(strict) = &strict {
        let names = |s: &ProfileSet| s.profiles().map(|p| p.name().to_owned()).collect::<Vec<_>>();
        assert_eq!(names(strict), names(&lenient), "the readers agree on a valid file");
        for p in strict.profiles() {
            let theirs = lenient.profile(p.name()).expect("same profiles");
            assert!(theirs.problem().is_none(), "a valid file has no invalid section");
            assert_eq!(
                p.properties().collect::<Vec<_>>(),
                theirs.properties().collect::<Vec<_>>()
            );
        }
    }
    // The credentials-file reading of the same text.
    let _ = ProfileSet::parse_lenient(None, Some(source));
    let env = MapEnv::new().with("HOME", "/home/fuzz");
    for p in lenient.profiles() {
        let _ = lenient.sso_profile(p.name());
        let _ = lenient.endpoint(
            Some(p.name()),
            &Service::SsoOidc,
            "us-east-1",
            &env,
            ClientEndpointConfig::default(),
        );
        for (_, prop) in p.properties() {
            let _ = prop.sub_properties();
        }
    }
    for s in lenient.sso_sessions() {
        let _ = lenient.sso_session_named(s.name());
    }
    let _ = lenient.sessions();
    for w in lenient.warnings() {
        let _ = w.to_string();
    }
});
