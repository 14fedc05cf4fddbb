//! Role credentials for programs, from an IAM Identity Center sign-in, with the AWS CLI v2's
//! role-credential cache.
//!
//! - [`cached`]: the fast path. Reads the cache and returns credentials with more than 5 minutes
//!   (configurable) left; no network, no SDK client, no runtime.
//! - [`Resolver::credentials`]: the slow path. Under a per-role lock (so N processes make one
//!   request), it takes a valid token (refreshed through `aws-sso-device-auth` when due, itself
//!   single-flight), calls `GetRoleCredentials`, and caches the answer.
//! - [`Resolver::credentials_or_sign_in`]: the same, signing in first when needed, with the
//!   no-browser-flood guarantee (one sign-in at a time, a cooldown after a failed one).
//! - [`Resolver::directory`]: the accounts and roles of a sign-in, fetched with bounded,
//!   adaptive concurrency and cached in a [`DirectoryCache`] of this crate's own.
//! - [`federation_url`] / [`portal_console_url`]: the AWS Management Console for a role, by
//!   federation or through the portal's own link.
//! - [`logout`]: ends the server sessions and removes tokens and role credentials, returning a
//!   [`LogoutReport`].
//! - [`SsoRoleCredentials`]: the fast and slow paths, as an AWS SDK credentials provider.
//!
//! ```no_run
//! use aws_config::BehaviorVersion;
//! use aws_sso_role_credentials::SsoRoleCredentials;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = aws_config::defaults(BehaviorVersion::latest())
//!     .credentials_provider(SsoRoleCredentials::for_profile("dev-account-ro")?)
//!     .load()
//!     .await;
//! let sts = aws_sdk_sts::Client::new(&config);
//! println!("{:?}", sts.get_caller_identity().send().await?.arn());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod active;
mod console;
mod container;
mod directory;
mod logout;
mod portal;
mod provider;
#[cfg(test)]
mod resolver_tests;
mod sts;

use std::time::Duration;

use aws_sso_device_auth::{
    Clock, LoginOptions, NamedBy, OidcApi, Presenter, SdkOidc, SignIn, SignInTarget, Sleeper,
    TokioSleeper,
};
use aws_sso_profile_config::{
    ClientEndpointConfig, Endpoint, Env, ProfileSet, Service, SsoSession,
};
use aws_sso_token_cache::{
    ExpiryPolicy, LockKey, RoleCredentials, RoleKey, Secret, SsoToken, TokenCache, TokenKey,
};
use time::OffsetDateTime;

pub use active::{ActiveProfile, ActiveSource, Lasting, active_profile};
pub use console::{
    ConsoleRequest, console_destination, console_host, federation_url, portal_console_url,
};
pub use container::ContainerServer;
pub use directory::{
    Directory, DirectoryAccount, DirectoryCache, DirectoryProgress, FetchTuning,
    fetch_accounts_and_roles,
};
pub use logout::{LogoutReport, LogoutScope, ServerLogout, TokenLogout, logout, logout_with};
pub use portal::{Account, PortalApi, PortalError, SdkPortal};

pub use provider::{SsoBearerToken, SsoRoleCredentials};
pub use sts::{CallerIdentity, caller_identity};

