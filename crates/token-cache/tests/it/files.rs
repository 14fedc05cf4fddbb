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
        expiration: OffsetDateTime::now_utc() + Duration::hours(1),
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
        "{\"accessToken\": \"hunter2\", \"expiresAt\": 5}",
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
