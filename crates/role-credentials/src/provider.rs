//! AWS SDK providers for an SSO profile: [`SsoRoleCredentials`] (credentials) and
//! [`SsoBearerToken`] (the access token), made by [`Providers`] from the environment, clock
//! and timer it is given (the process's by default).

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError};
use aws_sso_device_auth::{Clock, SdkOidc, Sleeper, SystemClock, TokioSleeper};
use aws_sso_profile_config::{Env, FileLocations, Platform, ProcessEnv, ProfileSet, home_dir};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials, TokenCache};

use crate::{Error, ErrorKind, Resolver, RoleTarget, SdkClients, cached};

/// Makes the providers of a profile. `Providers::new()` reads the process's environment
/// (config files, home folder, endpoint overrides, CA bundle, proxies), the system clock and
/// Tokio's timer; [`env`](Self::env), [`clock`](Self::clock) and [`sleeper`](Self::sleeper)
/// put others in their place (a test's temporary home, a clock it moves, a timer that does
/// not wait).
///
/// ```no_run
/// use aws_sso_profile_config::MapEnv;
/// use aws_sso_role_credentials::Providers;
///
/// let env = MapEnv::new().with("HOME", "/tmp/home").with("AWS_REGION", "eu-west-1");
/// let provider = Providers::new().env(env).role_credentials("dev")?;
/// # Ok::<(), aws_sso_role_credentials::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Providers<E = ProcessEnv, C = SystemClock, S = TokioSleeper> {
    env: E,
    clock: C,
    sleeper: S,
}

impl Providers {
    /// The process's environment, the system clock and Tokio's timer.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<E: Env, C: Clock + Clone, S: Sleeper + Clone> Providers<E, C, S> {
    /// The same, reading `env` instead of the process's environment.
    pub fn env<E2: Env>(self, env: E2) -> Providers<E2, C, S> {
        Providers {
            env,
            clock: self.clock,
            sleeper: self.sleeper,
        }
    }

    /// The same, asking `clock` for the time.
    pub fn clock<C2: Clock + Clone>(self, clock: C2) -> Providers<E, C2, S> {
        Providers {
            env: self.env,
            clock,
            sleeper: self.sleeper,
        }
    }

    /// The same, waiting (for a lock another process holds) through `sleeper`.
    pub fn sleeper<S2: Sleeper + Clone>(self, sleeper: S2) -> Providers<E, C, S2> {
        Providers {
            env: self.env,
            clock: self.clock,
            sleeper,
        }
    }

    fn load(&self, profile: &str) -> Result<(ProfileSet, TokenCache), Error> {
        let locations = FileLocations::resolve(&self.env, Platform::current())?;
        let set = ProfileSet::load_profile(&locations, profile)?;
        let (settings, _) =
            aws_sso_profile_config::ToolSettings::load(&self.env, Platform::current())?;
        let cache = TokenCache::new(&home_dir(&self.env, Platform::current())?)
            .with_storage(settings.storage);
        Ok((set, cache))
    }

    /// The credentials provider for `profile`.
    ///
    /// # Errors
    /// The config cannot be read, or the profile is not an SSO profile with a role.
    pub fn role_credentials(&self, profile: &str) -> Result<SsoRoleCredentials<C, S>, Error> {
        let (set, cache) = self.load(profile)?;
        let target = RoleTarget::resolve(&set, profile, &self.env)?;
        Ok(SsoRoleCredentials {
            target,
            cache,
            policy: ExpiryPolicy::default(),
            clock: self.clock.clone(),
            sleeper: self.sleeper.clone(),
        })
    }

    /// The bearer token provider for `profile`'s session.
    ///
    /// # Errors
    /// The config cannot be read, or the profile is not an SSO profile.
    pub fn bearer_token(&self, profile: &str) -> Result<SsoBearerToken<C, S>, Error> {
        let (set, cache) = self.load(profile)?;
        let sso = set.require_sso_profile(profile)?;
        let oidc = set.endpoint(
            Some(profile),
            &aws_sso_profile_config::Service::SsoOidc,
            &sso.session.region,
            &self.env,
            aws_sso_profile_config::ClientEndpointConfig::default(),
        );
        Ok(SsoBearerToken {
            session: sso.session,
            oidc,
            transport: aws_sso_http::Transport::for_profile(&set, Some(profile), &self.env),
            cache,
            profile: profile.to_owned(),
            clock: self.clock.clone(),
            sleeper: self.sleeper.clone(),
        })
    }
}

/// Role credentials of an SSO profile, for any AWS SDK for Rust client. Served from the AWS
/// CLI's cache when fresh, else fetched (refreshing the token when due). It never opens a
/// browser: without a valid sign-in it fails, saying to run `aws-sso-rs login`.
#[derive(Debug, Clone)]
pub struct SsoRoleCredentials<C = SystemClock, S = TokioSleeper> {
    target: RoleTarget,
    cache: TokenCache,
    policy: ExpiryPolicy,
    clock: C,
    sleeper: S,
}

impl SsoRoleCredentials {
    /// The provider for `profile`, with the files, home folder and endpoint overrides of the
    /// process environment: `Providers::new().role_credentials(profile)`.
    ///
    /// # Errors
    /// The config cannot be read, or the profile is not an SSO profile with a role.
    pub fn for_profile(profile: &str) -> Result<Self, Error> {
        Providers::new().role_credentials(profile)
    }

