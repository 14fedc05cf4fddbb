//! Where files go, their permissions, and what logout-style sweeps touch.

use aws_sso_token_cache::{
    ClientRegistration, LockKey, RegistrationKey, RoleCredentials, RoleKey, SsoToken, TokenCache,
    TokenKey,
};
use time::{Duration, OffsetDateTime};

fn token() -> SsoToken {
    SsoToken::new("tok".into(), OffsetDateTime::now_utc() + Duration::hours(1))
}

fn role_creds() -> RoleCredentials {
    RoleCredentials {
        access_key_id: "ASIA".into(),
        secret_access_key: "sk".into(),
        session_token: "st".into(),
        expiration: Some(OffsetDateTime::now_utc() + Duration::hours(1)),
        account_id: Some("123456789011".into()),
    }
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    cache
        .store_token(&TokenKey::new("dev"), &token())
        .expect("store");
    let key = RoleKey::new("123456789011", "ReadOnly", Some("dev"), "");
    cache
        .store_role_credentials(&key, &role_creds())
        .expect("store");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&cache.token_path(&TokenKey::new("dev"))), 0o600);
    assert_eq!(mode(&cache.role_credentials_path(&key)), 0o600);
    assert_eq!(mode(cache.sso_dir()), 0o700);
    assert_eq!(mode(cache.cli_dir()), 0o700);
}

#[test]
fn lock_files_stay_out_of_the_cache_folders() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    let key = TokenKey::new("dev");
    cache.store_token(&key, &token()).expect("store");
    let _a = cache.lock(LockKey::Token(&key)).expect("lock");
    let _b = cache
        .lock(LockKey::Role(&RoleKey::new("1", "r", None, "u")))
        .expect("lock");
    let names: Vec<_> = std::fs::read_dir(cache.sso_dir())
        .expect("list")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert_eq!(
        names,
        vec![format!("{}.json", key.hash())],
        "only the token is in the cache folder"
    );
    assert!(!cache.lock_dir().starts_with(cache.sso_dir()));
}

#[test]
fn token_listing_skips_registrations_and_reports_broken_files() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    cache
        .store_token(&TokenKey::new("dev"), &token())
        .expect("store");
    let reg = ClientRegistration {
        client_id: "c".into(),
        client_secret: "s".into(),
        expires_at: OffsetDateTime::now_utc() + Duration::days(90),
        scopes: None,
        grant_types: None,
        extra: Default::default(),
    };
    cache
        .store_registration(
            &RegistrationKey::new("https://x/start", "us-east-1", None, None),
            &reg,
        )
        .expect("store");
    std::fs::write(
        cache.sso_dir().join("broken.json"),
        r#"{"accessToken": "t"}"#,
    )
    .expect("write");
    std::fs::write(cache.sso_dir().join("garbage.json"), "not json").expect("write");
    let listing = cache.tokens().expect("list");
    let (tokens, unreadable) = (listing.tokens, listing.unreadable);
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].path, cache.token_path(&TokenKey::new("dev")));
    assert_eq!(unreadable.len(), 1);
    let msg = unreadable[0].error.to_string();
    assert!(
        msg.contains("broken.json")
            && msg.contains("expiresAt")
            && msg.contains("aws-sso-rs login"),
        "{msg}"
    );
}

#[test]
fn sweeping_role_credentials_leaves_other_providers_alone() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    let key = RoleKey::new("123456789011", "ReadOnly", Some("dev"), "");
    cache
        .store_role_credentials(&key, &role_creds())
        .expect("store");
    let assume_role = cache.cli_dir().join("assume.json");
    std::fs::write(
        &assume_role,
        r#"{"ProviderType":"assume-role","Credentials":{}}"#,
    )
    .expect("write");
    let removed = cache.remove_sso_role_credentials().expect("sweep");
    assert_eq!(removed, vec![cache.role_credentials_path(&key)]);
    assert!(assume_role.exists());
    assert!(cache.load_role_credentials(&key).expect("read").is_none());
}

