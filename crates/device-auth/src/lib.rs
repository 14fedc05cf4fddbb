//! Sign in to IAM Identity Center the way the AWS CLI v2 does, and share its cache.
//!
//! - **Client registration** (`RegisterClient`), cached in `~/.aws/sso/cache` under the AWS CLI's
//!   file name and reused while more than 15 minutes remain and its grant types fit the flow.
//! - **Device code** ([`DeviceFlow`]): `StartDeviceAuthorization`, then `CreateToken` every
//!   `interval` seconds; `slow_down` adds 5 seconds; the code's lifetime is the deadline.
//! - **PKCE authorization code** ([`PkceFlow`]): a random 64-character verifier and `state`, the
//!   authorize URL on the OIDC endpoint, a listener on `127.0.0.1` for the redirect, or an
//!   address the user pastes from a remote browser.
//! - **Refresh**: `CreateToken` with the refresh token, keeping a rotated one.
//!
//! [`login`] is the use case as one call (what `aws-sso-rs login` runs): for a
//! [`SignInTarget`] (the session, its OIDC endpoint and the [`Flow`]), it takes the
//! cross-process login lock, reuses a token with more than the refresh window left unless
//! forced, refreshes one that is due (signing in anew when it cannot be refreshed),
//! runs the flow and caches the token. [`SignIn`] is the same over injected parts: the OIDC
//! calls behind [`OidcApi`] ([`SdkOidc`] uses `aws-sdk-ssooidc`), time behind [`Clock`] and
//! [`Sleeper`], and what the person sees behind [`Presenter`]. SDK requests are traced
//! (`tracing`, target `aws_sso_rs::http`) without their headers or bodies.
//!
//! ```no_run
//! use aws_sso_device_auth::{login, LoginOptions, NamedBy, PrintPresenter, SignInTarget, SystemClock};
//! use aws_sso_profile_config::{ProcessEnv, ProfileSet, SsoSession};
//! use aws_sso_token_cache::TokenCache;
//!
//! # async fn demo() -> Result<(), aws_sso_device_auth::Error> {
//! let session = SsoSession {
//!     name: Some("my-sso".into()),
//!     start_url: "https://d-1234567890.awsapps.com/start".into(),
//!     region: "eu-west-1".into(),
//!     registration_scopes: vec!["sso:account:access".into()],
//! };
//! let set = ProfileSet::default();
//! let target = SignInTarget::resolve(
//!     NamedBy::SsoSession("my-sso".into()), session, &set, &ProcessEnv, false,
//! );
//! let cache = TokenCache::new(std::path::Path::new("/home/me"));
//! let outcome = login(&target, &cache, &SystemClock, &PrintPresenter, LoginOptions::default()).await?;
//! println!("signed in until {}", outcome.token().expires_at);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod api;
mod clock;
mod device;
mod error;
mod log;
mod pkce;
mod target;
pub mod transport;

use std::time::Duration;

use aws_sso_profile_config::{DEFAULT_SCOPE, SsoSession};
use aws_sso_token_cache::{
    ClientRegistration, ExpiryPolicy, LockKey, RegistrationKey, Secret, SsoToken, TokenCache,
    TokenKey, TokenState,
};
use time::OffsetDateTime;

pub use api::{
    ApiError, DeviceAuthorization, Grant, OidcApi, RegisterRequest, Registered, SdkOidc, Tokens,
};
pub use clock::{Clock, ManualClock, Sleeper, SystemClock, TokioSleeper};
pub use device::{DEFAULT_INTERVAL, DeviceFlow, SLOW_DOWN_STEP};
pub use error::{Error, ErrorKind};
pub use log::{MAX_ANSWER, RequestLog, sdk_retries, sdk_timeouts};

pub use pkce::{CALLBACK_PATH, DEFAULT_WAIT, PkceFlow, REGISTERED_REDIRECT, challenge};
pub use target::{Flow, NamedBy, SignInTarget};

/// The device-code grant type.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const PKCE_GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];

