//! The resolver over a fake portal, a fake OIDC service and a clock moved by hand: the lock
//! and the re-check after it, each portal error mapped, the expiry boundaries, the refresh,
//! and the sign-in cooldown. No network, no sleeping.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration as StdDuration;

use aws_sso_device_auth::{
    ApiError, DeviceAuthorization, Grant, LoginOptions, ManualClock, NamedBy, OidcApi, Presenter,
    RegisterRequest, Registered, Sleeper, Tokens,
};
use aws_sso_profile_config::{Endpoint, SsoSession};
use aws_sso_token_cache::{ExpiryPolicy, LockKey, RoleCredentials, Secret, SsoToken, TokenCache};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::portal::Account;

const START: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);

/// A portal that answers `GetRoleCredentials` from a script and counts the calls.
#[derive(Default)]
struct FakePortal {
    answers: Mutex<VecDeque<Result<RoleCredentials, PortalError>>>,
    calls: Mutex<u32>,
}

impl FakePortal {
    fn answering(answers: Vec<Result<RoleCredentials, PortalError>>) -> Self {
        Self {
            answers: Mutex::new(answers.into()),
            calls: Mutex::new(0),
        }
    }
    fn calls(&self) -> u32 {
        *self.calls.lock().expect("lock")
    }
}

impl PortalApi for FakePortal {
    async fn logout(&self, _: &Secret) -> Result<(), PortalError> {
        Ok(())
    }
    async fn get_role_credentials(
        &self,
        _: &Secret,
        _: &str,
        _: &str,
    ) -> Result<RoleCredentials, PortalError> {
        *self.calls.lock().expect("lock") += 1;
        self.answers
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or(Err(PortalError::Unauthorized))
    }
    async fn list_accounts(&self, _: &Secret) -> Result<Vec<Account>, PortalError> {
        Ok(Vec::new())
    }
    async fn list_account_roles(&self, _: &Secret, _: &str) -> Result<Vec<String>, PortalError> {
        Ok(Vec::new())
    }
    fn endpoint(&self) -> &str {
        "https://portal.sso.eu-west-1.amazonaws.com"
    }
}

/// An OIDC service whose token endpoint answers from a script; device codes are approved at
/// once (or denied).
#[derive(Default)]
struct FakeOidc {
    tokens: Mutex<VecDeque<Result<Tokens, ApiError>>>,
    token_calls: Mutex<u32>,
}

impl FakeOidc {
    fn answering(tokens: Vec<Result<Tokens, ApiError>>) -> Self {
        Self {
            tokens: Mutex::new(tokens.into()),
            token_calls: Mutex::new(0),
        }
    }
    fn token_calls(&self) -> u32 {
        *self.token_calls.lock().expect("lock")
    }
}

impl OidcApi for FakeOidc {
    async fn register_client(&self, _: RegisterRequest) -> Result<Registered, ApiError> {
        Ok(Registered {
            client_id: "cid".into(),
            client_secret: Secret::new("cs"),
            expires_at: (START + Duration::days(90)).unix_timestamp(),
        })
    }
    async fn start_device_authorization(
        &self,
        _: &str,
        _: &Secret,
        _: &str,
    ) -> Result<DeviceAuthorization, ApiError> {
        Ok(DeviceAuthorization {
            device_code: Secret::new("dc"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://device.sso.eu-west-1.amazonaws.com/".into(),
            verification_uri_complete:
                "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH".into(),
            expires_in: 600,
            interval: 1,
        })
    }
    async fn create_token(&self, _: &str, _: &Secret, _: Grant) -> Result<Tokens, ApiError> {
        *self.token_calls.lock().expect("lock") += 1;
        self.tokens
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or(Err(ApiError::AccessDenied))
    }
    fn endpoint(&self) -> &str {
        "https://oidc.eu-west-1.amazonaws.com"
    }
}

/// Moves the manual clock instead of waiting.
struct Skip<'a>(&'a ManualClock);

