//! Role credentials cached by aws-sso-rs are what botocore's SSO provider uses.

use aws_sso_e2e::TempHome;
use aws_sso_token_cache::{RoleCredentials, RoleKey, Secret, SsoToken, TokenKey};
use time::{Duration, OffsetDateTime};

use crate::{CONFIG, START_URL};

fn creds(tag: &str) -> RoleCredentials {
    RoleCredentials {
        access_key_id: format!("ASIA{tag}"),
        secret_access_key: Secret::new(format!("secret-{tag}")),
        session_token: Secret::new(format!("session-{tag}")),
        expiration: Some(OffsetDateTime::now_utc() + Duration::hours(1)),
        account_id: Some("123456789011".into()),
    }
}

#[test]
fn botocore_uses_cached_role_credentials_without_a_request() {
    aws_sso_e2e::require_botocore!();
    let home = TempHome::new();
    home.write_config(CONFIG);
    let cache = home.cache();
    // botocore's session provider wants a token before it looks at the role cache.
    let token = SsoToken::new("aoa".into(), OffsetDateTime::now_utc() + Duration::hours(8));
    cache
        .store_token(&TokenKey::new("my-sso"), &token)
        .expect("store token");
    cache
        .store_token(&TokenKey::new(START_URL), &token)
        .expect("store legacy token");
    cache
        .store_role_credentials(
            &RoleKey::new("123456789011", "ReadOnly", Some("my-sso"), START_URL),
            &creds("SESSION"),
        )
        .expect("store");
    cache
        .store_role_credentials(
            &RoleKey::new("123456789011", "ReadOnly", None, START_URL),
            &creds("LEGACY"),
        )
        .expect("store");

    // Every endpoint points at a closed port: an answer can only come from the cache.
    let got = home.botocore(&["load-role-credentials", "dev-account-ro"]);
    assert_eq!(got["access_key"], "ASIASESSION");
    assert_eq!(got["secret_key"], "secret-SESSION");
    assert_eq!(got["token"], "session-SESSION");
    let got = home.botocore(&["load-role-credentials", "legacy-ro"]);
    assert_eq!(got["access_key"], "ASIALEGACY");
}