/// Refuses URLs a browser should not be sent to: anything but `https://`, except loopback
/// addresses (which the local mock uses).
///
/// # Errors
/// [`ErrorKind::InsecureUrl`].
pub fn check_url(url: &str) -> Result<(), Error> {
    let refuse = || Err(ErrorKind::InsecureUrl(url.to_owned()).into());
    let Some((scheme, rest)) = url.split_once("://") else {
        return refuse();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // `https://127.0.0.1@evil.example/` is evil.example: no user part, ever.
    if authority.is_empty() || authority.contains('@') || authority.contains('\\') {
        return refuse();
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, after)) if after.is_empty() || after.starts_with(':') => h,
            _ => return refuse(),
        },
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let loopback = matches!(
        host.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    );
    match scheme.to_ascii_lowercase().as_str() {
        "https" if !host.is_empty() => Ok(()),
        "http" if loopback => Ok(()),
        _ => refuse(),
    }
}

pub(crate) fn service_error(e: ApiError, endpoint: &str) -> Error {
    match e {
        ApiError::Unreachable(reason) => ErrorKind::Unreachable {
            endpoint: endpoint.to_owned(),
            reason,
        }
        .into(),
        ApiError::Malformed(reason) => ErrorKind::Malformed {
            endpoint: endpoint.to_owned(),
            reason,
        }
        .into(),
        ApiError::InvalidGrant(m) => ErrorKind::InvalidGrant(m).into(),
        ApiError::InvalidClient(m) => ErrorKind::InvalidClient(m).into(),
        ApiError::AccessDenied => ErrorKind::Denied.into(),
        ApiError::ExpiredToken => ErrorKind::Expired { minutes: 0 }.into(),
        ApiError::AuthorizationPending => ErrorKind::Service {
            code: "AuthorizationPendingException".into(),
            message: String::new(),
        }
        .into(),
        ApiError::SlowDown => ErrorKind::Throttled.into(),
        ApiError::Other { code, message } => ErrorKind::Service { code, message }.into(),
    }
}

/// How a login shows the person what to do and what is happening. The CLI prints (and opens
/// a browser); tests and library users bring their own, or record the calls.
pub trait Presenter: Send + Sync {
    /// The device flow is waiting: show `authorization.user_code` and the verification URL.
    fn device_code(&self, authorization: &DeviceAuthorization, deadline: OffsetDateTime);
    /// The PKCE flow is waiting: open or show `url`.
    fn authorize_url(&self, url: &str, deadline: OffsetDateTime);
    /// Another process is signing in to the same session; this one waits for it.
    fn waiting_for_other_login(&self) {}
    /// A pasted line was not this login's callback address; the login keeps waiting.
    fn bad_paste(&self, _error: &Error) {}
    /// The cached token file is damaged; the login replaces it.
    fn replacing_damaged(&self, _error: &aws_sso_token_cache::Error) {}
}

/// A [`Presenter`] that prints to stderr.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintPresenter;

impl Presenter for PrintPresenter {
    fn device_code(&self, a: &DeviceAuthorization, _deadline: OffsetDateTime) {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "Open {} and check that it shows the code {}",
            a.verification_uri_complete,
            a.user_code
        );
    }
    fn authorize_url(&self, url: &str, _deadline: OffsetDateTime) {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "Open this address in a browser: {url}");
    }
}

/// Options of [`SignIn::login`].
#[derive(Debug, Default)]
pub struct LoginOptions {
    /// Sign in again even if a valid token is cached.
    pub force: bool,
    /// For the PKCE flow.
    pub pkce: PkceOptions,
}

/// What [`SignIn::login`] did.
#[derive(Debug, Clone)]
pub enum LoginOutcome {
    /// A valid token was cached (or refreshed): nothing was asked of the person.
    AlreadySignedIn(SsoToken),
    /// The person signed in; the new token is cached.
    SignedIn(SsoToken),
}

impl LoginOutcome {
    /// The token.
    pub fn token(&self) -> &SsoToken {
        match self {
            Self::AlreadySignedIn(t) | Self::SignedIn(t) => t,
        }
    }
}

