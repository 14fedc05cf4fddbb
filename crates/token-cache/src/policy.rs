//! When a token, a client registration or role credentials are still good, and how long a
//! failed sign-in holds back the next browser. `now` is always an argument.

use time::{Duration, OffsetDateTime};

use crate::record::{ClientRegistration, RoleCredentials, SsoToken};

/// A registration is reused only while more than this is left (as the AWS CLI does).
pub const REGISTRATION_REUSE_MARGIN: Duration = Duration::minutes(15);

/// The state of a cached SSO token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Usable, with more than the refresh window left.
    Valid {
        /// Time left.
        remaining: Duration,
    },
    /// Usable, but inside the refresh window: refresh it now if possible.
    RefreshDue {
        /// Time left.
        remaining: Duration,
    },
    /// Expired.
    Expired,
}

impl TokenState {
    /// The state's name as every command prints it: `valid`, `refresh-due`, `expired`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Valid { .. } => "valid",
            Self::RefreshDue { .. } => "refresh-due",
            Self::Expired => "expired",
        }
    }

    /// Time left, when not expired.
    pub fn remaining(&self) -> Option<Duration> {
        match self {
            Self::Valid { remaining } | Self::RefreshDue { remaining } => Some(*remaining),
            Self::Expired => None,
        }
    }
}

/// How early tokens, registrations and role credentials are renewed, and how long a failed
/// interactive sign-in blocks the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    /// A token with less than this left is due for refresh (default 15 minutes, as botocore).
    pub token_refresh_window: Duration,
    /// Role credentials with less than this left are fetched again (default 5 minutes).
    pub role_credentials_window: Duration,
    /// A client registration is reused only with more than this left (default 15 minutes,
    /// as the AWS CLI).
    pub registration_reuse_margin: Duration,
    /// After a sign-in started on a caller's behalf (`credential-process --login`) failed or
    /// was abandoned, no new one starts for this long (default 5 minutes): no flood of
    /// browser tabs when a program retries.
    pub login_cooldown: Duration,
}

impl Default for ExpiryPolicy {
    fn default() -> Self {
        Self {
            token_refresh_window: Duration::minutes(15),
            role_credentials_window: Duration::minutes(5),
            registration_reuse_margin: REGISTRATION_REUSE_MARGIN,
            login_cooldown: Duration::minutes(5),
        }
    }
}

impl ExpiryPolicy {
    /// The state of `token` at `now`.
    pub fn token_state(&self, token: &SsoToken, now: OffsetDateTime) -> TokenState {
        let remaining = token.expires_at - now;
        if remaining <= Duration::ZERO {
            TokenState::Expired
        } else if remaining < self.token_refresh_window {
            TokenState::RefreshDue { remaining }
        } else {
            TokenState::Valid { remaining }
        }
    }

    /// Whether cached role credentials may still be handed out at `now`.
    pub fn role_credentials_fresh(&self, creds: &RoleCredentials, now: OffsetDateTime) -> bool {
        !creds.expire_within(self.role_credentials_window, now)
    }

    /// Whether `registration` may be reused at `now`: more than the margin left, and (when
    /// `grant_types` is not empty) registered for each of them.
    pub fn registration_usable(
        &self,
        registration: &ClientRegistration,
        now: OffsetDateTime,
        grant_types: &[&str],
    ) -> bool {
        registration.expires_at - now > self.registration_reuse_margin
            && grant_types.iter().all(|g| {
                registration
                    .grant_types
                    .as_ref()
                    .is_some_and(|have| have.iter().any(|h| h == g))
            })
    }

    /// How long the next interactive sign-in must still wait after one that failed at
    /// `failed_at`; `None` when it may start now.
    pub fn cooldown_left(
        &self,
        failed_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Option<Duration> {
        let since = now - failed_at;
        (since >= Duration::ZERO && since < self.login_cooldown)
            .then(|| self.login_cooldown - since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;
    use time::macros::datetime;

    #[test]
    fn stepping_through_the_windows() {
        let start = datetime!(2030-01-01 0:00 UTC);
        let token = SsoToken::new("t".into(), start + Duration::hours(1));
        let policy = ExpiryPolicy::default();
        assert_eq!(
            policy.token_state(&token, start),
            TokenState::Valid {
                remaining: Duration::hours(1)
            }
        );
        let t = start + Duration::minutes(45);
        assert_eq!(
            policy.token_state(&token, t),
            TokenState::Valid {
                remaining: Duration::minutes(15)
            }
        );
        let t = t + Duration::seconds(1);
        assert!(matches!(
            policy.token_state(&token, t),
            TokenState::RefreshDue { .. }
        ));
        assert_eq!(policy.token_state(&token, t).name(), "refresh-due");
        assert_eq!(
            policy.token_state(&token, start + Duration::hours(1)),
            TokenState::Expired
        );
        let custom = ExpiryPolicy {
            token_refresh_window: Duration::minutes(30),
            ..policy
        };
        assert!(matches!(
            custom.token_state(&token, start + Duration::minutes(31)),
            TokenState::RefreshDue { .. }
        ));
    }

    #[test]
    fn registration_reuse_needs_margin_and_grant_types() {
        let now = datetime!(2030-01-01 0:00 UTC);
        let reg = ClientRegistration {
            client_id: "c".into(),
            client_secret: "s".into(),
            expires_at: now + Duration::minutes(16),
            scopes: None,
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            extra: Map::new(),
        };
        let policy = ExpiryPolicy::default();
        assert!(policy.registration_usable(&reg, now, &["authorization_code"]));
        assert!(!policy.registration_usable(
            &reg,
            now,
            &["urn:ietf:params:oauth:grant-type:device_code"]
        ));
        assert!(
            !policy.registration_usable(&reg, now + Duration::minutes(1), &[]),
            "15 minutes or less left"
        );
    }

    #[test]
    fn the_cooldown_holds_for_its_length_only() {
        let failed = datetime!(2030-01-01 0:00 UTC);
        let policy = ExpiryPolicy::default();
        assert_eq!(
            policy.cooldown_left(failed, failed),
            Some(Duration::minutes(5))
        );
        assert_eq!(
            policy.cooldown_left(failed, failed + Duration::seconds(299)),
            Some(Duration::seconds(1))
        );
        assert_eq!(
            policy.cooldown_left(failed, failed + Duration::minutes(5)),
            None
        );
        assert_eq!(
            policy.cooldown_left(failed, failed - Duration::minutes(1)),
            None,
            "a failure recorded in the future (a clock set back) does not block forever"
        );
    }
}