impl Sleeper for Skip<'_> {
    fn sleep(&self, d: StdDuration) -> impl std::future::Future<Output = ()> + Send {
        self.0
            .advance(Duration::try_from(d).expect("a short sleep"));
        // As a timer does, lets the other tasks run meanwhile.
        tokio::task::yield_now()
    }
}

struct Quiet;
impl Presenter for Quiet {
    fn device_code(&self, _: &DeviceAuthorization, _: OffsetDateTime) {}
    fn authorize_url(&self, _: &str, _: OffsetDateTime) {}
}

fn target() -> RoleTarget {
    let session = SsoSession {
        name: None,
        start_url: "https://d-1234567890.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        registration_scopes: Vec::new(),
    };
    RoleTarget {
        profile: "dev".into(),
        sign_in: SignInTarget {
            named_by: NamedBy::Profile("dev".into()),
            flow: aws_sso_device_auth::Flow::for_session(&session, false),
            session,
            oidc: Endpoint::explicit("https://oidc.eu-west-1.amazonaws.com"),
            transport: Default::default(),
        },
        account_id: "123456789011".into(),
        role_name: "ReadOnly".into(),
        region: None,
        portal: Endpoint::explicit("https://portal.sso.eu-west-1.amazonaws.com"),
    }
}

fn creds(expiration: OffsetDateTime) -> RoleCredentials {
    RoleCredentials {
        access_key_id: "ASIAFAKE".into(),
        secret_access_key: Secret::new("sk"),
        session_token: Secret::new("st"),
        expiration: Some(expiration),
        account_id: Some("123456789011".into()),
    }
}

fn token(expires_at: OffsetDateTime, refreshable: bool) -> SsoToken {
    let mut t = SsoToken::new(Secret::new("aoa-token"), expires_at);
    t.start_url = Some("https://d-1234567890.awsapps.com/start".into());
    t.region = Some("eu-west-1".into());
    if refreshable {
        t.client_id = Some("cid".into());
        t.client_secret = Some(Secret::new("cs"));
        t.refresh_token = Some(Secret::new("aor-refresh"));
        t.registration_expires_at = Some(START + Duration::days(30));
    }
    t
}

struct World {
    _home: tempfile::TempDir,
    cache: TokenCache,
    clock: ManualClock,
}

impl World {
    fn new() -> Self {
        let home = tempfile::tempdir().expect("home");
        Self {
            cache: TokenCache::new(home.path()),
            _home: home,
            clock: ManualClock::new(START),
        }
    }
    fn sign_in(&self, t: SsoToken) {
        self.cache
            .store_token(&target().token_key(), &t)
            .expect("store token");
    }
}

#[tokio::test]
async fn fetches_once_then_serves_the_cache_until_the_window() {
    let w = World::new();
    w.sign_in(token(START + Duration::hours(8), false));
    let portal = FakePortal::answering(vec![
        Ok(creds(START + Duration::hours(1))),
        Ok(creds(START + Duration::hours(2))),
    ]);
    let oidc = FakeOidc::default();
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let t = target();
    let first = r.credentials(&t).await.expect("fetched");
    assert_eq!(first.expiration, Some(START + Duration::hours(1)));
    assert_eq!(portal.calls(), 1);

    // With 5 minutes and 1 second left they are still handed out; at 5 minutes, fetched again.
    w.clock
        .set(START + Duration::minutes(54) + Duration::seconds(59));
    r.credentials(&t).await.expect("cached");
    assert_eq!(portal.calls(), 1, "served from the cache");
    w.clock.set(START + Duration::minutes(55));
    let renewed = r.credentials(&t).await.expect("renewed");
    assert_eq!(portal.calls(), 2);
    assert_eq!(renewed.expiration, Some(START + Duration::hours(2)));
    assert_eq!(
        w.cache
            .load_role_credentials(&t.key())
            .expect("read")
            .expect("stored")
            .expiration,
        Some(START + Duration::hours(2)),
        "the new ones are cached"
    );
    assert_eq!(oidc.token_calls(), 0, "a valid token needs no OIDC call");
}

