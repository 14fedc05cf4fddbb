//! The whole sign-in against aws-sso-mock through the real SDK: device code, PKCE (through
//! the listener and through a pasted address), reuse, refresh, registration reuse.

use std::time::Duration;

use aws_sso_device_auth::{
    DeviceAuthorization, PkceOptions, Presenter, SdkOidc, SignIn, SystemClock, TokioSleeper,
};
use aws_sso_mock::{MockServer, Scenario};
use aws_sso_profile_config::{Endpoint, SsoSession};
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
    let api = SdkOidc::new(
        "ap-northeast-1",
        &Endpoint::explicit(server.url()),
        &Default::default(),
    );
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
    let api = SdkOidc::new(
        "ap-northeast-1",
        &Endpoint::explicit(server.url()),
        &Default::default(),
    );
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
    let api = SdkOidc::new(
        "ap-northeast-1",
        &Endpoint::explicit(&url),
        &Default::default(),
    );
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

/// Records what the person would have been shown, completing device codes as the user.
#[derive(Default)]
struct Recorder {
    events: std::sync::Mutex<Vec<String>>,
}

impl Recorder {
    fn events(&self) -> Vec<String> {
        self.events.lock().expect("lock").clone()
    }
    fn push(&self, e: impl Into<String>) {
        self.events.lock().expect("lock").push(e.into());
    }
}

