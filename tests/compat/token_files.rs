//! SSO token files: written by one, read by the other.

use aws_sso_e2e::TempHome;
use aws_sso_token_cache::{Secret, SsoToken, TokenKey};
use time::{Duration, OffsetDateTime};

use crate::{CONFIG, START_URL};

#[test]
fn botocore_loads_a_token_written_by_token_cache() {
    aws_sso_e2e::require_botocore!();
    let home = TempHome::new();
    home.write_config(CONFIG);
    let expires_at = (OffsetDateTime::now_utc() + Duration::hours(8))
        .replace_nanosecond(0)
        .expect("valid");
    let mut token = SsoToken::new(Secret::new("aoa-from-aws-sso-rs"), expires_at);
    token.start_url = Some(START_URL.into());
    token.region = Some("ap-northeast-1".into());
    token.client_id = Some("client".into());
    token.client_secret = Some("secret".into());
    token.registration_expires_at = Some(expires_at + Duration::days(80));
    token.refresh_token = Some("refresh".into());
    home.cache()
        .store_token(&TokenKey::new("my-sso"), &token)
        .expect("store");

    let loaded = home.botocore(&["load-token", "dev-account-ro"]);
    assert_eq!(loaded["token"], "aoa-from-aws-sso-rs");
    let expiration = loaded["expiration"].as_str().expect("expiration");
    let parsed = aws_sso_token_cache::timestamp::parse(expiration).expect("iso timestamp");
    assert_eq!(parsed, expires_at);
}

#[test]
fn token_cache_reads_what_botocore_writes() {
    aws_sso_e2e::require_botocore!();
    for (style, key_source, session) in [
        ("sso", "my-sso", "my-sso"),
        ("legacy", "my-sso", "my-sso"),
        ("sso", START_URL, "-"),
    ] {
        let home = TempHome::new();
        home.write_config(CONFIG);
        let written = home.botocore(&[
            "write-token",
            session,
            START_URL,
            "ap-northeast-1",
            "aoa-from-botocore",
            "3600",
            style,
        ]);
        let want = aws_sso_token_cache::timestamp::parse(
            written["expiresAt"].as_str().expect("expiresAt"),
        )
        .expect("iso timestamp");
        let raw = std::fs::read_to_string(home.cache().token_path(&TokenKey::new(key_source)))
            .expect("botocore wrote the file aws-sso-rs looks for");
        let token = home
            .cache()
            .load_token(&TokenKey::new(key_source))
            .expect("parses")
            .expect("exists");
        assert_eq!(token.access_token.expose(), "aoa-from-botocore", "{style}");
        assert_eq!(token.expires_at, want, "{style}: {raw}");
        assert_eq!(token.start_url.as_deref(), Some(START_URL));
        assert!(
            token.can_refresh(OffsetDateTime::now_utc()),
            "{style}: refresh fields are read"
        );
    }
}

#[test]
fn the_legacy_utc_timestamp_form_is_what_botocore_writes_by_default() {
    aws_sso_e2e::require_botocore!();
    let home = TempHome::new();
    home.write_config(CONFIG);
    home.botocore(&[
        "write-token",
        "my-sso",
        START_URL,
        "ap-northeast-1",
        "t",
        "60",
        "sso",
    ]);
    let raw =
        std::fs::read_to_string(home.cache().token_path(&TokenKey::new("my-sso"))).expect("file");
    assert!(raw.contains("Z\""), "the sso writer uses Z: {raw}");
    let home = TempHome::new();
    home.botocore(&[
        "write-token",
        "my-sso",
        START_URL,
        "ap-northeast-1",
        "t",
        "60",
        "legacy",
    ]);
    let raw =
        std::fs::read_to_string(home.cache().token_path(&TokenKey::new("my-sso"))).expect("file");
    assert!(raw.contains("UTC\""), "the default writer uses UTC: {raw}");
    home.cache()
        .load_token(&TokenKey::new("my-sso"))
        .expect("aws-sso-rs reads it")
        .expect("exists");
}
