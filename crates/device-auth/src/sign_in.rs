//! [`SignIn`], a sign-in to one session over injected parts, and [`login`], the use case of
//! `aws-sso-rs login` as one call: its options and outcome, the keys and scopes a sign-in uses
//! and the cached token it makes of the service's answer.

use std::time::Duration;

use aws_sso_profile_config::{DEFAULT_SCOPE, SsoSession};
use aws_sso_token_cache::{
    ExpiryPolicy, LockKey, Secret, SsoToken, TokenCache, TokenKey, TokenState,
};
use time::OffsetDateTime;

use crate::api::{OidcApi, SdkOidc, Tokens};
use crate::clock::{Clock, Sleeper, TokioSleeper};
use crate::error::{Error, ErrorKind};
use crate::presenter::Presenter;
use crate::target::{Flow, SignInTarget};

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

/// A sign-in of [`login_each`] that failed: to which target, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot sign in to {label}")]
pub struct TargetFailed {
    /// The target, as [`SignInTarget::label`] names it.
    pub label: String,
    /// Why.
    #[source]
    pub error: Error,
}

/// Signs in to each of `targets` in turn, as [`login`] does for one: the use case of
/// `aws-sso-rs login` with several sessions (`--all`), as one call.
/// Each target gets its own presenter (`presenter_for`) and options (`options_for`), and
/// hears how its sign-in ended ([`Presenter::finished`]) before the next starts; the first
/// failure ends the run.
///
/// # Errors
/// The first sign-in that fails, with its target.
pub async fn login_each<P: Presenter>(
    targets: &[SignInTarget],
    cache: &TokenCache,
    clock: &impl Clock,
    mut presenter_for: impl FnMut(&SignInTarget) -> P,
    mut options_for: impl FnMut(&SignInTarget) -> LoginOptions,
) -> Result<Vec<LoginOutcome>, TargetFailed> {
    let mut outcomes = Vec::with_capacity(targets.len());
    for target in targets {
        let presenter = presenter_for(target);
        let result = login(target, cache, clock, &presenter, options_for(target)).await;
        presenter.finished(result.as_ref());
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => {
                return Err(TargetFailed {
                    label: target.label(),
                    error,
                });
            }
        }
    }
    Ok(outcomes)
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
    pub(crate) api: &'a A,
    pub(crate) clock: &'a C,
    pub(crate) sleeper: &'a S,
    pub(crate) cache: &'a TokenCache,
    pub(crate) session: &'a SsoSession,
    pub(crate) policy: ExpiryPolicy,
    pub(crate) lock_wait: Duration,
    /// The AWS access portal a company's own start URL leads to, once followed (the start
    /// URL the OIDC calls carry; cache keys keep the configured one).
    pub(crate) portal_url: std::sync::OnceLock<String>,
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
            portal_url: std::sync::OnceLock::new(),
        }
    }

    /// The start URL the OIDC calls carry: the configured one, or, for a company's own
    /// address, the AWS access portal it leads to once [`SignIn::follow_start_url`] ran.
    pub(crate) fn portal_url(&self) -> &str {
        self.portal_url
            .get()
            .map_or(self.session.start_url.as_str(), String::as_str)
    }

    /// Follows a company's own start URL to the AWS access portal it stands for, as the AWS
    /// CLI does: an AWS-owned portal host is used as it is; any other is asked once, and the
    /// one redirect it answers must lead to an `https://` AWS-owned portal host. A portal host
    /// that names a region (`*.portal.REGION.app.aws`) must name `sso_region`'s.
    ///
    /// # Errors
    /// [`ErrorKind::StartUrl`]: it cannot be followed, or leads elsewhere.
    pub async fn follow_start_url(&self) -> Result<&str, Error> {
        if let Some(url) = self.portal_url.get() {
            return Ok(url);
        }
        let configured = &self.session.start_url;
        let fail = |reason: String| -> Error {
            ErrorKind::StartUrl {
                start_url: configured.clone(),
                reason,
            }
            .into()
        };
        let resolved = match aws_sso_profile_config::start_url_host(configured) {
            Some(host) if !aws_sso_profile_config::is_aws_portal_host(&host) => {
                let resolved =
                    self.api
                        .follow_start_url(configured)
                        .await
                        .map_err(|why| match why {
                            aws_sso_http::FollowError::NoAnswer(reason) => {
                                ErrorKind::StartUrlUnreachable {
                                    start_url: configured.clone(),
                                    reason,
                                }
                                .into()
                            }
                            aws_sso_http::FollowError::Answer(why) => {
                                fail(format!("following it failed: {why}"))
                            }
                        })?;
                let lands = aws_sso_profile_config::start_url_host(&resolved)
                    .is_some_and(|h| aws_sso_profile_config::is_aws_portal_host(&h));
                if !lands {
                    return Err(fail(format!(
                        "it leads to {resolved}, which is not one (an https:// address on awsapps.com, app.aws or portal.amazonaws.com)"
                    )));
                }
                tracing::debug!("the start URL {configured} leads to {resolved}");
                resolved
            }
            _ => configured.clone(),
        };
        if let Some(region) = aws_sso_profile_config::region_of_start_url(&resolved)
            && !region.eq_ignore_ascii_case(&self.session.region)
        {
            return Err(ErrorKind::PortalRegion {
                start_url: configured.clone(),
                portal: resolved,
                portal_region: region,
                sso_region: self.session.region.clone(),
            }
            .into());
        }
        Ok(self.portal_url.get_or_init(|| resolved))
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
    /// token unless `options.force` (refreshing one that is due), and otherwise checks that
    /// the storage takes a token ([`TokenCache::check_storage`]), runs `flow` and caches the
    /// new token. A damaged token file is reported to the presenter and
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
                // As long as the other login takes (it has its own deadline); dropping this
                // future (Ctrl-C) stops waiting at once.
                self.cache
                    .lock_waiting(LockKey::Login(&key), Duration::MAX, |p| {
                        self.sleeper.sleep(p)
                    })
                    .await?
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
        // The token is stored at the end: a storage that cannot take it (a locked keyring)
        // is said before anyone is asked to sign in, and before any call to the service.
        self.cache.check_storage()?;
        self.follow_start_url().await?;
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

    pub(crate) fn token_from(
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
}