#[tokio::test]
async fn after_waiting_for_the_lock_it_rechecks_the_cache_before_calling() {
    let w = World::new();
    w.sign_in(token(START + Duration::hours(8), false));
    let portal = FakePortal::default();
    let oidc = FakeOidc::default();
    let sleeper = Skip(&w.clock);
    let t = target();
    let key = t.key();
    // Another process holds the role lock, fetching.
    let held = w
        .cache
        .try_lock(LockKey::Role(&key))
        .expect("lock")
        .expect("free");
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let waiting = r.credentials(&t);
    // join! polls `waiting` first: it misses the cache and starts waiting for the lock
    // before `other` runs.
    let other = async {
        tokio::task::yield_now().await;
        // ... and stores what it fetched, then lets go.
        w.cache
            .store_role_credentials(&key, &creds(START + Duration::hours(1)))
            .expect("store");
        drop(held);
    };
    let (got, ()) = tokio::join!(waiting, other);
    assert_eq!(
        got.expect("from the other process").access_key_id,
        "ASIAFAKE"
    );
    assert_eq!(portal.calls(), 0, "no second request");
}

#[tokio::test]
async fn each_portal_error_is_mapped_to_what_the_user_must_do() {
    let t = target();
    for (answer, check) in [
        (
            PortalError::Unauthorized,
            (|e: &ErrorKind| matches!(e, ErrorKind::NeedsLogin { command, .. } if command == "aws-sso-rs login --profile dev"))
                as fn(&ErrorKind) -> bool,
        ),
        (
            PortalError::Forbidden,
            |e| matches!(e, ErrorKind::RoleNotAssigned { account, role, .. } if account == "123456789011" && role == "ReadOnly"),
        ),
        (PortalError::Throttled, |e| {
            matches!(e, ErrorKind::Throttled)
        }),
        (
            PortalError::Unreachable {
                endpoint: "https://portal".into(),
                reason: "refused".into(),
            },
            |e| matches!(e, ErrorKind::Unreachable { endpoint, .. } if endpoint == "https://portal"),
        ),
        (
            PortalError::Service {
                code: "InternalServerException".into(),
                message: "boom".into(),
            },
            |e| matches!(e, ErrorKind::Portal(PortalError::Service { .. })),
        ),
    ] {
        let w = World::new();
        w.sign_in(token(START + Duration::hours(8), false));
        let portal = FakePortal::answering(vec![Err(answer.clone())]);
        let oidc = FakeOidc::default();
        let sleeper = Skip(&w.clock);
        let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
        let e = r.credentials(&t).await.expect_err("an error");
        assert!(check(e.kind()), "{answer:?} became {e}");
        assert!(
            w.cache
                .load_role_credentials(&t.key())
                .expect("read")
                .is_none(),
            "nothing cached after {answer:?}"
        );
    }
}

#[tokio::test]
async fn token_expiry_boundaries() {
    let t = target();
    // Expired and not refreshable: sign in again, without asking the portal.
    let w = World::new();
    w.sign_in(token(START, false));
    let portal = FakePortal::answering(vec![Ok(creds(START + Duration::hours(1)))]);
    let oidc = FakeOidc::default();
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let e = r
        .credentials(&t)
        .await
        .expect_err("expired at this instant");
    assert!(matches!(e.kind(), ErrorKind::NeedsLogin { .. }), "{e}");
    assert_eq!(portal.calls(), 0);

    // One second left, in the refresh window but not refreshable: still used.
    w.sign_in(token(START + Duration::seconds(1), false));
    r.credentials(&t).await.expect("one second is enough");
    assert_eq!(portal.calls(), 1);
    assert_eq!(oidc.token_calls(), 0);
}

