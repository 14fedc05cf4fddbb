//! `aws-sso-rs logout` and `status`.

use aws_sso_mock::Scenario;
use aws_sso_token_cache::{RoleCredentials, RoleKey, Secret, TokenKey};

use crate::{stderr, stdout, world};

fn role_creds() -> RoleCredentials {
    RoleCredentials {
        access_key_id: "ASIAX".into(),
        secret_access_key: Secret::new("s"),
        session_token: Secret::new("t"),
        expiration: Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
        account_id: Some("123456789011".into()),
    }
}

#[test]
fn logout_ends_sessions_and_removes_only_sso_files() {
    let w = world(Scenario::default());
    assert!(
        w.run(&["login", "--all", "--use-device-code"])
            .status
            .success()
    );
    let cache = w.cache();
    let token = cache
        .load_token(&TokenKey::new("my-sso"))
        .expect("read")
        .expect("token");
    cache
        .store_role_credentials(
            &RoleKey::new("123456789011", "ReadOnly", Some("my-sso"), ""),
            &role_creds(),
        )
        .expect("store");
    let other = cache.cli_dir().join("assume-role.json");
    std::fs::write(&other, r#"{"ProviderType":"assume-role","Credentials":{}}"#).expect("write");

    let out = w.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert_eq!(
        said.matches("server session ended; token removed").count(),
        2,
        "{said}"
    );
    assert!(
        said.contains("Removed 1 cached role credential file."),
        "{said}"
    );
    assert_eq!(w.mock.count("Logout"), 2);
    assert!(
        !w.mock.token_is_valid(token.access_token.expose()),
        "the server session is over"
    );
    assert!(
        !w.token_file("my-sso").exists()
            && !w
                .token_file("https://d-XXXXXXXXX.awsapps.com/start")
                .exists()
    );
    assert!(other.exists(), "other providers' cache files stay");
    let registrations = std::fs::read_dir(cache.sso_dir()).expect("list").count();
    assert!(
        registrations >= 1,
        "client registrations stay, as with aws sso logout"
    );

    let again = w.run(&["logout"]);
    assert!(
        stdout(&again).contains("Nothing to sign out of"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn logout_of_one_session_leaves_the_others() {
    let w = world(Scenario::default());
    assert!(
        w.run(&["login", "--all", "--use-device-code"])
            .status
            .success()
    );
    let cache = w.cache();
    let mine = RoleKey::new(
        "123456789011",
        "ReadOnly",
        Some("my-sso"),
        "https://d-XXXXXXXXX.awsapps.com/start",
    );
    let legacy = RoleKey::new(
        "123456789011",
        "ReadOnly",
        None,
        "https://d-XXXXXXXXX.awsapps.com/start",
    );
    cache
        .store_role_credentials(&mine, &role_creds())
        .expect("store");
    cache
        .store_role_credentials(&legacy, &role_creds())
        .expect("store");
    let out = w.run(&["logout", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!w.token_file("my-sso").exists());
    assert!(
        w.token_file("https://d-XXXXXXXXX.awsapps.com/start")
            .exists(),
        "the legacy sign-in stays"
    );
    assert!(cache.load_role_credentials(&mine).expect("read").is_none());
    assert!(
        cache
            .load_role_credentials(&legacy)
            .expect("read")
            .is_some()
    );
    assert_eq!(w.mock.count("Logout"), 1);
}

#[test]
fn status_shows_each_session() {
    let w = world(Scenario::default());
    assert!(
        w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"])
            .status
            .success()
    );
    let out = w.run(&["status", "--output", "json"]);
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mine = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["session"] == "my-sso")
        .expect("my-sso row");
    assert_eq!(mine["state"], "valid");
    assert_eq!(mine["refreshable"], true);
    assert_eq!(mine["start_url"], "https://d-XXXXXXXXX.awsapps.com/start");
    assert!(mine["registration_expires_at"].is_string());
    let legacy = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["kind"] == "legacy-sso")
        .expect("legacy row");
    assert_eq!(legacy["state"], "none");
    assert!(
        legacy["session"].is_null(),
        "a legacy sign-in has no session name: {legacy}"
    );
    assert_eq!(mine["kind"], "sso-session");
    let table = stdout(&w.run(&["status"]));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("my-sso") && l.contains("valid") && l.contains("yes")),
        "{table}"
    );
}