/// Signs in to `target` with the AWS SDK, the real timer and `clock`: the use case of
/// `aws-sso-rs login`, as one call. See [`SignIn::login`].
///
/// # Errors
/// As [`SignIn::login`].
pub async fn login(
    target: &SignInTarget,
    cache: &TokenCache,
    clock: &impl Clock,
    presenter: &impl Presenter,
    options: LoginOptions,
) -> Result<LoginOutcome, Error> {
    tracing::debug!(
        "{}: OIDC endpoint {}, {} flow",
        target.label(),
        target.oidc.url,
        target.flow
    );
    let api = SdkOidc::for_target(target);
    SignIn::new(&api, clock, &TokioSleeper, cache, &target.session)
        .login(target.flow, presenter, options)
        .await
}

fn internal(e: tokio::task::JoinError) -> Error {
    ErrorKind::Service {
        code: "Internal".into(),
        message: e.to_string(),
    }
    .into()
}

/// Options of a PKCE login.
#[derive(Debug, Default)]
pub struct PkceOptions {
    /// The loopback port (0 for any free port).
    pub redirect_port: u16,
    /// How long to wait for the browser (default 10 minutes).
    pub wait: Option<Duration>,
    /// Addresses pasted by the user; the first valid one completes the login.
    pub pasted: Option<tokio::sync::mpsc::Receiver<String>>,
}

/// A sign-in to one IAM Identity Center session, with the cache.
pub struct SignIn<'a, A, C, S> {
    api: &'a A,
    clock: &'a C,
    sleeper: &'a S,
    cache: &'a TokenCache,
    session: &'a SsoSession,
    policy: ExpiryPolicy,
    lock_wait: Duration,
}

impl<'a, A: OidcApi, C: Clock, S: Sleeper> SignIn<'a, A, C, S> {
    /// A sign-in for `session` with the default expiry policy.
    pub fn new(
        api: &'a A,
        clock: &'a C,
        sleeper: &'a S,
        cache: &'a TokenCache,
        session: &'a SsoSession,
    ) -> Self {
        Self {
            api,
            clock,
            sleeper,
            cache,
            session,
            policy: ExpiryPolicy::default(),
            lock_wait: Duration::from_secs(60),
        }
    }