#[tokio::test]
async fn a_token_due_for_refresh_is_refreshed_and_stored() {
    let w = World::new();
    w.sign_in(token(START + Duration::minutes(10), true));
    let portal = FakePortal::answering(vec![Ok(creds(START + Duration::hours(1)))]);
    let oidc = FakeOidc::answering(vec![Ok(Tokens {
        access_token: Secret::new("aoa-new"),
        expires_in: 8 * 3600,
        refresh_token: None,
    })]);
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    r.credentials(&target()).await.expect("credentials");
    assert_eq!(oidc.token_calls(), 1);
    let stored = w
        .cache
        .load_token(&target().token_key())
        .expect("read")
        .expect("token");
    assert_eq!(stored.access_token.expose(), "aoa-new");
    assert_eq!(stored.expires_at, START + Duration::hours(8));
    assert_eq!(
        stored.refresh_token.as_ref().map(Secret::expose),
        Some("aor-refresh"),
        "the refresh token is kept when none is rotated in"
    );
}

#[tokio::test]
async fn a_token_revoked_on_the_server_is_refreshed_once_else_the_login_is_asked() {
    let w = World::new();
    w.sign_in(token(START + Duration::hours(6), true));
    // The portal refuses the valid-looking token, then accepts the refreshed one.
    let portal = FakePortal::answering(vec![
        Err(PortalError::Unauthorized),
        Ok(creds(START + Duration::hours(1))),
    ]);
    let oidc = FakeOidc::answering(vec![Ok(Tokens {
        access_token: Secret::new("aoa-after-revoke"),
        expires_in: 8 * 3600,
        refresh_token: None,
    })]);
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    r.credentials(&target())
        .await
        .expect("refreshed and fetched");
    assert_eq!((portal.calls(), oidc.token_calls()), (2, 1));
    let stored = w
        .cache
        .load_token(&target().token_key())
        .expect("read")
        .expect("token");
    assert_eq!(stored.access_token.expose(), "aoa-after-revoke");

    // Not refreshable: the login instruction, after one call and no refresh.
    let w = World::new();
    w.sign_in(token(START + Duration::hours(6), false));
    let portal = FakePortal::answering(vec![Err(PortalError::Unauthorized)]);
    let oidc = FakeOidc::default();
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let e = r.credentials(&target()).await.expect_err("signed out");
    assert!(matches!(e.kind(), ErrorKind::NeedsLogin { .. }), "{e}");
    assert_eq!((portal.calls(), oidc.token_calls()), (1, 0));

    // The refreshed token refused too: still one refresh, then the login instruction.
    let w = World::new();
    w.sign_in(token(START + Duration::hours(6), true));
    let portal = FakePortal::answering(vec![
        Err(PortalError::Unauthorized),
        Err(PortalError::Unauthorized),
    ]);
    let oidc = FakeOidc::answering(vec![Ok(Tokens {
        access_token: Secret::new("aoa-also-refused"),
        expires_in: 8 * 3600,
        refresh_token: None,
    })]);
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let e = r.credentials(&target()).await.expect_err("signed out");
    assert!(matches!(e.kind(), ErrorKind::NeedsLogin { .. }), "{e}");
    assert_eq!(
        (portal.calls(), oidc.token_calls()),
        (2, 1),
        "no retry loop"
    );
}

