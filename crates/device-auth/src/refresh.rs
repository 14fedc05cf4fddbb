//! Tokens from the cache, refreshed when due: single-flight across processes, a token another
//! tool refreshed meanwhile taken as is, and a token the service refused replaced once.

use std::time::Duration;

use aws_sso_token_cache::{LockKey, SsoToken, TokenState};

use crate::api::{Grant, OidcApi};
use crate::clock::{Clock, Sleeper};
use crate::error::{Error, ErrorKind, service_error};
use crate::sign_in::SignIn;

impl<'a, A: OidcApi, C: Clock, S: Sleeper> SignIn<'a, A, C, S> {
    /// A cached token that is valid, or was due and could be refreshed; `None` when an
    /// interactive login is needed. Refreshes are single-flight across processes.
    ///
    /// # Errors
    /// The cache cannot be read or locked, or the token file is damaged
    /// ([`ErrorKind::Cache`] with `Corrupt`, naming the file); the refresh of an expired token
    /// failed without the service's refusal (unreachable, a failure on its side). A refresh
    /// the service refused is not an error: it means a login is needed. A token recorded as
    /// refused
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
        let _lock = self
            .cache
            .lock_waiting(LockKey::Token(&key), self.lock_wait, |p| {
                self.sleeper.sleep(p)
            })
            .await?;
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
                if self.policy.token_state(&token, now) == TokenState::Expired {
                    if !refused_by_service(&e) {
                        // Lost to the network, or a failure on the service's side: said as
                        // such (the refresh token may well still work).
                        return Err(e);
                    }
                    // An expired token whose refresh the service refuses cannot be used
                    // again: every later command knows, until a new token is stored.
                    self.cache.record_refusal(&key, &token, self.clock.now())?;
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
        let _lock = self
            .cache
            .lock_waiting(LockKey::Token(&key), self.lock_wait, |p| {
                self.sleeper.sleep(p)
            })
            .await?;
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
                    if theirs.is_none() && !refused_by_service(&e) {
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
}

/// Whether `error` is the service's own refusal of a refresh (the refresh token or the
/// client is no longer accepted), rather than a refresh lost to the network or a failure on
/// its side, which the next command may retry.
fn refused_by_service(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::InvalidGrant(_)
            | ErrorKind::InvalidClient(_)
            | ErrorKind::Denied
            | ErrorKind::Expired { .. }
    )
}
