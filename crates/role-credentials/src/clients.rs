//! [`SdkClients`]: the AWS SDK clients a [`Resolver`] of one target reaches IAM Identity
//! Center with.

use aws_sso_device_auth::{Clock, LoginOptions, Presenter, SdkOidc, TokioSleeper};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials, TokenCache};

use crate::Error;

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

/// The slow path of the credential commands as one call, after a miss of
/// [`cached`](crate::cached): the SDK clients of `target`, then [`Resolver::credentials`], or,
/// with `sign_in` (what the person sees, and how to sign in), [`Resolver::credentials_or_sign_in`]
/// (signing in first when no valid sign-in is left, with the cooldown).
///
/// # Errors
/// As [`Resolver::credentials`] and [`Resolver::credentials_or_sign_in`].
pub async fn fetch_credentials<C: Clock, P: Presenter>(
    target: &RoleTarget,
    cache: &TokenCache,
    clock: &C,
    policy: ExpiryPolicy,
    sign_in: Option<(&P, LoginOptions)>,
) -> Result<RoleCredentials, Error> {
    let clients = SdkClients::for_target(target);
    let resolver = clients.resolver(clock, cache).with_policy(policy);
    match sign_in {
        None => resolver.credentials(target).await,
        Some((presenter, options)) => {
            resolver
                .credentials_or_sign_in(target, presenter, options)
                .await
        }
    }
}
