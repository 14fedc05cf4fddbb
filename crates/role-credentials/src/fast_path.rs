//! The fast path: [`cached`] role credentials, with no network, no SDK client and no runtime.

use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials, TokenCache};
use time::OffsetDateTime;

use crate::target::RoleTarget;

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