impl Presenter for Recorder {
    fn device_code(&self, a: &DeviceAuthorization, _: OffsetDateTime) {
        self.push("device-code");
        let url = a.verification_uri_complete.clone();
        std::thread::spawn(move || {
            let _ = browse(&url);
        });
    }
    fn authorize_url(&self, _: &str, _: OffsetDateTime) {
        self.push("authorize-url");
    }
    fn waiting_for_other_login(&self) {
        self.push("waiting");
    }
    fn replacing_damaged(&self, e: &aws_sso_token_cache::Error) {
        self.push(format!("damaged: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_use_case_reuses_waits_for_others_and_replaces_damaged_files() {
    use aws_sso_device_auth::{Flow, LoginOptions, LoginOutcome, NamedBy, SignInTarget, login};
    use aws_sso_token_cache::LockKey;

    let server = MockServer::start(Scenario::default()).expect("mock");
    let home = tempfile::tempdir().expect("home");
    let cache = TokenCache::new(home.path());
    let target = SignInTarget {
        named_by: NamedBy::SsoSession("my-sso".into()),
        session: session(),
        oidc: Endpoint::explicit(server.url()),
        flow: Flow::DeviceCode,
        transport: Default::default(),
    };

    let first = Recorder::default();
    let outcome = login(
        &target,
        &cache,
        &SystemClock,
        &first,
        LoginOptions::default(),
    )
    .await
    .expect("first login");
    assert!(matches!(outcome, LoginOutcome::SignedIn(_)));
    assert_eq!(first.events(), ["device-code"]);

    let again = Recorder::default();
    let outcome = login(
        &target,
        &cache,
        &SystemClock,
        &again,
        LoginOptions::default(),
    )
    .await
    .expect("second login");
    assert!(matches!(outcome, LoginOutcome::AlreadySignedIn(_)));
    assert!(again.events().is_empty(), "nothing is asked of the person");

    // Ten minutes left and no refresh token: not reused, a new sign-in replaces it.
    let key = target.token_key();
    let mut short = cache.load_token(&key).expect("read").expect("token");
    short.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
    short.refresh_token = None;
    cache.store_token(&key, &short).expect("store");
    let renew = Recorder::default();
    let outcome = login(
        &target,
        &cache,
        &SystemClock,
        &renew,
        LoginOptions::default(),
    )
    .await
    .expect("renewing login");
    assert!(matches!(outcome, LoginOutcome::SignedIn(_)));
    assert_eq!(renew.events(), ["device-code"]);
    assert!(
        cache
            .load_token(&key)
            .expect("read")
            .expect("token")
            .expires_at
            > time::OffsetDateTime::now_utc() + time::Duration::hours(7)
    );

    // Another process holds the login lock: this one says so and waits, then finds the
    // token that process cached.
    let held = cache
        .try_lock(LockKey::Login(&key))
        .expect("lock")
        .expect("free");
    let waiter = std::sync::Arc::new(Recorder::default());
    let task = {
        let (target, cache, waiter) = (target.clone(), cache.clone(), waiter.clone());
        tokio::spawn(async move {
            login(
                &target,
                &cache,
                &SystemClock,
                &*waiter,
                LoginOptions::default(),
            )
            .await
        })
    };
    for _ in 0..200 {
        if !waiter.events().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(waiter.events(), ["waiting"]);
    assert!(!task.is_finished(), "it waits while the other login runs");
    drop(held);
    let outcome = task.await.expect("join").expect("login after waiting");
    assert!(matches!(outcome, LoginOutcome::AlreadySignedIn(_)));

    // A damaged token file is named and replaced by a new sign-in.
    std::fs::write(cache.token_path(&key), b"\xff not a token").expect("damage");
    let repair = Recorder::default();
    let outcome = login(
        &target,
        &cache,
        &SystemClock,
        &repair,
        LoginOptions::default(),
    )
    .await
    .expect("login over a damaged file");
    assert!(matches!(outcome, LoginOutcome::SignedIn(_)));
    let events = repair.events();
    assert!(
        events.len() == 2
            && events[0].starts_with("damaged: the cache file ")
            && events[0].contains(&cache.token_path(&key).display().to_string())
            && events[1] == "device-code",
        "{events:?}"
    );
    assert!(cache.load_token(&key).expect("readable again").is_some());
}

/// Records how each target's sign-in ended, in order.
struct Outcomes<'a>(&'a std::sync::Mutex<Vec<String>>, String);
impl Presenter for Outcomes<'_> {
    fn device_code(&self, _: &DeviceAuthorization, _: OffsetDateTime) {}
    fn authorize_url(&self, _: &str, _: OffsetDateTime) {}
    fn finished(
        &self,
        outcome: Result<&aws_sso_device_auth::LoginOutcome, &aws_sso_device_auth::Error>,
    ) {
        let what = match outcome {
            Ok(aws_sso_device_auth::LoginOutcome::SignedIn(_)) => "signed in",
            Ok(aws_sso_device_auth::LoginOutcome::AlreadySignedIn(_)) => "already",
            Err(_) => "failed",
        };
        self.0
            .lock()
            .expect("lock")
            .push(format!("{} {what}", self.1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_each_signs_in_in_turn_and_stops_at_the_first_failure() {
    use aws_sso_device_auth::{LoginOptions, NamedBy, SignInTarget, login_each};
    use aws_sso_profile_config::{MapEnv, ProfileSet};

    let server = MockServer::start(Scenario::default()).expect("mock");
    let home = tempfile::tempdir().expect("home");
    let cache = TokenCache::new(home.path());
    let set = ProfileSet::default();
    let target = |name: &str, endpoint: &str| {
        let mut session = session();
        session.name = Some(name.into());
        SignInTarget::resolve(
            NamedBy::SsoSession(name.into()),
            session,
            &set,
            &MapEnv::new().with("AWS_ENDPOINT_URL_SSO_OIDC", endpoint),
            true,
        )
    };
    // A port nothing listens on: the second sign-in cannot reach its service.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let heard = std::sync::Mutex::new(Vec::new());
    let targets = [
        target("first", server.url()),
        target("second", &closed),
        target("third", server.url()),
    ];
    let failed = login_each(
        &targets,
        &cache,
        &SystemClock,
        |t| Outcomes(&heard, t.label()),
        |_| LoginOptions::default(),
    )
    .await
    .expect_err("the second cannot sign in");
    assert_eq!(failed.label, targets[1].label());
    assert!(
        failed.to_string().starts_with("cannot sign in to "),
        "{failed}"
    );
    // The third was never tried; the first is signed in, and a second run reuses it.
    assert_eq!(
        *heard.lock().expect("lock"),
        [
            format!("{} signed in", targets[0].label()),
            format!("{} failed", targets[1].label()),
        ]
    );
    heard.lock().expect("lock").clear();
    let outcomes = login_each(
        &targets[..1],
        &cache,
        &SystemClock,
        |t| Outcomes(&heard, t.label()),
        |_| LoginOptions::default(),
    )
    .await
    .expect("reused");
    assert!(matches!(
        outcomes[..],
        [aws_sso_device_auth::LoginOutcome::AlreadySignedIn(_)]
    ));
    assert_eq!(
        *heard.lock().expect("lock"),
        [format!("{} already", targets[0].label())]
    );
}
