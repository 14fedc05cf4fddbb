//! [`SsoRoleCredentials`]: an AWS SDK credentials provider for an SSO profile.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError};
use aws_sso_device_auth::{Clock, SdkOidc, SystemClock, TokioSleeper};
use aws_sso_profile_config::{FileLocations, Platform, ProcessEnv, ProfileSet, home_dir};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials, TokenCache};

use crate::{Error, ErrorKind, RoleTarget, SdkClients, cached};

/// Role credentials of an SSO profile, for any AWS SDK for Rust client. Served from the AWS
/// CLI's cache when fresh, else fetched (refreshing the token when due). It never opens a
/// browser: without a valid sign-in it fails, saying to run `aws-sso-rs login`.
#[derive(Debug, Clone)]
pub struct SsoRoleCredentials {
    target: RoleTarget,
    cache: TokenCache,
    policy: ExpiryPolicy,
}

impl SsoRoleCredentials {
    /// The provider for `profile`, with the files, home folder and endpoint overrides of the
    /// process environment.
    ///
    /// # Errors
    /// The config cannot be read, or the profile is not an SSO profile with a role.
    pub fn for_profile(profile: &str) -> Result<Self, Error> {
        let locations = FileLocations::from_process_env()?;
        let set = ProfileSet::load_profile(&locations, profile)?;
        let target = RoleTarget::resolve(&set, profile, &ProcessEnv)?;
        let cache = TokenCache::new(&home_dir(&ProcessEnv, Platform::current())?);
        Ok(Self::new(target, cache))
    }

    /// A provider for a resolved target and cache.
    pub fn new(target: RoleTarget, cache: TokenCache) -> Self {
        Self {
            target,
            cache,
            policy: ExpiryPolicy::default(),
        }
    }

    async fn load(&self) -> Result<RoleCredentials, Error> {
        if let Some(c) = cached(&self.cache, &self.target, &self.policy, SystemClock.now()) {
            return Ok(c);
        }
        SdkClients::for_target(&self.target)
            .resolver(&SystemClock, &self.cache)
            .with_policy(self.policy)
            .credentials(&self.target)
            .await
    }
}

fn to_sdk(c: RoleCredentials) -> Credentials {
    let expiry = SystemTime::UNIX_EPOCH
        + std::time::Duration::from_secs(u64::try_from(c.expiration.unix_timestamp()).unwrap_or(0));
    Credentials::new(
        c.access_key_id,
        c.secret_access_key.expose(),
        Some(c.session_token.expose().to_owned()),
        Some(expiry),
        "aws-sso-rs",
    )
}

impl ProvideCredentials for SsoRoleCredentials {
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
pub struct SsoBearerToken {
    session: aws_sso_profile_config::SsoSession,
    oidc: aws_sso_profile_config::Endpoint,
    transport: aws_sso_http::Transport,
    cache: TokenCache,
    profile: String,
}

impl SsoBearerToken {
    /// The provider for `profile`'s session, with the process environment.
    ///
    /// # Errors
    /// The config cannot be read, or the profile is not an SSO profile.
    pub fn for_profile(profile: &str) -> Result<Self, Error> {
        let locations = FileLocations::from_process_env()?;
        let set = ProfileSet::load_profile(&locations, profile)?;
        let sso = set.require_sso_profile(profile)?;
        let oidc = set.endpoint(
            Some(profile),
            &aws_sso_profile_config::Service::SsoOidc,
            &sso.session.region,
            &ProcessEnv,
            aws_sso_profile_config::ClientEndpointConfig::default(),
        );
        let cache = TokenCache::new(&home_dir(&ProcessEnv, Platform::current())?);
        Ok(Self::new(profile, sso.session, oidc, cache).with_transport(
            aws_sso_http::Transport::for_profile(&set, Some(profile), &ProcessEnv),
        ))
    }

    /// A provider for a resolved session (named after `profile` in messages), OIDC endpoint
    /// and cache, over the system's trust store without a proxy (see
    /// [`SsoBearerToken::with_transport`]).
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
        }
    }

    /// The same provider reaching AWS through `transport` (CA bundle, proxies; see
    /// [`aws_sso_profile_config::ProfileSet::transport`]).
    #[must_use]
    pub fn with_transport(mut self, transport: aws_sso_http::Transport) -> Self {
        self.transport = transport;
        self
    }

    async fn load(&self) -> Result<aws_sso_token_cache::SsoToken, Error> {
        let api = SdkOidc::new(&self.session.region, &self.oidc, &self.transport);
        let sign_in = aws_sso_device_auth::SignIn::new(
            &api,
            &SystemClock,
            &TokioSleeper,
            &self.cache,
            &self.session,
        );
        match sign_in.cached_or_refreshed().await? {
            Some(t) if t.expires_at > SystemClock.now() => Ok(t),
            _ => Err(ErrorKind::NeedsLogin {
                what: format!("profile '{}'", self.profile),
                why: crate::error::why_signed_out(&self.cache, &self.session, SystemClock.now()),
                command: format!("aws-sso-rs login --profile {}", self.profile),
            }
            .into()),
        }
    }
}

impl aws_credential_types::provider::token::ProvideToken for SsoBearerToken {
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
