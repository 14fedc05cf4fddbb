//! [`TokenStatus`]: what the cache holds for one sign-in, as every command reports it.

use time::OffsetDateTime;

use crate::error::Error;
use crate::policy::TokenState;
use crate::record::SsoToken;

/// What the cache holds for one sign-in: the one classification every command reports.
#[derive(Debug)]
pub enum TokenStatus {
    /// No token file.
    Missing,
    /// A token file that cannot be used: not UTF-8, not JSON, or missing fields.
    Damaged(Error),
    /// The storage could not say: a keyring that is locked or cannot be reached, a file that
    /// cannot be read (permissions). Not a sign-out: the token may well be there.
    Unreadable(Error),
    /// A token, and its state at the time asked.
    Present {
        /// The token.
        token: Box<SsoToken>,
        /// Its state.
        state: TokenState,
    },
    /// A token the service refused (revoked on the server, or expired with its refresh
    /// refused): it cannot be used, whatever its expiry says, until it is replaced
    /// ([`TokenCache::record_refusal`](crate::TokenCache::record_refusal)).
    Refused {
        /// The token.
        token: Box<SsoToken>,
        /// When the service refused it.
        at: OffsetDateTime,
    },
}

impl TokenStatus {
    /// The name every command prints: `none`, `damaged`, `unreadable`, `valid`,
    /// `refresh-due`, `expired`, `refused`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Missing => "none",
            Self::Damaged(_) => "damaged",
            Self::Unreadable(_) => "unreadable",
            Self::Present { state, .. } => state.name(),
            Self::Refused { .. } => "refused",
        }
    }

    /// The token, when there is a readable one (a refused one too).
    pub fn token(&self) -> Option<&SsoToken> {
        match self {
            Self::Present { token, .. } | Self::Refused { token, .. } => Some(token),
            _ => None,
        }
    }

    /// Whether a refresh token can renew the sign-in at `now` without a browser: never for a
    /// refused token (no command refreshes it again).
    pub fn refreshable(&self, now: OffsetDateTime) -> bool {
        match self {
            Self::Present { token, .. } => token.can_refresh(now),
            _ => false,
        }
    }

    /// Time left on a token that can be used: `None` for a missing, damaged, unreadable,
    /// expired or refused one.
    pub fn remaining(&self) -> Option<time::Duration> {
        match self {
            Self::Present { state, .. } => state.remaining(),
            _ => None,
        }
    }
}
