//! The slow path: [`Resolver`] fetches role credentials (signing in first when asked), the
//! token of a sign-in and the directory of its accounts and roles.

use std::time::Duration;

use aws_sso_device_auth::{Clock, LoginOptions, OidcApi, Presenter, SignIn, SignInTarget, Sleeper};
use aws_sso_token_cache::{
    ExpiryPolicy, LockKey, RoleCredentials, Secret, SsoToken, TokenCache, TokenKey,
};

use crate::directory::{
    Directory, DirectoryCache, DirectoryProgress, FetchTuning, Freshness, fetch_accounts_and_roles,
};
use crate::error::{Error, ErrorKind, why_signed_out};
use crate::fast_path::cached;
use crate::portal::{PortalApi, PortalError};
use crate::target::{RoleTarget, SessionTarget};

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
        self.sign_in(&target.sign_in.session)
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

    /// The sign-in use cases of device-auth for `session`, with this resolver's services,
    /// clock, cache and policy.
    fn sign_in<'s>(
        &'s self,
        session: &'s aws_sso_profile_config::SsoSession,
    ) -> SignIn<'s, O, C, S> {
        SignIn::new(self.oidc, self.clock, self.sleeper, self.cache, session)
            .with_policy(self.policy)
    }

    /// A valid token for the sign-in `target` (refreshed if due); `NeedsLogin`, naming the
    /// command that signs in, when there is none.
    ///
    /// # Errors
    /// [`ErrorKind::NeedsLogin`], [`ErrorKind::DamagedToken`]; the cache cannot be used.
    pub async fn sign_in_token(&self, target: &SignInTarget) -> Result<SsoToken, Error> {
        let sign_in = self.sign_in(&target.session);
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
                why: why_signed_out(self.cache, &target.session, self.clock.now()),
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
        let _lock = self
            .cache
            .lock_waiting(LockKey::Role(&key), self.lock_wait, |p| {
                self.sleeper.sleep(p)
            })
            .await?;
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
        let sign_in = self.sign_in(&target.session);
        Ok(sign_in.replace_refused(token).await?)
    }

    async fn fetch(&self, target: &RoleTarget, token: &Secret) -> Result<RoleCredentials, Error> {
        self.portal
            .get_role_credentials(token, &target.account_id, &target.role_name)
            .await
            .map_err(|e| match e {
                PortalError::Unauthorized => target.needs_login(why_signed_out(
                    self.cache,
                    &target.sign_in.session,
                    self.clock.now(),
                )),
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
            PortalError::Unauthorized => target.sign_in_needed(why_signed_out(
                self.cache,
                &target.sign_in.session,
                self.clock.now(),
            )),
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

#[cfg(test)]
#[path = "resolver_tests.rs"]
mod tests;