/// Why credentials could not be had.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: Box<ErrorKind>,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No usable token: the user must sign in.
    #[error(
        "{what} has no valid IAM Identity Center sign-in (none cached, expired, or revoked); run: {command}"
    )]
    NeedsLogin {
        /// `profile 'dev'`.
        what: String,
        /// The command that fixes it.
        command: String,
    },
    /// The profile names no account and role.
    #[error(
        "profile '{profile}' names no role: add sso_account_id and sso_role_name to it (the AWS access portal at {start_url} lists the accounts and roles you have)"
    )]
    NoRole {
        /// The profile.
        profile: String,
        /// Its session's start URL.
        start_url: String,
    },
    /// A sign-in started on the caller's behalf failed or was abandoned a moment ago: no new
    /// browser opens until the cooldown has passed.
    #[error(
        "a sign-in for {what} failed or was abandoned {} ago; no new browser opens for {} more; run: {command}",
        aws_sso_token_cache::timestamp::human_duration(*since),
        aws_sso_token_cache::timestamp::human_duration(*left)
    )]
    LoginCoolingDown {
        /// `profile 'dev'`.
        what: String,
        /// How long ago it failed.
        since: time::Duration,
        /// How long the cooldown still runs.
        left: time::Duration,
        /// The command that signs in now.
        command: String,
    },
    /// The user does not have the role.
    #[error(
        "you have no access to role {role} in account {account} (profile '{profile}'); check sso_account_id and sso_role_name (the AWS access portal at {start_url} lists the accounts and roles you have)"
    )]
    RoleNotAssigned {
        /// The profile.
        profile: String,
        /// The session's start URL.
        start_url: String,
        /// The account.
        account: String,
        /// The role.
        role: String,
    },
    /// IAM Identity Center throttled the request.
    #[error("IAM Identity Center is throttling requests; try again in a few seconds")]
    Throttled,
    /// The portal could not be reached.
    #[error(
        "cannot reach the IAM Identity Center portal {endpoint}: {reason}; check the network and AWS_ENDPOINT_URL_SSO"
    )]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// The sign-in's token file is damaged.
    #[error(
        "the cached token of {what} ({}) is damaged ({reason}); sign in again to replace it: {command}",
        path.display()
    )]
    DamagedToken {
        /// `profile 'dev'`.
        what: String,
        /// The token file.
        path: std::path::PathBuf,
        /// What is wrong with it (never its contents).
        reason: String,
        /// The command that replaces it.
        command: String,
    },
    /// STS could not be reached (`whoami`).
    #[error(
        "cannot reach STS at {endpoint}: {reason}; check the network, the region and AWS_ENDPOINT_URL_STS"
    )]
    StsUnreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// STS sent an answer that cannot be used (`whoami`).
    #[error(
        "STS at {endpoint} sent an answer that cannot be used ({reason}); a proxy or captive portal may be answering in its place: check the network, try again, and add --debug to see the requests"
    )]
    StsMalformed {
        /// The endpoint.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// STS refused the call (`whoami`).
    #[error("STS answered {code}: {message}; try again, and add --debug to see the requests")]
    Sts {
        /// The error code (`Throttling`, `ExpiredToken`, ...).
        code: String,
        /// The message.
        message: String,
    },
    /// The console sign-in endpoint failed (`console`).
    #[error(
        "cannot sign in to the AWS Management Console through {endpoint}: {reason}; check the network and AWS_ENDPOINT_URL_SIGNIN, or use --via-portal"
    )]
    Console {
        /// The federation endpoint.
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// Another portal error.
    #[error(transparent)]
    Portal(PortalError),
    /// The config is wrong.
    #[error(transparent)]
    Config(#[from] aws_sso_profile_config::Error),
    /// Refreshing the token failed in a way that is not "sign in again".
    #[error(transparent)]
    SignIn(#[from] aws_sso_device_auth::Error),
    /// The cache could not be used.
    #[error(transparent)]
    Cache(#[from] aws_sso_token_cache::Error),
}

impl From<aws_sso_token_cache::Error> for Error {
    fn from(e: aws_sso_token_cache::Error) -> Self {
        ErrorKind::Cache(e).into()
    }
}

impl From<aws_sso_device_auth::Error> for Error {
    fn from(e: aws_sso_device_auth::Error) -> Self {
        ErrorKind::SignIn(e).into()
    }
}

impl From<aws_sso_profile_config::Error> for Error {
    fn from(e: aws_sso_profile_config::Error) -> Self {
        ErrorKind::Config(e).into()
    }
}

/// A role to get credentials for, with everything resolved: the sign-in, the role, the
/// portal endpoint, the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleTarget {
    /// The profile.
    pub profile: String,
    /// Its sign-in (session, OIDC endpoint, flow), shared with `aws-sso-device-auth`.
    pub sign_in: SignInTarget,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// The profile's `region`.
    pub region: Option<String>,
    /// The portal endpoint.
    pub portal: Endpoint,
}

impl RoleTarget {
    /// Resolves `profile` in `set` with the endpoint overrides of `env`.
    ///
    /// # Errors
    /// The profile is missing or invalid, is not an SSO profile (a config error), or names no
    /// role.
    pub fn resolve(set: &ProfileSet, profile: &str, env: &dyn Env) -> Result<Self, Error> {
        let sso = set.require_sso_profile(profile)?;
        let (account, role) = sso.role().ok_or_else(|| ErrorKind::NoRole {
            profile: profile.to_owned(),
            start_url: sso.session.start_url.clone(),
        })?;
        let (account_id, role_name) = (account.to_owned(), role.to_owned());
        let SessionTarget { sign_in, portal } = SessionTarget::of(set, profile, sso.session, env);
        Ok(Self {
            profile: profile.to_owned(),
            account_id,
            role_name,
            region: sso.region,
            portal,
            sign_in,
        })
    }

    /// The role-credential cache key (the AWS CLI's file name).
    pub fn key(&self) -> RoleKey {
        let session = &self.sign_in.session;
        RoleKey::new(
            &self.account_id,
            &self.role_name,
            session.name.as_deref(),
            &session.start_url,
        )
    }

    /// The key of the sign-in's token.
    pub fn token_key(&self) -> TokenKey {
        self.sign_in.token_key()
    }

    /// The command that signs in for this profile.
    pub fn login_command(&self) -> String {
        self.sign_in.login_command()
    }

    fn needs_login(&self) -> Error {
        ErrorKind::NeedsLogin {
            what: format!("profile '{}'", self.profile),
            command: self.login_command(),
        }
        .into()
    }
}

/// A sign-in and its portal: what listing accounts and roles needs (no role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTarget {
    /// The sign-in.
    pub sign_in: SignInTarget,
    /// The portal endpoint.
    pub portal: Endpoint,
}

impl SessionTarget {
    /// The sign-in of `profile` (any SSO profile, with or without a role).
    ///
    /// # Errors
    /// The profile is missing, invalid, or not an SSO profile.
    pub fn for_profile(set: &ProfileSet, profile: &str, env: &dyn Env) -> Result<Self, Error> {
        let sso = set.require_sso_profile(profile)?;
        Ok(Self::of(set, profile, sso.session, env))
    }

    /// `profile`'s sign-in through `session`, with the endpoints `set` and `env` give it.
    fn of(set: &ProfileSet, profile: &str, session: SsoSession, env: &dyn Env) -> Self {
        let portal = set.endpoint(
            Some(profile),
            &Service::Sso,
            &session.region,
            env,
            ClientEndpointConfig::default(),
        );
        let sign_in = SignInTarget::resolve(
            NamedBy::Profile(profile.to_owned()),
            session,
            set,
            env,
            false,
        );
        Self { sign_in, portal }
    }

    /// The sign-in of `[sso-session name]`.
    ///
    /// # Errors
    /// There is no such session, or it is incomplete.
    pub fn for_session(set: &ProfileSet, name: &str, env: &dyn Env) -> Result<Self, Error> {
        let session = set.sso_session_named(name)?;
        let portal = set.endpoint(
            None,
            &Service::Sso,
            &session.region,
            env,
            ClientEndpointConfig::default(),
        );
        let sign_in = SignInTarget::resolve(
            NamedBy::SsoSession(name.to_owned()),
            session,
            set,
            env,
            false,
        );
        Ok(Self { sign_in, portal })
    }

    fn sign_in_needed(&self) -> Error {
        ErrorKind::NeedsLogin {
            what: self.sign_in.label(),
            command: self.sign_in.login_command(),
        }
        .into()
    }
}

/// How old a cached directory may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use a cached one up to this age; fetch when it is older (stale) or missing.
    UpTo(Duration),
    /// Fetch anew (`--refresh`).
    Refetch,
}