    /// Uses `policy` instead of the default.
    #[must_use]
    pub fn with_policy(mut self, policy: ExpiryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// How long to wait for another process's refresh (default 60 s).
    #[must_use]
    pub fn with_lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// The cache key of this session's token.
    pub fn token_key(&self) -> TokenKey {
        TokenKey::for_session(self.session)
    }

    /// Signs in: the whole use case of `aws-sso-rs login`. Takes the cross-process login lock
    /// (telling the presenter when another process holds it, then waiting), reuses a valid
    /// token unless `options.force` (refreshing one that is due), and otherwise runs `flow`
    /// and caches the new token. A damaged token file is reported to the presenter and
    /// replaced.
    ///
    /// # Errors
    /// The user denies, the request expires, the service refuses or cannot be reached, the
    /// cache cannot be written.
    pub async fn login(
        &self,
        flow: Flow,
        presenter: &impl Presenter,
        options: LoginOptions,
    ) -> Result<LoginOutcome, Error> {
        let key = self.token_key();
        let _lock = match self.cache.try_lock(LockKey::Login(&key))? {
            Some(lock) => lock,
            None => {
                presenter.waiting_for_other_login();
                let (cache, key) = (self.cache.clone(), key.clone());
                tokio::task::spawn_blocking(move || cache.lock(LockKey::Login(&key)))
                    .await
                    .map_err(internal)??
            }
        };
        if !options.force {
            match self.cached_or_refreshed().await {
                // Reused only with more than the refresh window left: a token that is about
                // to expire and could not be refreshed is replaced by a new sign-in.
                Ok(Some(token))
                    if matches!(
                        self.policy.token_state(&token, self.clock.now()),
                        TokenState::Valid { .. }
                    ) =>
                {
                    return Ok(LoginOutcome::AlreadySignedIn(token));
                }
                Ok(_) => {}
                Err(e) => match e.kind() {
                    ErrorKind::Cache(c)
                        if matches!(c.kind(), aws_sso_token_cache::ErrorKind::Corrupt { .. }) =>
                    {
                        presenter.replacing_damaged(c);
                    }
                    _ => return Err(e),
                },
            }
        }
        let token = match flow {
            Flow::DeviceCode => self.device_login(presenter).await?,
            Flow::AuthorizationCode => self.pkce_login(presenter, options.pkce).await?,
        };
        Ok(LoginOutcome::SignedIn(token))
    }

    /// The scopes registrations ask for: the configured ones, else `sso:account:access`
    /// (none for a legacy profile, as the AWS CLI does).
    pub fn scopes(&self) -> Option<Vec<String>> {
        if self.session.is_legacy() {
            None
        } else if self.session.registration_scopes.is_empty() {
            Some(vec![DEFAULT_SCOPE.to_owned()])
        } else {
            Some(self.session.registration_scopes.clone())
        }
    }

    fn registration_key(&self) -> RegistrationKey {
        let configured = (!self.session.registration_scopes.is_empty())
            .then_some(&self.session.registration_scopes[..]);
        RegistrationKey::new(
            &self.session.start_url,
            &self.session.region,
            self.session.name.as_deref(),
            configured,
        )
    }

    /// A cached token that is valid, or was due and could be refreshed; `None` when an
    /// interactive login is needed. Refreshes are single-flight across processes.
    ///
    /// # Errors
    /// The cache cannot be read or locked, or the token file is damaged
    /// ([`ErrorKind::Cache`] with `Corrupt`, naming the file). A failed refresh is not an
    /// error: it means a login is needed. A token recorded as refused
    /// ([`aws_sso_token_cache::TokenCache::refused_at`]) gives `None` too.
    pub async fn cached_or_refreshed(&self) -> Result<Option<SsoToken>, Error> {
        let key = self.token_key();
        let now = self.clock.now();
        let token = self.cache.load_token(&key)?;
        let Some(token) = token else { return Ok(None) };
        // A token the service refused (and that could not be refreshed then) is not used
        // again, whatever its expiry says: a sign-in is needed.
        if self.cache.refused_at(&key, &token).is_some() {
            return Ok(None);
        }
        match self.policy.token_state(&token, now) {
            TokenState::Valid { .. } => return Ok(Some(token)),
            TokenState::RefreshDue { .. } | TokenState::Expired if token.can_refresh(now) => {}
            TokenState::RefreshDue { .. } => return Ok(Some(token)),
            TokenState::Expired => return Ok(None),
        }
        let cache = self.cache.clone();
        let lock_key = key.clone();
        let wait = self.lock_wait;
        let _lock = tokio::task::spawn_blocking(move || {
            cache.lock_timeout(LockKey::Token(&lock_key), wait)
        })
        .await
        .map_err(internal)??;
        // Another process may have refreshed while we waited.
        let now = self.clock.now();
        let Some(token) = self.cache.load_token(&key).ok().flatten() else {
            return Ok(None);
        };
        if self.cache.refused_at(&key, &token).is_some() {
            return Ok(None);
        }
        // What stands when the refresh cannot be had: a token still usable, never an
        // expired one.
        let usable = |token: SsoToken| {
            (self.policy.token_state(&token, now) != TokenState::Expired).then_some(token)
        };
        match self.policy.token_state(&token, now) {
            TokenState::Valid { .. } => return Ok(Some(token)),
            _ if !token.can_refresh(now) => return Ok(usable(token)),
            _ => {}
        }
        tracing::debug!(
            "refreshing the token of {} (it expires at {})",
            self.session.label(),
            token.expires_at
        );
        match self.refresh(&token).await {
            Ok(new) => {
                self.cache.store_token(&key, &new)?;
                Ok(Some(new))
            }
            Err(e) => {
                if let Some(theirs) = self.written_by_another(&token, &e).await {
                    return Ok(Some(theirs));
                }
                Ok(usable(token))
            }
        }
    }

    /// After a refresh of `ours` failed with `error`: when the service said the refresh token
    /// is spent (`invalid_grant`), another tool that does not take aws-sso-rs's lock (the AWS
    /// CLI, botocore, an SDK) may have refreshed the same session a moment earlier and be
    /// about to write its token. The file is read again for up to a second; a different,
    /// unexpired token found there is the answer (it is not written again).
    async fn written_by_another(&self, ours: &SsoToken, error: &Error) -> Option<SsoToken> {
        if !matches!(error.kind(), ErrorKind::InvalidGrant(_)) {
            return None;
        }
        let key = self.token_key();
        for _ in 0..20 {
            if let Some(theirs) = self.cache.load_token(&key).ok().flatten()
                && theirs.access_token.expose() != ours.access_token.expose()
                && theirs.expires_at > self.clock.now()
            {
                tracing::debug!(
                    "the refresh token of {} was spent by another tool; using the token it wrote",
                    self.session.label()
                );
                return Some(theirs);
            }
            self.sleeper.sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// A replacement for `refused`, a cached token the service refused though it had not
    /// expired (revoked on the server): under the token lock, the token another process
    /// cached meanwhile, else `refused` refreshed with its refresh token and stored; `None`
    /// when it cannot be refreshed (the person must sign in again). One refresh at most: no
    /// retry loop. When the service refuses the refresh too (or there is none), the refusal
    /// is recorded with the cache ([`aws_sso_token_cache::TokenCache::record_refusal`]), so
    /// that every later command knows the token cannot be used until a new one is stored.
    ///
    /// # Errors
    /// The cache or its lock cannot be used; the refresh failed without an answer of the
    /// service (unreachable, throttled, a failure on its side): nothing is recorded then.
    pub async fn replace_refused(&self, refused: &SsoToken) -> Result<Option<SsoToken>, Error> {
        let key = self.token_key();
        let (cache, lock_key, wait) = (self.cache.clone(), key.clone(), self.lock_wait);
        let _lock = tokio::task::spawn_blocking(move || {
            cache.lock_timeout(LockKey::Token(&lock_key), wait)
        })
        .await
        .map_err(internal)??;
        let now = self.clock.now();
        let current = self.cache.load_token(&key).ok().flatten();
        if let Some(current) = &current
            && current.access_token.expose() != refused.access_token.expose()
            && current.expires_at > now
        {
            tracing::debug!("another process replaced the refused token meanwhile");
            return Ok(Some(current.clone()));
        }
        let still_cached = current
            .as_ref()
            .is_some_and(|c| c.access_token.expose() == refused.access_token.expose());
        let replacement = if refused.can_refresh(now) {
            tracing::debug!(
                "the service refused the token of {}; refreshing it once",
                self.session.label()
            );
            match self.refresh(refused).await {
                Ok(new) => {
                    self.cache.store_token(&key, &new)?;
                    return Ok(Some(new));
                }
                Err(e) => {
                    tracing::debug!(
                        "refreshing the refused token of {} failed too: {e}",
                        self.session.label()
                    );
                    let theirs = self.written_by_another(refused, &e).await;
                    // Only the service's own refusal of the refresh makes it final: a refresh
                    // lost to the network is said as such, and the next command tries again.
                    let refused_too = matches!(
                        e.kind(),
                        ErrorKind::InvalidGrant(_)
                            | ErrorKind::InvalidClient(_)
                            | ErrorKind::Denied
                            | ErrorKind::Expired { .. }
                    );
                    if theirs.is_none() && !refused_too {
                        return Err(e);
                    }
                    theirs
                }
            }
        } else {
            None
        };
        if replacement.is_none() && still_cached {
            // Every later command knows, until a new token is stored.
            self.cache.record_refusal(&key, refused, self.clock.now())?;
        }
        Ok(replacement)
    }

    /// Refreshes `token` with its refresh token (the caller stores the result).
    ///
    /// # Errors
    /// The token cannot be refreshed or the service refuses.
    pub async fn refresh(&self, token: &SsoToken) -> Result<SsoToken, Error> {
        let (Some(client_id), Some(secret), Some(refresh)) =
            (&token.client_id, &token.client_secret, &token.refresh_token)
        else {
            return Err(
                ErrorKind::InvalidGrant("the cached token has no refresh token".into()).into(),
            );
        };
        let tokens = self
            .api
            .create_token(client_id, secret, Grant::RefreshToken(refresh.clone()))
            .await
            .map_err(|e| service_error(e, self.api.endpoint()))?;
        let mut new = self.token_from(tokens, client_id, secret, token.registration_expires_at);
        if new.refresh_token.is_none() {
            new.refresh_token = Some(refresh.clone());
        }
        new.extra = token.extra.clone();
        Ok(new)
    }

    /// The client registration for `flow`: the cached one if it is usable, else a new one
    /// (which is cached).
    ///
    /// # Errors
    /// The service refuses or cannot be reached; the cache cannot be written.
    pub async fn registration(&self, flow: Flow) -> Result<ClientRegistration, Error> {
        let key = self.registration_key();
        let now = self.clock.now();
        let fits = |r: &ClientRegistration| match flow {
            Flow::DeviceCode => {
                self.policy.registration_usable(r, now, &[])
                    && r.grant_types
                        .as_ref()
                        .is_none_or(|g| g.iter().any(|x| x == DEVICE_GRANT))
            }
            Flow::AuthorizationCode => self.policy.registration_usable(r, now, &PKCE_GRANTS),
        };
        if let Some(r) = self
            .cache
            .load_registration(&key)
            .ok()
            .flatten()
            .filter(fits)
        {
            return Ok(r);
        }
        let scopes = self.scopes();
        let name = format!(
            "aws-sso-rs-{}",
            self.session.name.as_deref().unwrap_or("legacy")
        );
        let request = match flow {
            Flow::DeviceCode => RegisterRequest {
                client_name: name,
                scopes: scopes.clone(),
                ..RegisterRequest::default()
            },
            Flow::AuthorizationCode => RegisterRequest {
                client_name: name,
                scopes: Some(
                    scopes
                        .clone()
                        .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_owned()]),
                ),
                grant_types: Some(PKCE_GRANTS.iter().map(|g| (*g).to_owned()).collect()),
                redirect_uris: Some(vec![REGISTERED_REDIRECT.to_owned()]),
                issuer_url: Some(self.session.start_url.clone()),
            },
        };
        let grant_types = request.grant_types.clone();
        let registered = self
            .api
            .register_client(request)
            .await
            .map_err(|e| service_error(e, self.api.endpoint()))?;
        let registration = ClientRegistration {
            client_id: registered.client_id,
            client_secret: registered.client_secret,
            expires_at: OffsetDateTime::from_unix_timestamp(registered.expires_at).unwrap_or(now),
            scopes,
            grant_types,
            extra: Default::default(),
        };
        self.cache.store_registration(&key, &registration)?;
        Ok(registration)
    }

    fn token_from(
        &self,
        tokens: Tokens,
        client_id: &str,
        secret: &Secret,
        registration_expires_at: Option<OffsetDateTime>,
    ) -> SsoToken {
        let mut token = SsoToken::new(
            tokens.access_token,
            self.clock.now() + time::Duration::seconds(tokens.expires_in),
        );
        token.start_url = Some(self.session.start_url.clone());
        token.region = Some(self.session.region.clone());
        token.client_id = Some(client_id.to_owned());
        token.client_secret = Some(secret.clone());
        token.registration_expires_at = registration_expires_at;
        token.refresh_token = tokens.refresh_token;
        token
    }

    async fn registered_or_retry<T, F, Fut>(
        &self,
        flow: Flow,
        mut run: F,
    ) -> Result<(T, ClientRegistration), Error>
    where
        F: FnMut(ClientRegistration) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let registration = self.registration(flow).await?;
        match run(registration.clone()).await {
            // A registration the service no longer knows: forget it and register again, once.
            Err(e) if matches!(e.kind(), ErrorKind::InvalidClient(_)) => {
                self.forget_registration(registration)?;
                let fresh = self.registration(flow).await?;
                Ok((run(fresh.clone()).await?, fresh))
            }
            other => other.map(|t| (t, registration)),
        }
    }

