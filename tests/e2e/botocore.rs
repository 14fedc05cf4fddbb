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

/// botocore and aws-sso-rs refresh the same expired token at once; the service rotates refresh
/// tokens, so whoever comes second holds a spent one.
#[test]
fn refreshing_at_the_same_time_as_botocore_leaves_a_valid_cache_and_no_failure() {
    aws_sso_e2e::require_botocore!();
    let w = world(Scenario::default());
    assert!(
        w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"])
            .status
            .success()
    );
    // Each refresh takes the service half a second, so the two overlap.
    w.mock.update_scenario(|s| {
        s.latency_ms.insert("CreateToken".into(), 500);
    });
    for round in 0..3 {
        let before = w.edit_token("my-sso", |t| {
            t.expires_at = time::OffsetDateTime::now_utc() - time::Duration::minutes(1)
        });
        std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).ok();
        // botocore goes first and wins; aws-sso-rs's refresh token is then spent.
        let sent = w.mock.count("CreateToken");
        let botocore = w
            .botocore_command(&["load-token", "dev-account-ro"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("botocore runs");
        // Python takes a while to start (longer on a loaded machine): aws-sso-rs starts
        // once botocore's refresh has reached the service, while it is still being answered.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while w.mock.count("CreateToken") == sent && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        let ours = w.run(&["credential-process", "--profile", "dev-account-ro"]);
        let botocore = botocore.wait_with_output().expect("botocore ends");
        assert!(
            ours.status.success(),
            "round {round}: aws-sso-rs recovered from the spent refresh token: {}",
            stderr(&ours)
        );
        assert!(
            botocore.status.success(),
            "round {round}: botocore: {}",
            String::from_utf8_lossy(&botocore.stderr)
        );
        let cached = w
            .cache()
            .load_token(&TokenKey::new("my-sso"))
            .expect("a whole token file")
            .expect("a token");
        assert_ne!(cached.access_token.expose(), before.access_token.expose());
        assert!(
            w.mock.token_is_valid(cached.access_token.expose()),
            "round {round}: the cached token is one the service accepts"
        );
        let theirs: serde_json::Value =
            serde_json::from_slice(&botocore.stdout).expect("botocore's JSON");
        assert_eq!(
            theirs["token"],
            cached.access_token.expose(),
            "round {round}"
        );
    }
    // The login's token, then both tools refreshed every round: the second one was refused,
    // not skipped.
    let creates = w.mock.count("CreateToken");
    assert!(creates >= 7, "{creates} CreateToken calls");
}