impl Default for Freshness {
    /// Up to one hour: assignments change rarely, and a picker should open at once.
    fn default() -> Self {
        Self::UpTo(Duration::from_secs(3600))
    }
}

/// The fast path: cached role credentials with more than the policy's window left. Reads one
/// small file; builds nothing.
pub fn cached(
    cache: &TokenCache,
    target: &RoleTarget,
    policy: &ExpiryPolicy,
    now: OffsetDateTime,
) -> Option<RoleCredentials> {
    cache
        .load_role_credentials(&target.key())
        .ok()
        .flatten()
        .filter(|c| policy.role_credentials_fresh(c, now))
}

/// Records a sign-in failure when dropped while armed.
struct FailureGuard<'a, C: Clock> {
    cache: &'a TokenCache,
    key: &'a TokenKey,
    clock: &'a C,
    armed: bool,
}

impl<C: Clock> Drop for FailureGuard<'_, C> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.cache.record_login_failure(self.key, self.clock.now());
        }
    }
}

/// The SDK clients of one role target: what [`Resolver`] needs to reach IAM Identity Center.
#[derive(Debug, Clone)]
pub struct SdkClients {
    /// The OIDC client (token refresh, sign-in).
    pub oidc: SdkOidc,
    /// The portal client.
    pub portal: SdkPortal,
}