#[tokio::test]
async fn a_refused_token_is_recorded_only_when_its_refresh_is_refused_too() {
    // The refresh is lost to the network: said as such, nothing recorded, and the next
    // command tries again.
    let w = World::new();
    w.sign_in(token(START + Duration::hours(6), true));
    let portal = FakePortal::answering(vec![Err(PortalError::Unauthorized)]);
    let oidc = FakeOidc::answering(vec![Err(ApiError::Unreachable("timed out".into()))]);
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let e = r.credentials(&target()).await.expect_err("no answer");
    assert!(
        !matches!(e.kind(), ErrorKind::NeedsLogin { .. }),
        "a network failure is not a sign-out: {e}"
    );
    let key = target().token_key();
    let cached = w.cache.load_token(&key).expect("read").expect("token");
    assert_eq!(w.cache.refused_at(&key, &cached), None, "nothing recorded");

    // The service refuses the refresh: recorded, and the next request asks for a sign-in
    // without calling anyone.
    let portal = FakePortal::answering(vec![Err(PortalError::Unauthorized)]);
    let oidc = FakeOidc::answering(vec![Err(ApiError::InvalidGrant("revoked".into()))]);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let e = r.credentials(&target()).await.expect_err("signed out");
    assert!(matches!(e.kind(), ErrorKind::NeedsLogin { .. }), "{e}");
    assert!(w.cache.refused_at(&key, &cached).is_some(), "recorded");
    let e = r
        .credentials(&target())
        .await
        .expect_err("still signed out");
    assert!(matches!(e.kind(), ErrorKind::NeedsLogin { .. }), "{e}");
    assert_eq!(
        (portal.calls(), oidc.token_calls()),
        (1, 1),
        "no call for a token known to be refused"
    );
}

#[tokio::test]
async fn a_damaged_token_file_is_a_cache_error_naming_it() {
    let w = World::new();
    let t = target();
    std::fs::create_dir_all(w.cache.sso_dir()).expect("mkdir");
    std::fs::write(w.cache.token_path(&t.token_key()), b"\xffnot json").expect("write");
    let portal = FakePortal::default();
    let oidc = FakeOidc::default();
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache);
    let e = r.credentials(&t).await.expect_err("damaged");
    assert!(
        matches!(e.kind(), ErrorKind::DamagedToken { command, .. } if command == "aws-sso-rs login --profile dev"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains(&w.cache.token_path(&t.token_key()).display().to_string()),
        "{e}"
    );
}

#[tokio::test]
async fn a_failed_sign_in_holds_back_the_next_for_the_cooldown_only() {
    let w = World::new();
    let t = target();
    let portal = FakePortal::answering(vec![Ok(creds(START + Duration::hours(9)))]);
    // The first device login is denied; the second is approved.
    let oidc = FakeOidc::answering(vec![
        Err(ApiError::AccessDenied),
        Ok(Tokens {
            access_token: Secret::new("aoa-ok"),
            expires_in: 8 * 3600,
            refresh_token: None,
        }),
    ]);
    let sleeper = Skip(&w.clock);
    let r = Resolver::new(&oidc, &portal, &w.clock, &sleeper, &w.cache)
        .with_policy(ExpiryPolicy::default());
    let e = r
        .credentials_or_sign_in(&t, &Quiet, LoginOptions::default())
        .await
        .expect_err("denied");
    assert!(matches!(e.kind(), ErrorKind::SignIn(_)), "{e}");
    let failed_at = w.clock.now();

    w.clock
        .set(failed_at + Duration::minutes(4) + Duration::seconds(59));
    let e = r
        .credentials_or_sign_in(&t, &Quiet, LoginOptions::default())
        .await
        .expect_err("cooling down");
    assert!(
        matches!(e.kind(), ErrorKind::LoginCoolingDown { left, .. } if *left == Duration::seconds(1)),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("run: aws-sso-rs login --profile dev"),
        "{e}"
    );
    assert_eq!(
        oidc.token_calls(),
        1,
        "no flow was started while cooling down"
    );

    w.clock.set(failed_at + Duration::minutes(5));
    let c = r
        .credentials_or_sign_in(&t, &Quiet, LoginOptions::default())
        .await
        .expect("signed in, then credentials");
    assert_eq!(c.access_key_id, "ASIAFAKE");
    assert_eq!(
        w.cache.login_failed_at(&t.token_key()),
        None,
        "a success clears the record"
    );
}

