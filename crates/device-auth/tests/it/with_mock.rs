//! The whole sign-in against aws-sso-mock through the real SDK: device code, PKCE (through
//! the listener and through a pasted address), reuse, refresh, registration reuse.

use std::time::Duration;

use aws_sso_device_auth::{
    DeviceAuthorization, PkceOptions, Presenter, SdkOidc, SignIn, SystemClock, TokioSleeper,
};
use aws_sso_mock::{MockServer, Scenario};
use aws_sso_profile_config::SsoSession;
use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey};
use time::OffsetDateTime;

fn session() -> SsoSession {
    SsoSession {
        name: Some("my-sso".into()),
        start_url: "https://d-XXXXXXXXX.awsapps.com/start".into(),
        region: "ap-northeast-1".into(),
        registration_scopes: vec!["sso:account:access".into()],
    }
}

struct Quiet;
impl Presenter for Quiet {
    fn device_code(&self, _: &DeviceAuthorization, _: OffsetDateTime) {}
    fn authorize_url(&self, _: &str, _: OffsetDateTime) {}
}

use aws_sso_e2e::http::{allow_in_browser as browse, follow};

/// Follows the redirect to the loopback listener, as the browser would.
struct Browser;
impl Presenter for Browser {
    fn device_code(&self, _: &DeviceAuthorization, _: OffsetDateTime) {}
    fn authorize_url(&self, url: &str, _: OffsetDateTime) {
        let url = url.to_owned();
        std::thread::spawn(move || {
            let page = follow(&browse(&url));
            assert!(page.contains("You can close this window"), "{page}");
        });
    }
}

/// Hands the redirect address to the pasted channel instead (a remote host's browser).
struct Paster(tokio::sync::mpsc::Sender<String>);
impl Presenter for Paster {
    fn device_code(&self, _: &DeviceAuthorization, _: OffsetDateTime) {}
    fn authorize_url(&self, url: &str, _: OffsetDateTime) {
        let (url, tx) = (url.to_owned(), self.0.clone());
        std::thread::spawn(move || {
            let _ = tx.blocking_send("not an address".into());
            let _ = tx.blocking_send(browse(&url));
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_login_reuse_and_refresh() {
    let server = MockServer::start(Scenario::default()).expect("mock");
    let home = tempfile::tempdir().expect("home");
    let cache = TokenCache::new(home.path());
    let api = SdkOidc::new("ap-northeast-1", server.url(), false);
    let session = session();
    let sign_in = SignIn::new(&api, &SystemClock, &TokioSleeper, &cache, &session);
    assert!(
        sign_in
            .cached_or_refreshed()
            .await
            .expect("no cache yet")
            .is_none()
    );
    let token = sign_in.device_login(&Quiet).await.expect("device login");
    assert!(server.token_is_valid(token.access_token.expose()));
    let cached = cache
        .load_token(&TokenKey::new("my-sso"))
        .expect("read")
        .expect("cached");
    assert_eq!(cached.access_token, token.access_token);
    assert!(
        cached.refresh_token.is_some()
            && cached.client_id.is_some()
            && cached.registration_expires_at.is_some()
    );

    let reused = sign_in
        .cached_or_refreshed()
        .await
        .expect("reuse")
        .expect("valid");
    assert_eq!(reused.access_token, token.access_token);
    assert_eq!(
        server.count("CreateToken"),
        2,
        "no request to reuse a valid token"
    );

    // A window longer than the token's life makes it due: it is refreshed and stored.
    let due = SignIn::new(&api, &SystemClock, &TokioSleeper, &cache, &session).with_policy(
        ExpiryPolicy {
            token_refresh_window: time::Duration::hours(9),
            ..ExpiryPolicy::default()
        },
    );
    let refreshed = due
        .cached_or_refreshed()
        .await
        .expect("refresh")
        .expect("token");
    assert_ne!(refreshed.access_token, token.access_token);
    assert!(server.token_is_valid(refreshed.access_token.expose()));
    assert_eq!(
        cache
            .load_token(&TokenKey::new("my-sso"))
            .expect("read")
            .expect("cached")
            .access_token,
        refreshed.access_token
    );

    // A second device login reuses the cached registration.
    sign_in.device_login(&Quiet).await.expect("again");
    assert_eq!(server.count("RegisterClient"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkce_login_through_the_listener_and_by_pasting() {
    let server = MockServer::start(Scenario::default()).expect("mock");
    let home = tempfile::tempdir().expect("home");
    let cache = TokenCache::new(home.path());
    let api = SdkOidc::new("ap-northeast-1", server.url(), false);
    let session = session();
    let sign_in = SignIn::new(&api, &SystemClock, &TokioSleeper, &cache, &session);
    let options = PkceOptions {
        wait: Some(Duration::from_secs(30)),
        ..PkceOptions::default()
    };
    let token = sign_in
        .pkce_login(&Browser, options)
        .await
        .expect("pkce via listener");
    assert!(server.token_is_valid(token.access_token.expose()));
    assert!(token.refresh_token.is_some());

    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let options = PkceOptions {
        wait: Some(Duration::from_secs(30)),
        pasted: Some(rx),
        ..PkceOptions::default()
    };
    let pasted = sign_in
        .pkce_login(&Paster(tx), options)
        .await
        .expect("pkce via pasted address");
    assert!(server.token_is_valid(pasted.access_token.expose()));
    assert_eq!(
        server.count("RegisterClient"),
        1,
        "the PKCE registration is reused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let home = tempfile::tempdir().expect("home");
    let cache = TokenCache::new(home.path());
    let url = format!("http://127.0.0.1:{port}");
    let api = SdkOidc::new("ap-northeast-1", &url, false);
    let session = session();
    let err = SignIn::new(&api, &SystemClock, &TokioSleeper, &cache, &session)
        .device_login(&Quiet)
        .await
        .expect_err("unreachable");
    assert!(
        matches!(
            err.kind(),
            aws_sso_device_auth::ErrorKind::Unreachable { .. }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(&url), "{err}");
}