impl SdkClients {
    /// The clients for `target`'s region and endpoints.
    pub fn for_target(target: &RoleTarget) -> Self {
        Self {
            oidc: SdkOidc::for_target(&target.sign_in),
            portal: SdkPortal::new(
                &target.sign_in.session.region,
                &target.portal,
                &target.sign_in.transport,
            ),
        }
    }

    /// The SDK clients for listing `target`'s accounts and roles: the portal client leaves
    /// throttling to [`Resolver::directory`]'s adaptive window.
    pub fn for_listing(target: &SessionTarget) -> Self {
        Self {
            oidc: SdkOidc::for_target(&target.sign_in),
            portal: SdkPortal::for_listing(
                &target.sign_in.session.region,
                &target.portal,
                &target.sign_in.transport,
            ),
        }
    }

    /// A [`Resolver`] over these clients, the real timer and `clock`.
    pub fn resolver<'a, C: Clock>(
        &'a self,
        clock: &'a C,
        cache: &'a TokenCache,
    ) -> Resolver<'a, SdkOidc, SdkPortal, C, TokioSleeper> {
        Resolver::new(&self.oidc, &self.portal, clock, &TokioSleeper, cache)
    }
}

/// The slow path: fetches role credentials, refreshing the token when due.
pub struct Resolver<'a, O, P, C, S> {
    oidc: &'a O,
    portal: &'a P,
    clock: &'a C,
    sleeper: &'a S,
    cache: &'a TokenCache,
    policy: ExpiryPolicy,
    lock_wait: Duration,
    tuning: FetchTuning,
}

impl<'a, O: OidcApi, P: PortalApi, C: Clock, S: Sleeper> Resolver<'a, O, P, C, S> {
    /// A resolver with the default policy.
    pub fn new(
        oidc: &'a O,
        portal: &'a P,
        clock: &'a C,
        sleeper: &'a S,
        cache: &'a TokenCache,
    ) -> Self {
        Self {
            oidc,
            portal,
            clock,
            sleeper,
            cache,
            policy: ExpiryPolicy::default(),
            lock_wait: Duration::from_secs(120),
            tuning: FetchTuning::default(),
        }
    }

