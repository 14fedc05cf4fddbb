//! A faithful local stand-in for IAM Identity Center, for tests and demos of aws-sso-rs.
//!
//! One server on `127.0.0.1` answers, in the real wire protocols, the OIDC service
//! (`RegisterClient`, `StartDeviceAuthorization`, `CreateToken` with the device-code,
//! authorization-code and refresh-token grants), the access portal (`GetRoleCredentials`,
//! `ListAccounts`, `ListAccountRoles`, `Logout`), STS `GetCallerIdentity`, `AssumeRole`,
//! `AssumeRoleWithWebIdentity` and `GetFederationToken` (checking the SigV4 signature against
//! the credentials it issued or a scenario's IAM user keys) and the console sign-in federation
//! endpoint, plus the browser pages a person clicks through. The real botocore and the AWS
//! SDK for Rust talk to it through the standard endpoint overrides ([`MockServer::env`]).
//!
//! A [`Scenario`] says what it pretends (accounts, lifetimes, approval, latency, throttling,
//! failures); the handle reads counters and the request log and changes behaviour between
//! steps, so tests never sleep through lifetimes.
//!
//! ```
//! use aws_sso_mock::{MockServer, Scenario};
//!
//! let server = MockServer::start(Scenario::default())?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! let env = server.env();
//! assert!(env.iter().any(|(k, v)| k == "AWS_ENDPOINT_URL_SSO_OIDC" && v == server.url()));
//! assert_eq!(server.count("CreateToken"), 0);
//! # Ok::<(), std::io::Error>(())
//! ```
#![warn(missing_docs)]

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod error;
mod pages;
pub mod scenario;
mod server;
mod signin;
pub mod state;
mod sts;
mod tls;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use error::ApiError;
pub use scenario::{Account, Approval, IamUser, Scenario, Sts};
pub use state::{LogEntry, s256};