    /// Runs the device-code flow and caches the token.
    ///
    /// # Errors
    /// The user denies, the code expires, the service refuses or cannot be reached.
    pub async fn device_login(&self, presenter: &impl Presenter) -> Result<SsoToken, Error> {
        let (tokens, registration) = self
            .registered_or_retry(Flow::DeviceCode, |r| async move {
                let mut flow = DeviceFlow::start(
                    self.api,
                    &r.client_id,
                    &r.client_secret,
                    &self.session.start_url,
                    self.clock,
                )
                .await?;
                presenter.device_code(flow.authorization(), flow.deadline());
                flow.wait(self.api, self.clock, self.sleeper).await
            })
            .await?;
        self.store(tokens, &registration)
    }

    /// Runs the PKCE flow (listener on 127.0.0.1, or a pasted address) and caches the token.
    ///
    /// # Errors
    /// The user denies, the state does not match, nobody completes the browser step in time,
    /// the service refuses or cannot be reached.
    pub async fn pkce_login(
        &self,
        presenter: &impl Presenter,
        mut options: PkceOptions,
    ) -> Result<SsoToken, Error> {
        let registration = self.registration(Flow::AuthorizationCode).await?;
        let result = self.pkce_with(&registration, presenter, &mut options).await;
        if let Err(e) = &result
            && matches!(e.kind(), ErrorKind::InvalidClient(_))
        {
            // The service no longer knows this registration: forget it, so that the next
            // login registers anew (the browser step cannot be redone here).
            self.forget_registration(registration)?;
        }
        result
    }