#[tokio::test]
async fn an_abandoned_sign_in_counts_as_failed() {
    let w = World::new();
    let t = target();
    let portal = FakePortal::default();
    let oidc = FakeOidc::default();
    /// The person never answers: the flow waits for ever.
    struct Forever;
    impl Sleeper for Forever {
        fn sleep(&self, _: StdDuration) -> impl std::future::Future<Output = ()> + Send {
            std::future::pending()
        }
    }
    let r = Resolver::new(&oidc, &portal, &w.clock, &Forever, &w.cache);
    /// Drops the sign-in as soon as the code is shown, as Ctrl-C does.
    struct Abandon(tokio::sync::Notify);
    impl Presenter for Abandon {
        fn device_code(&self, _: &DeviceAuthorization, _: OffsetDateTime) {
            self.0.notify_one();
        }
        fn authorize_url(&self, _: &str, _: OffsetDateTime) {}
    }
    let abandon = Abandon(tokio::sync::Notify::new());
    tokio::select! {
        _ = r.credentials_or_sign_in(&t, &abandon, LoginOptions::default()) => {
            panic!("the sign-in should still be waiting")
        }
        () = abandon.0.notified() => {}
    }
    assert_eq!(
        w.cache.login_failed_at(&t.token_key()),
        Some(w.clock.now()),
        "dropping the sign-in records it"
    );
}

/// Every public type that holds a secret prints `<redacted>` in its `Debug`, whatever the
/// crate: tokens, client secrets, refresh tokens, device and authorization codes, PKCE
/// verifiers, role keys, a proxy's password.
#[test]
fn no_public_type_shows_a_secret_in_its_debug() {
    use aws_sso_device_auth::{DeviceAuthorization, Grant, Registered, Tokens};
    use aws_sso_token_cache::{ClientRegistration, Secret, SsoToken};
    let s = |name: &str| Secret::new(format!("SECRET-{name}-0123456789"));
    let now = OffsetDateTime::now_utc();
    let mut token = SsoToken::new(s("access"), now);
    token.refresh_token = Some(s("refresh"));
    token.client_secret = Some(s("client"));
    let shown = [
        format!("{token:?}"),
        format!(
            "{:?}",
            ClientRegistration::from_json(
                r#"{"clientId": "c", "clientSecret": "SECRET-reg-0123456789", "expiresAt": "2030-01-01T00:00:00Z"}"#
            )
            .expect("parses")
        ),
        format!(
            "{:?}",
            RoleCredentials {
                access_key_id: "ASIAFAKE".into(),
                secret_access_key: s("role-key"),
                session_token: s("role-session"),
                expiration: Some(now),
                account_id: None,
            }
        ),
        format!(
            "{:?}",
            Registered {
                client_id: "c".into(),
                client_secret: s("registered"),
                expires_at: 0,
            }
        ),
        format!(
            "{:?}",
            DeviceAuthorization {
                device_code: s("device"),
                user_code: "ABCD-EFGH".into(),
                verification_uri: "https://x".into(),
                verification_uri_complete: "https://x".into(),
                expires_in: 1,
                interval: 1,
            }
        ),
        format!(
            "{:?}",
            Grant::AuthorizationCode {
                code: s("code"),
                redirect_uri: "http://127.0.0.1:1/oauth/callback".into(),
                verifier: s("verifier"),
            }
        ),
        format!("{:?}", Grant::RefreshToken(s("grant-refresh"))),
        format!(
            "{:?}",
            Tokens {
                access_token: s("tokens-access"),
                expires_in: 1,
                refresh_token: Some(s("tokens-refresh")),
            }
        ),
        format!(
            "{:?}",
            aws_sso_http::Transport::from_env(
                &aws_sso_profile_config::MapEnv::new()
                    .with("HTTPS_PROXY", "http://me:SECRET-proxy-0123456789@proxy:3128")
            )
        ),
    ];
    for text in shown {
        assert!(!text.contains("SECRET-"), "a secret shows: {text}");
    }
}