/// A running mock. Dropping it stops the server.
pub struct MockServer {
    url: String,
    ca_pem: Option<String>,
    addr: SocketAddr,
    state: Arc<Mutex<state::State>>,
    clock: Arc<state::MockClock>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on an ephemeral `127.0.0.1` port, on a runtime of its own (so it
    /// works from synchronous and asynchronous tests alike).
    ///
    /// # Errors
    /// The port cannot be bound or the runtime cannot start.
    pub fn start(scenario: Scenario) -> std::io::Result<Self> {
        Self::start_on(scenario, 0)
    }

    /// Starts a server on `127.0.0.1:port` (`0` for any free port).
    ///
    /// # Errors
    /// The port cannot be bound or the runtime cannot start.
    pub fn start_on(scenario: Scenario, port: u16) -> std::io::Result<Self> {
        Self::launch(scenario, port, None)
    }

    /// Starts a server that speaks HTTPS only, with a certificate for `127.0.0.1` and
    /// `localhost` signed by a test certificate authority made for this server alone
    /// ([`MockServer::ca_pem`]). Clients trust it only when told to: `AWS_CA_BUNDLE`, a
    /// profile's `ca_bundle`, or `SSL_CERT_FILE` (the platform trust store's override).
    ///
    /// # Errors
    /// The certificates cannot be made, the port cannot be bound or the runtime cannot start.
    pub fn start_tls(scenario: Scenario) -> std::io::Result<Self> {
        Self::start_tls_on(scenario, 0)
    }

    /// [`MockServer::start_tls`] on `127.0.0.1:port` (`0` for any free port).
    ///
    /// # Errors
    /// As [`MockServer::start_tls`].
    pub fn start_tls_on(scenario: Scenario, port: u16) -> std::io::Result<Self> {
        Self::launch(scenario, port, Some(tls::make()?))
    }

    fn launch(scenario: Scenario, port: u16, tls: Option<tls::TestTls>) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let tls_config = tls.map(|t| t.config);
        let state = Arc::new(Mutex::new(state::State::new(scenario)));
        let clock = Arc::new(state::MockClock::default());
        let app = server::App {
            state: state.clone(),
            base_url: Arc::from(url.as_str()),
            clock: clock.clone(),
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("aws-sso-mock")
            .enable_all()
            .build()?;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name("aws-sso-mock".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    if let Some(config) = tls_config {
                        tls::serve(listener, server::router(app), config, rx).await;
                        return;
                    }
                    let serve =
                        axum::serve(listener, server::router(app)).with_graceful_shutdown(async {
                            let _ = rx.await;
                        });
                    let _ = serve.await;
                });
            })?;
        ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the mock's thread stopped before serving"))??;
        Ok(Self {
            url,
            ca_pem,
            addr,
            state,
            clock,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The PEM certificate of the test authority that signed this server's certificate, for
    /// a server started with [`MockServer::start_tls`]; `None` for plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Moves the mock's clock forward by `by`: device-code intervals, throttling windows and
    /// every lifetime (codes, tokens, registrations, credentials) see the time pass, without
    /// a test sleeping. Clients keep their own clocks.
    pub fn advance(&self, by: std::time::Duration) {
        self.clock.advance(by);
    }

    /// Every secret the mock issued (client secrets, device and authorization codes, access
    /// and refresh tokens, role secret keys and session tokens, console sign-in tokens) and
    /// every PKCE verifier it received: what a test searches logs and output for.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.lock().secrets()
    }

    /// The base URL, `http://127.0.0.1:PORT` (`https://` for [`MockServer::start_tls`]).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The environment that points the AWS CLI, the SDKs and aws-sso-rs at this server.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            "AWS_ENDPOINT_URL_SSO",
            "AWS_ENDPOINT_URL_SSO_OIDC",
            "AWS_ENDPOINT_URL_STS",
            "AWS_ENDPOINT_URL_SIGNIN",
        ]
        .iter()
        .map(|k| ((*k).to_owned(), self.url.clone()))
        .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, state::State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Requests per API so far (`CreateToken`, `GetRoleCredentials`, ...).
    pub fn counters(&self) -> BTreeMap<String, u64> {
        self.lock().counters()
    }

    /// Requests to one API so far.
    pub fn count(&self, api: &str) -> u64 {
        self.counters().get(api).copied().unwrap_or(0)
    }

    /// The request log, oldest first.
    pub fn log(&self) -> Vec<LogEntry> {
        self.lock().log()
    }

    /// The user codes of device authorizations waiting for the user.
    pub fn pending_user_codes(&self) -> Vec<String> {
        self.lock().pending_user_codes()
    }

    /// Allows the device authorization of `user_code`, as the browser page's *Allow* does.
    pub fn approve(&self, user_code: &str) -> bool {
        self.lock().decide_device(user_code, true, self.clock.now())
    }

    /// Denies the device authorization of `user_code`.
    pub fn deny(&self, user_code: &str) -> bool {
        self.lock()
            .decide_device(user_code, false, self.clock.now())
    }

    /// Revokes every access and refresh token.
    pub fn revoke_all(&self) {
        self.lock().revoke_all();
    }

    /// Makes everything short-lived issued so far expire now: tokens, refresh tokens, device
    /// and authorization codes, role credentials, sign-in tokens.
    pub fn expire_all(&self) {
        self.lock().expire_all(self.clock.now());
    }

    /// Makes every client registration expire now.
    pub fn expire_registrations(&self) {
        self.lock().expire_registrations(self.clock.now());
    }

    /// Whether `access_token` is live (issued, not expired, not revoked).
    pub fn token_is_valid(&self, access_token: &str) -> bool {
        self.lock().token_is_valid(access_token, self.clock.now())
    }

    /// Changes the scenario (latency, throttling, failures, approval, lifetimes, the
    /// accounts and roles...) for the requests that follow; what was issued stays.
    pub fn update_scenario(&self, change: impl FnOnce(&mut Scenario)) {
        let mut state = self.lock();
        change(&mut state.scenario);
        state.accounts = state.scenario.all_accounts();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