    /// Marks `registration` as expired in the cache, so that the next login registers anew.
    fn forget_registration(&self, registration: ClientRegistration) -> Result<(), Error> {
        self.cache.store_registration(
            &self.registration_key(),
            &ClientRegistration {
                expires_at: self.clock.now(),
                ..registration
            },
        )?;
        Ok(())
    }

    async fn pkce_with(
        &self,
        registration: &ClientRegistration,
        presenter: &impl Presenter,
        options: &mut PkceOptions,
    ) -> Result<SsoToken, Error> {
        let scopes = self
            .scopes()
            .unwrap_or_else(|| vec![DEFAULT_SCOPE.to_owned()]);
        let flow = PkceFlow::start(
            self.api.endpoint(),
            &registration.client_id,
            &registration.client_secret,
            &scopes,
            options.redirect_port,
        )
        .await?;
        let wait = options.wait.unwrap_or(DEFAULT_WAIT);
        presenter.authorize_url(flow.authorize_url(), self.clock.now() + wait);
        let pasted = async {
            let Some(rx) = options.pasted.as_mut() else {
                return std::future::pending().await;
            };
            while let Some(line) = rx.recv().await {
                match flow.code_from_pasted(&line) {
                    Ok(code) => return Ok(code),
                    Err(e) if matches!(e.kind(), ErrorKind::BadCallback(_)) => {
                        presenter.bad_paste(&e);
                    }
                    Err(e) => return Err(e),
                }
            }
            std::future::pending().await
        };
        let code = tokio::select! {
            code = flow.wait_for_redirect(wait, self.sleeper) => code?,
            code = pasted => code?,
        };
        let tokens = flow.complete(self.api, code).await?;
        self.store(tokens, registration)
    }

    fn store(&self, tokens: Tokens, registration: &ClientRegistration) -> Result<SsoToken, Error> {
        let token = self.token_from(
            tokens,
            &registration.client_id,
            &registration.client_secret,
            Some(registration.expires_at),
        );
        self.cache.store_token(&self.token_key(), &token)?;
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_urls_are_opened() {
        for ok in [
            "https://device.sso.us-east-1.amazonaws.com/",
            "http://127.0.0.1:4566/device?user_code=X",
            "http://localhost:1/",
            "http://[::1]:2/x",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://device.sso.amazonaws.com/",
            "http://127.0.0.1.evil.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://",
            "http://127.0.0.1:1@evil.example/x",
            "http://localhost:@evil.example",
            "http://127.0.0.1@evil.example",
            "https://user@evil.example",
            "http://127.0.0.1\\@evil.example",
            "http://[::1]evil/",
            "HTTP://evil.example",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