    /// A provider for a resolved target and cache, with the system clock and Tokio's timer.
    pub fn new(target: RoleTarget, cache: TokenCache) -> Self {
        Self {
            target,
            cache,
            policy: ExpiryPolicy::default(),
            clock: SystemClock,
            sleeper: TokioSleeper,
        }
    }
}

impl<C: Clock, S: Sleeper> SsoRoleCredentials<C, S> {
    async fn load(&self) -> Result<RoleCredentials, Error> {
        if let Some(c) = cached(&self.cache, &self.target, &self.policy, self.clock.now()) {
            return Ok(c);
        }
        let clients = SdkClients::for_target(&self.target);
        Resolver::new(
            &clients.oidc,
            &clients.portal,
            &self.clock,
            &self.sleeper,
            &self.cache,
        )
        .with_policy(self.policy)
        .credentials(&self.target)
        .await
    }
}

fn to_sdk(c: RoleCredentials) -> Credentials {
    let expiry = c.expiration.map(|e| {
        SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(u64::try_from(e.unix_timestamp()).unwrap_or(0))
    });
    Credentials::new(
        &c.access_key_id,
        c.secret_access_key.expose(),
        c.session_token().map(str::to_owned),
        expiry,
        "aws-sso-rs",
    )
}

impl<C, S> ProvideCredentials for SsoRoleCredentials<C, S>
where
    C: Clock + std::fmt::Debug,
    S: Sleeper + std::fmt::Debug,
{
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            match self.load().await {
                Ok(c) => Ok(to_sdk(c)),
                Err(e) if matches!(e.kind(), ErrorKind::NeedsLogin { .. }) => {
                    Err(CredentialsError::not_loaded(e))
                }
                Err(e) => Err(CredentialsError::provider_error(e)),
            }
        })
    }
}

/// The IAM Identity Center access token of an SSO profile's session, as an AWS SDK bearer
/// token provider (for services that take one). Refreshed when due; never opens a browser.
#[derive(Debug, Clone)]
pub struct SsoBearerToken<C = SystemClock, S = TokioSleeper> {
    session: aws_sso_profile_config::SsoSession,
    oidc: aws_sso_profile_config::Endpoint,
    transport: aws_sso_http::Transport,
    cache: TokenCache,
    profile: String,
    clock: C,
    sleeper: S,
}

impl SsoBearerToken {
    /// The provider for `profile`'s session, with the process environment:
    /// `Providers::new().bearer_token(profile)`.
    ///
    /// # Errors
    /// The config cannot be read, or the profile is not an SSO profile.
    pub fn for_profile(profile: &str) -> Result<Self, Error> {
        Providers::new().bearer_token(profile)
    }

    /// A provider for a resolved session (named after `profile` in messages), OIDC endpoint
    /// and cache, over the system's trust store without a proxy (see
    /// [`SsoBearerToken::with_transport`]), the system clock and Tokio's timer.
    pub fn new(
        profile: &str,
        session: aws_sso_profile_config::SsoSession,
        oidc: aws_sso_profile_config::Endpoint,
        cache: TokenCache,
    ) -> Self {
        Self {
            session,
            oidc,
            transport: aws_sso_http::Transport::default(),
            cache,
            profile: profile.to_owned(),
            clock: SystemClock,
            sleeper: TokioSleeper,
        }
    }
}

impl<C: Clock, S: Sleeper> SsoBearerToken<C, S> {
    /// The same provider reaching AWS through `transport` (CA bundle, proxies; see
    /// `aws_sso_http::Transport::for_profile`).
    #[must_use]
    pub fn with_transport(mut self, transport: aws_sso_http::Transport) -> Self {
        self.transport = transport;
        self
    }

    async fn load(&self) -> Result<aws_sso_token_cache::SsoToken, Error> {
        let api = SdkOidc::new(&self.session.region, &self.oidc, &self.transport);
        let sign_in = aws_sso_device_auth::SignIn::new(
            &api,
            &self.clock,
            &self.sleeper,
            &self.cache,
            &self.session,
        );
        match sign_in.cached_or_refreshed().await? {
            Some(t) if t.expires_at > self.clock.now() => Ok(t),
            _ => Err(ErrorKind::NeedsLogin {
                what: format!("profile '{}'", self.profile),
                why: crate::error::why_signed_out(&self.cache, &self.session, self.clock.now()),
                command: aws_sso_device_auth::profile_login_command(&self.profile),
            }
            .into()),
        }
    }
}

impl<C, S> aws_credential_types::provider::token::ProvideToken for SsoBearerToken<C, S>
where
    C: Clock + std::fmt::Debug,
    S: Sleeper + std::fmt::Debug,
{
    fn provide_token<'a>(&'a self) -> provider::future::ProvideToken<'a>
    where
        Self: 'a,
    {
        use aws_credential_types::provider::error::TokenError;
        provider::future::ProvideToken::new(async move {
            match self.load().await {
                Ok(t) => {
                    let expiry = SystemTime::UNIX_EPOCH
                        + std::time::Duration::from_secs(
                            u64::try_from(t.expires_at.unix_timestamp()).unwrap_or(0),
                        );
                    Ok(aws_credential_types::Token::new(
                        t.access_token.expose(),
                        Some(expiry),
                    ))
                }
                Err(e) if matches!(e.kind(), ErrorKind::NeedsLogin { .. }) => {
                    Err(TokenError::not_loaded(e))
                }
                Err(e) => Err(TokenError::provider_error(e)),
            }
        })
    }
}