#[test]
fn a_corrupt_file_names_itself_and_the_fix() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    let key = TokenKey::new("dev");
    std::fs::create_dir_all(cache.sso_dir()).expect("mkdir");
    std::fs::write(
        cache.token_path(&key),
        "{\"accessToken\": \"hunter2\", \"expiresAt\": [5]}",
    )
    .expect("write");
    let msg = cache.load_token(&key).expect_err("corrupt").to_string();
    assert!(
        msg.contains(key.hash()) && msg.contains("aws-sso-rs login"),
        "{msg}"
    );
    assert!(
        !msg.contains("hunter2"),
        "the message never shows the token: {msg}"
    );
}

#[test]
fn every_kind_of_damaged_token_file_is_reported_as_damaged_with_its_path() {
    use aws_sso_token_cache::{ErrorKind, ExpiryPolicy, TokenStatus};
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    let key = TokenKey::new("dev");
    let now = OffsetDateTime::now_utc();
    let policy = ExpiryPolicy::default();
    assert_eq!(
        cache
            .token_status(&key, &policy, now)
            .expect("status")
            .name(),
        "none"
    );
    std::fs::create_dir_all(cache.sso_dir()).expect("mkdir");
    for (what, bytes) in [
        ("empty", &b""[..]),
        ("not JSON", b"{\"accessToken\": "),
        ("missing fields", b"{\"accessToken\": \"aoa-secret\"}"),
        (
            "not UTF-8",
            b"{\"accessToken\": \"\xff\xfe\", \"expiresAt\": \"2030-01-01T00:00:00Z\"}",
        ),
    ] {
        std::fs::write(cache.token_path(&key), bytes).expect("write");
        let status = cache.token_status(&key, &policy, now).expect(what);
        assert_eq!(status.name(), "damaged", "{what}");
        let TokenStatus::Damaged(error) = status else {
            unreachable!("named damaged")
        };
        assert!(
            matches!(error.kind(), ErrorKind::Corrupt { .. }),
            "{what}: {error}"
        );
        let message = error.to_string();
        assert!(
            message.contains(&cache.token_path(&key).display().to_string())
                && message.contains("damaged")
                && message.contains("aws-sso-rs login"),
            "{what}: {message}"
        );
        assert!(!message.contains("aoa-secret"), "{what}: {message}");
        assert!(
            !message.contains("check that you own"),
            "{what}: a damaged file is not a permissions problem: {message}"
        );
    }
}

#[test]
fn a_failed_sign_in_is_remembered_until_cleared() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    let key = TokenKey::new("dev");
    assert_eq!(cache.login_failed_at(&key), None);
    let at = time::macros::datetime!(2030-01-01 0:00 UTC);
    cache.record_login_failure(&key, at).expect("record");
    assert_eq!(cache.login_failed_at(&key), Some(at));
    assert!(
        !cache.sso_dir().exists() || std::fs::read_dir(cache.sso_dir()).expect("ls").count() == 0,
        "nothing lands among the AWS CLI's files"
    );
    cache.clear_login_failure(&key).expect("clear");
    assert_eq!(cache.login_failed_at(&key), None);
    cache
        .clear_login_failure(&key)
        .expect("clearing twice is fine");
}

#[test]
fn only_listed_token_files_can_be_removed_by_path() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    cache
        .store_token(&TokenKey::new("dev"), &token())
        .expect("store");
    let listed = cache.tokens().expect("list");
    assert_eq!(listed.tokens.len(), 1);
    assert!(
        cache
            .remove_listed_token(&listed.tokens[0].path)
            .expect("remove")
    );
    assert!(!cache.token_path(&TokenKey::new("dev")).exists());
    let elsewhere = home.path().join(".aws/config");
    std::fs::write(&elsewhere, "[default]\n").expect("write");
    assert!(cache.remove_listed_token(&elsewhere).is_err());
    assert!(
        elsewhere.exists(),
        "a path outside the cache is never deleted"
    );
}
