//! The real botocore works from what `aws-sso-rs login` caches, and aws-sso-rs works from what
//! botocore's refresh rewrites.

use aws_sso_mock::Scenario;
use aws_sso_token_cache::TokenKey;

use crate::{stderr, world};

#[test]
fn botocore_resolves_credentials_from_our_login_for_session_and_legacy_profiles() {
    aws_sso_e2e::require_botocore!();
    let w = world(Scenario::default());
    let out = w.run(&["login", "--all", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for profile in ["dev-account-ro", "legacy-ro"] {
        let before = w.mock.count("GetRoleCredentials");
        let got = w.botocore(&["load-credentials", profile]);
        assert!(
            got["access_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("ASIA")),
            "{profile}: {got}"
        );
        assert_eq!(got["method"], "sso", "{profile}");
        assert_eq!(
            w.mock.count("GetRoleCredentials"),
            before + 1,
            "{profile}: botocore fetched with our token"
        );
    }
}

#[test]
fn aws_sso_rs_uses_a_token_that_botocore_refreshed() {
    aws_sso_e2e::require_botocore!();
    let w = world(Scenario::default());
    assert!(
        w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"])
            .status
            .success()
    );
    let cache = w.cache();
    let key = TokenKey::new("my-sso");
    let token = w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(5)
    });

    // Inside its 15-minute window, botocore refreshes and rewrites the file itself.
    let got = w.botocore(&["load-token", "dev-account-ro"]);
    assert_ne!(
        got["token"],
        token.access_token.expose(),
        "botocore refreshed"
    );
    let rewritten = cache
        .load_token(&key)
        .expect("aws-sso-rs reads botocore's file")
        .expect("token");
    assert_eq!(rewritten.access_token.expose(), got["token"]);
    assert!(w.mock.token_is_valid(rewritten.access_token.expose()));

    let creates = w.mock.count("CreateToken");
    let out = w.run(&["login", "--profile", "dev-account-ro"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("Already signed in"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        w.mock.count("CreateToken"),
        creates,
        "botocore's token is used as is"
    );
    let status: serde_json::Value =
        serde_json::from_slice(&w.run(&["status", "-o", "json"]).stdout).expect("json");
    let row = status
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["session"] == "my-sso")
        .expect("row");
    assert_eq!(row["state"], "valid");
    assert_eq!(row["refreshable"], true, "botocore kept the refresh fields");
}
