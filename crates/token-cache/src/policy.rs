//! When a token or role credentials are still good. `now` is always an argument.

use time::{Duration, OffsetDateTime};

use crate::record::{RoleCredentials, SsoToken};

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

/// How early tokens and role credentials are renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryPolicy {
    /// A token with less than this left is due for refresh (default 15 minutes, as botocore).
    pub token_refresh_window: Duration,
    /// Role credentials with less than this left are fetched again (default 5 minutes).
    pub role_credentials_window: Duration,
}

impl Default for ExpiryPolicy {
    fn default() -> Self {
        Self {
            token_refresh_window: Duration::minutes(15),
            role_credentials_window: Duration::minutes(5),
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
        creds.expiration - now > self.role_credentials_window
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