    /// Uses `policy` instead of the default.
    #[must_use]
    pub fn with_policy(mut self, policy: ExpiryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Fetches directories with `tuning` instead of the default.
    #[must_use]
    pub fn with_tuning(mut self, tuning: FetchTuning) -> Self {
        self.tuning = tuning;
        self
    }

    /// Role credentials for `target`, signing in first when there is no valid sign-in: the
    /// use case of `credential-process --login` and `exec --login`. The sign-in runs through
    /// [`SignIn::login`] (one browser at a time across processes, `presenter` shows what the
    /// person must do). A sign-in that fails or is abandoned (the future dropped, as on
    /// Ctrl-C) is recorded, and for [`ExpiryPolicy::login_cooldown`] after it no new one
    /// starts: [`ErrorKind::LoginCoolingDown`] instead, so a program that retries cannot open
    /// a flood of browser tabs.
    ///
    /// # Errors
    /// As [`Resolver::credentials`]; [`ErrorKind::LoginCoolingDown`]; [`ErrorKind::SignIn`]
    /// when the sign-in fails.
    pub async fn credentials_or_sign_in(
        &self,
        target: &RoleTarget,
        presenter: &impl Presenter,
        options: LoginOptions,
    ) -> Result<RoleCredentials, Error> {
        match self.credentials(target).await {
            Err(e) if matches!(e.kind(), ErrorKind::NeedsLogin { .. }) => {}
            other => return other,
        }
        let key = target.token_key();
        let now = self.clock.now();
        if let Some(failed_at) = self.cache.login_failed_at(&key)
            && let Some(left) = self.policy.cooldown_left(failed_at, now)
        {
            tracing::debug!("a sign-in failed at {failed_at}; cooling down");
            return Err(ErrorKind::LoginCoolingDown {
                what: format!("profile '{}'", target.profile),
                since: now - failed_at,
                left,
                command: target.login_command(),
            }
            .into());
        }
        // Recorded as failed unless it succeeds, so that dropping this future counts too.
        let mut guard = FailureGuard {
            cache: self.cache,
            key: &key,
            clock: self.clock,
            armed: true,
        };
        SignIn::new(
            self.oidc,
            self.clock,
            self.sleeper,
            self.cache,
            &target.sign_in.session,
        )
        .with_policy(self.policy)
        .login(target.sign_in.flow, presenter, options)
        .await?;
        guard.armed = false;
        let _ = self.cache.clear_login_failure(&key);
        self.credentials(target).await
    }

    /// A valid token for `target`'s session (refreshed if due); `NeedsLogin` when there is none.
    ///
    /// # Errors
    /// [`ErrorKind::NeedsLogin`]; the cache cannot be used.
    pub async fn token(&self, target: &RoleTarget) -> Result<SsoToken, Error> {
        self.sign_in_token(&target.sign_in).await
    }

    /// A valid token for the sign-in `target` (refreshed if due); `NeedsLogin`, naming the
    /// command that signs in, when there is none.
    ///
    /// # Errors
    /// [`ErrorKind::NeedsLogin`], [`ErrorKind::DamagedToken`]; the cache cannot be used.
    pub async fn sign_in_token(&self, target: &SignInTarget) -> Result<SsoToken, Error> {
        let sign_in = SignIn::new(
            self.oidc,
            self.clock,
            self.sleeper,
            self.cache,
            &target.session,
        )
        .with_policy(self.policy);
        let cached = sign_in.cached_or_refreshed().await.map_err(|e| {
            if let aws_sso_device_auth::ErrorKind::Cache(c) = e.kind()
                && let aws_sso_token_cache::ErrorKind::Corrupt { path, reason } = c.kind()
            {
                return ErrorKind::DamagedToken {
                    what: target.label(),
                    path: path.clone(),
                    reason: reason.clone(),
                    command: target.login_command(),
                }
                .into();
            }
            Error::from(e)
        })?;
        match cached {
            Some(token) if token.expires_at > self.clock.now() => Ok(token),
            _ => Err(ErrorKind::NeedsLogin {
                what: target.label(),
                command: target.login_command(),
            }
            .into()),
        }
    }

    /// Role credentials for `target`: from the cache when fresh, else fetched once across
    /// processes and cached.
    ///
    /// # Errors
    /// [`ErrorKind::NeedsLogin`], [`ErrorKind::RoleNotAssigned`], [`ErrorKind::Throttled`],
    /// [`ErrorKind::Unreachable`], or the cache cannot be used.
    pub async fn credentials(&self, target: &RoleTarget) -> Result<RoleCredentials, Error> {
        if let Some(c) = cached(self.cache, target, &self.policy, self.clock.now()) {
            return Ok(c);
        }
        let key = target.key();
        let (cache, lock_key, wait) = (self.cache.clone(), key.clone(), self.lock_wait);
        let _lock =
            tokio::task::spawn_blocking(move || cache.lock_timeout(LockKey::Role(&lock_key), wait))
                .await
                .map_err(|e| {
                    ErrorKind::Portal(PortalError::Service {
                        code: "Internal".into(),
                        message: e.to_string(),
                    })
                })??;
        // Another process may have fetched them while we waited.
        if let Some(c) = cached(self.cache, target, &self.policy, self.clock.now()) {
            tracing::debug!("another process fetched the role credentials meanwhile");
            return Ok(c);
        }
        tracing::debug!(
            "fetching role credentials for {} in {}",
            target.role_name,
            target.account_id
        );
        let token = self.token(target).await?;
        let creds = match self.fetch(target, &token.access_token).await {
            // Refused though not expired: revoked on the server. Refresh once if possible,
            // else the person must sign in again; never a loop.
            Err(e) if matches!(e.kind(), ErrorKind::NeedsLogin { .. }) => {
                match self.replace_refused(&target.sign_in, &token).await? {
                    Some(new) => self.fetch(target, &new.access_token).await?,
                    None => return Err(e),
                }
            }
            other => other?,
        };
        self.cache.store_role_credentials(&key, &creds)?;
        Ok(creds)
    }

    /// After the portal refused `token` though it had not expired: records the refusal and
    /// refreshes the token once ([`SignIn::replace_refused`]); `None` when a sign-in is needed.
    async fn replace_refused(
        &self,
        target: &SignInTarget,
        token: &SsoToken,
    ) -> Result<Option<SsoToken>, Error> {
        let sign_in = SignIn::new(
            self.oidc,
            self.clock,
            self.sleeper,
            self.cache,
            &target.session,
        )
        .with_policy(self.policy);
        Ok(sign_in.replace_refused(token).await?)
    }

    async fn fetch(&self, target: &RoleTarget, token: &Secret) -> Result<RoleCredentials, Error> {
        self.portal
            .get_role_credentials(token, &target.account_id, &target.role_name)
            .await
            .map_err(|e| match e {
                PortalError::Unauthorized => target.needs_login(),
                PortalError::Forbidden => ErrorKind::RoleNotAssigned {
                    profile: target.profile.clone(),
                    start_url: target.sign_in.session.start_url.clone(),
                    account: target.account_id.clone(),
                    role: target.role_name.clone(),
                }
                .into(),
                PortalError::Throttled => ErrorKind::Throttled.into(),
                PortalError::Unreachable { endpoint, reason } => {
                    ErrorKind::Unreachable { endpoint, reason }.into()
                }
                other => ErrorKind::Portal(other).into(),
            })
    }

    /// The directory of `target`'s sign-in: from `store` when it is younger than
    /// `freshness` allows (and of the same start URL: a session pointed elsewhere is fetched
    /// anew), else fetched ([`fetch_accounts_and_roles`]) and stored. A cached directory is
    /// returned without checking the sign-in.
    ///
    /// # Errors
    /// [`ErrorKind::NeedsLogin`], [`ErrorKind::Throttled`] (throttling outlasted the
    /// retries), [`ErrorKind::Unreachable`], or the cache cannot be used. A directory that
    /// cannot be stored is still returned (and traced).
    pub async fn directory(
        &self,
        target: &SessionTarget,
        store: &DirectoryCache,
        freshness: Freshness,
        progress: &dyn DirectoryProgress,
    ) -> Result<Directory, Error> {
        let key = target.sign_in.token_key();
        let now = self.clock.now();
        if let Freshness::UpTo(max_age) = freshness
            && let Some(cached) = store.load(&key)
            && cached.start_url == target.sign_in.session.start_url
            && !cached.is_stale(max_age, now)
        {
            tracing::debug!(
                "directory from {} (fetched {})",
                store.path(&key).display(),
                cached.fetched_at
            );
            return Ok(cached);
        }
        let token = self.sign_in_token(&target.sign_in).await?;
        let fetch = |token: SsoToken| async move {
            fetch_accounts_and_roles(
                self.portal,
                self.sleeper,
                &token.access_token,
                &self.tuning,
                progress,
            )
            .await
        };
        let accounts = match fetch(token.clone()).await {
            // Refused though not expired: refresh once, else a sign-in is needed.
            Err(PortalError::Unauthorized) => {
                match self.replace_refused(&target.sign_in, &token).await? {
                    Some(new) => fetch(new).await,
                    None => Err(PortalError::Unauthorized),
                }
            }
            other => other,
        }
        .map_err(|e| match e {
            PortalError::Unauthorized => target.sign_in_needed(),
            PortalError::Unreachable { endpoint, reason } => {
                ErrorKind::Unreachable { endpoint, reason }.into()
            }
            PortalError::Throttled => ErrorKind::Throttled.into(),
            other => Error::from(ErrorKind::Portal(other)),
        })?;
        let directory = Directory {
            start_url: target.sign_in.session.start_url.clone(),
            // Whole seconds, as the file keeps it.
            fetched_at: self.clock.now().replace_nanosecond(0).unwrap_or(now),
            accounts,
        };
        if let Err(e) = store.store(&key, &directory) {
            tracing::warn!(
                "could not cache the directory in {}: {e}",
                store.path(&key).display()
            );
        }
        Ok(directory)
    }
}
