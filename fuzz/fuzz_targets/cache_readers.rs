//! Any bytes as a token, registration or role-credential cache file, and as a timestamp: the
//! readers answer (a value or a reason) and never panic; a reason never holds the file's text.
#![no_main]

use aws_sso_token_cache::{ClientRegistration, RoleCredentials, SsoToken, timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for reason in [
        SsoToken::from_json(&text).err(),
        ClientRegistration::from_json(&text).err(),
        RoleCredentials::from_json(&text).err(),
    ]
    .into_iter()
    .flatten()
    {
        // Reasons name fields and positions; a long input never comes back in one.
        if text.len() > 64 {
            assert!(!reason.contains(text.as_ref()), "a reason quoted the file");
        }
    }
    if let Some(t) = timestamp::parse(&text) {
        // What was read can be written and read again.
        let again = timestamp::parse(&timestamp::format(t));
        assert!(again.is_some() || t.year() < 0 || t.year() > 9999);
    }
});
