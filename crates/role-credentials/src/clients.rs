//! [`SdkClients`]: the AWS SDK clients a [`Resolver`] of one target reaches IAM Identity
//! Center with.

use aws_sso_device_auth::{Clock, SdkOidc, TokioSleeper};
use aws_sso_token_cache::TokenCache;

use crate::portal::SdkPortal;
use crate::resolver::Resolver;
use crate::target::{RoleTarget, SessionTarget};

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
