//! `aws-sso-rs profiles`: the listing, token states, and bad input.

use aws_sso_token_cache::{SsoToken, TokenCache, TokenKey};
use time::{Duration, OffsetDateTime};

use crate::{EXAMPLE_CONFIG, home, stderr, stdout};

fn token(expires_in: Duration, refreshable: bool) -> SsoToken {
    let now = OffsetDateTime::now_utc();
    let mut token = SsoToken::new("aoa-secret".into(), now + expires_in);
    token.start_url = Some("https://d-XXXXXXXXX.awsapps.com/start".into());
    token.region = Some("ap-northeast-1".into());
    if refreshable {
        token.client_id = Some("client".into());
        token.client_secret = Some("client-secret".into());
        token.refresh_token = Some("refresh".into());
        token.registration_expires_at = Some(now + Duration::days(80));
    }
    token
}

// Token lifetimes carry 45 s of slack so the minutes shown do not depend on how long the
// binary takes to start. (The exact time left is tested on a fixed clock beside the command.)
const SLACK: Duration = Duration::seconds(45);

#[test]
fn lists_every_profile_with_its_token_state() {
    let home = home();
    home.write_config(EXAMPLE_CONFIG);
    let cache = TokenCache::new(home.path());
    cache
        .store_token(
            &TokenKey::new("my-sso"),
            &token(Duration::hours(8) + SLACK, true),
        )
        .expect("store");
    let out = home.run(&["profiles"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\b\d+h\d\dm left", "[TIME] left");
    settings.bind(|| insta::assert_snapshot!(stdout(&out)));
}

#[test]
fn refresh_due_expired_and_unreadable_tokens() {
    let home = home();
    home.write_config(EXAMPLE_CONFIG);
    let cache = TokenCache::new(home.path());
    cache
        .store_token(
            &TokenKey::new("my-sso"),
            &token(Duration::minutes(10) + SLACK, false),
        )
        .expect("store");
    let legacy = TokenKey::new("https://d-XXXXXXXXX.awsapps.com/start");
    cache
        .store_token(&legacy, &token(-Duration::minutes(1), true))
        .expect("store");
    let out = home.run(&["profiles"]);
    let text = stdout(&out);
    assert!(text.contains("refresh due, 10m left"), "{text}");
    assert!(text.contains("expired, refreshable"), "{text}");

    std::fs::write(cache.token_path(&legacy), "{ torn").expect("write");
    let text = stdout(&home.run(&["profiles"]));
    let legacy_row = text
        .lines()
        .find(|l| l.starts_with("legacy-ro"))
        .expect("legacy row");
    assert!(legacy_row.ends_with("damaged"), "{legacy_row}");
}

#[test]
fn json_output_has_the_fields_programs_need() {
    let home = home();
    home.write_config(EXAMPLE_CONFIG);
    TokenCache::new(home.path())
        .store_token(&TokenKey::new("my-sso"), &token(Duration::hours(1), false))
        .expect("store");
    let out = home.run(&["profiles", "--output", "json"]);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ro = &rows[1];
    assert_eq!(ro["name"], "dev-account-ro");
    assert_eq!(ro["kind"], "sso-session");
    assert_eq!(ro["session"], "my-sso");
    assert_eq!(ro["account_id"], "123456789011");
    assert_eq!(ro["role_name"], "ReadOnly");
    assert_eq!(ro["token"]["state"], "valid");
    let left = ro["token"]["seconds_left"].as_i64().expect("seconds_left");
    assert!((3500..=3600).contains(&left), "{left}");
    assert_eq!(rows[3]["kind"], "legacy-sso");
    assert_eq!(rows[3]["token"]["state"], "none");
    assert_eq!(rows[0]["kind"], "other");
    assert!(
        !stdout(&out).contains("aoa-secret"),
        "no token in the output"
    );
}

#[test]
fn a_section_that_does_not_parse_is_listed_invalid_with_file_and_line() {
    let home = home();
    let path = home.write_config("[profile ok]\nregion = us-east-1\n[profile broken\n");
    let out = home.run(&["profiles"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the other profiles are still listed"
    );
    let err = stderr(&out);
    assert!(err.contains(&format!("{} line 3", path.display())), "{err}");
    assert!(err.contains("must end with ']'"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let table = stdout(&out);
    assert!(table.lines().any(|l| l.starts_with("ok ")), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("broken ") && l.contains("invalid")),
        "{table}"
    );
}

#[test]
fn an_invalid_sso_profile_is_listed_and_explained() {
    let home = home();
    home.write_config(
        "[profile dev]\nsso_session = missing\n[profile keys]\naws_access_key_id = x\n",
    );
    let out = home.run(&["profiles"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("dev") && l.contains("invalid")),
        "{text}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("line 2") && err.contains("[sso-session missing]"),
        "{err}"
    );
}

#[test]
fn no_profiles_says_how_to_add_one() {
    let home = home();
    let out = home.run(&["profiles"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("/.aws/config does not exist") && err.contains("[profile NAME]"),
        "a missing file is named as missing: {err}"
    );
    home.write_config("# nothing yet\n");
    let out = home.run(&["profiles"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("No profiles in") && err.contains("[profile NAME]"),
        "{err}"
    );
}

#[test]
fn credentials_file_profiles_are_listed_too() {
    let home = home();
    home.write_config("[profile a]\nregion = eu-west-1\n");
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[b]\naws_access_key_id = x\n",
    )
    .expect("write");
    let rows: serde_json::Value =
        serde_json::from_slice(&home.run(&["profiles", "-o", "json"]).stdout).expect("json");
    let names: Vec<_> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["name"].clone())
        .collect();
    assert_eq!(names, ["a", "b"]);
}
