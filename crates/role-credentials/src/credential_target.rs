//! [`CredentialTarget`]: a profile the credential commands can serve, whichever way it gets
//! its credentials (an IAM Identity Center role, or a role assumed through `source_profile`),
//! with the one cached answer ([`cached_credentials`]) and the one fetch
//! ([`credentials_for`]) of every credential command.

use aws_sso_device_auth::{Clock, LoginOptions, Presenter, SignInTarget};
use aws_sso_http::Transport;
use aws_sso_profile_config::{ChainSource, Env, ProfileSet};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials, TokenCache};
use time::OffsetDateTime;

use crate::chain::{ChainTarget, MfaCode, cached_assumed, chain_credentials};
use crate::error::Error;
use crate::target::RoleTarget;

/// A profile's credentials, resolved: its own IAM Identity Center role, or a chain.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per command, built once; boxing the role would only add an allocation"
)]
pub enum CredentialTarget {
    /// An IAM Identity Center profile with a role.
    Sso(RoleTarget),
    /// A profile that assumes a role (`role_arn`) on another profile's credentials, or that is
    /// its own source (static keys, a `credential_process`: a chain of no links).
    Chain(Box<ChainTarget>),
}

impl CredentialTarget {
    /// Resolves `profile` in `set` (which must hold the profiles of its chain).
    ///
    /// # Errors
    /// As [`RoleTarget::resolve`] or [`ChainTarget::resolve`].
    pub fn resolve(set: &ProfileSet, profile: &str, env: &dyn Env) -> Result<Self, Error> {
        // A web identity comes first, as in botocore, even beside IAM Identity Center keys.
        let web_identity = set
            .profile(profile)
            .is_some_and(|p| p.get("web_identity_token_file").is_some());
        if set.role_link(profile)?.is_some() || web_identity {
            return Ok(Self::Chain(Box::new(ChainTarget::resolve(
                set, profile, env,
            )?)));
        }
        match RoleTarget::resolve(set, profile, env) {
            Ok(target) => Ok(Self::Sso(target)),
            // A profile that is its own source (static keys, a `credential_process`, a web
            // identity token): a chain of no links. Anything else keeps the IAM Identity Center error.
            Err(e) => match set.credential_chain(profile) {
                Ok(chain)
                    if matches!(
                        chain.source,
                        ChainSource::StaticKeys(_)
                            | ChainSource::Process { .. }
                            | ChainSource::WebIdentity { .. }
                    ) =>
                {
                    Ok(Self::Chain(Box::new(ChainTarget::resolve(
                        set, profile, env,
                    )?)))
                }
                // What is wrong with the keys it has (half a pair...) says more than "not
                // IAM Identity Center".
                Err(chain_error)
                    if !matches!(
                        chain_error.kind(),
                        aws_sso_profile_config::ErrorKind::NoCredentials { .. }
                    ) =>
                {
                    Err(chain_error.into())
                }
                _ => Err(e),
            },
        }
    }

    /// The profile.
    pub fn profile(&self) -> &str {
        match self {
            Self::Sso(t) => &t.profile,
            Self::Chain(c) => &c.chain.profile,
        }
    }

    /// The IAM Identity Center role it fetches (for a chain, the one at its bottom, if any).
    pub fn sso_role(&self) -> Option<&RoleTarget> {
        match self {
            Self::Sso(t) => Some(t),
            Self::Chain(c) => c.sso.as_ref(),
        }
    }

    /// The sign-in that renews it, if it stands on one.
    pub fn sign_in(&self) -> Option<&SignInTarget> {
        self.sso_role().map(|t| &t.sign_in)
    }

    /// The sign-in, mutable (to choose its flow).
    pub fn sign_in_mut(&mut self) -> Option<&mut SignInTarget> {
        match self {
            Self::Sso(t) => Some(&mut t.sign_in),
            Self::Chain(c) => c.sso.as_mut().map(|t| &mut t.sign_in),
        }
    }

    /// The CA bundle and proxy its calls use.
    pub fn transport(&self) -> &Transport {
        match self {
            Self::Sso(t) => &t.sign_in.transport,
            Self::Chain(c) => &c.transport,
        }
    }

    /// The account and role the credentials are for: the SSO role's, or the last link's
    /// (from its ARN), or a web identity's; empty for keys or a process.
    pub fn account_and_role(&self) -> (String, String) {
        match self {
            Self::Sso(t) => (t.account_id.clone(), t.role_name.clone()),
            Self::Chain(c) => {
                let arn = match (c.chain.links.last(), &c.chain.source) {
                    (Some(link), _) => link.role_arn.as_str(),
                    (None, ChainSource::WebIdentity { role_arn, .. }) => role_arn.as_str(),
                    (None, _) => "",
                };
                let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
                let role = arn.rsplit('/').next().unwrap_or_default().to_owned();
                (account, role)
            }
        }
    }

    /// Whether it assumes a role (`role_arn` with a source, or a web identity's role).
    pub fn assumes_a_role(&self) -> bool {
        match self {
            Self::Sso(_) => false,
            Self::Chain(c) => {
                !c.chain.links.is_empty()
                    || matches!(c.chain.source, ChainSource::WebIdentity { .. })
            }
        }
    }

    /// Whether it is a profile of static keys itself (no role assumed on them): keys with no
    /// expiry known, long-term or not, which what needs an expiry (the container protocol,
    /// `export --to-credentials-file`) cannot hand out.
    pub fn long_term_keys(&self) -> bool {
        matches!(self, Self::Chain(c)
            if c.chain.links.is_empty()
                && matches!(c.chain.source, ChainSource::StaticKeys(_)))
    }

    /// The chain as people read it (`deploy-prod -> dev -> sso-session corp`), for a chain.
    pub fn chain_description(&self) -> Option<String> {
        match self {
            Self::Sso(_) => None,
            Self::Chain(c) => Some(c.chain.describe()),
        }
    }
}

/// The cached answer of any credential command: fresh cached credentials of `target`'s own
/// role (one small file), or `None`. No network, no SDK client, no runtime.
pub fn cached_credentials(
    cache: &TokenCache,
    target: &CredentialTarget,
    policy: &ExpiryPolicy,
    now: OffsetDateTime,
) -> Option<RoleCredentials> {
    match target {
        CredentialTarget::Sso(t) => crate::cached(cache, t, policy, now),
        CredentialTarget::Chain(c) => match (c.chain.links.last(), &c.chain.source) {
            (Some(link), _) => cached_assumed(cache, link, policy, now),
            // A web identity's role, cached as botocore caches it.
            (
                None,
                ChainSource::WebIdentity {
                    role_arn,
                    role_session_name,
                    ..
                },
            ) => cache
                .load_assumed_role(&aws_sso_token_cache::AssumedRoleKey::new(
                    &aws_sso_token_cache::AssumeRoleArgs {
                        role_arn,
                        role_session_name: role_session_name.as_deref(),
                        ..aws_sso_token_cache::AssumeRoleArgs::default()
                    },
                ))
                .ok()
                .flatten()
                .filter(|c| policy.role_credentials_fresh(c, now)),
            // Keys are read where they are, a process is run: nothing cached.
            (None, _) => None,
        },
    }
}

/// The credentials of `target`, after a miss of [`cached_credentials`]: fetched (and, with
/// `sign_in`, signed in first when needed), as [`crate::fetch_credentials`] or
/// [`chain_credentials`].
///
/// # Errors
/// As those.
pub async fn credentials_for<C: Clock, P: Presenter>(
    target: &CredentialTarget,
    cache: &TokenCache,
    clock: &C,
    policy: ExpiryPolicy,
    sign_in: Option<(&P, LoginOptions)>,
    mfa: &dyn MfaCode,
) -> Result<RoleCredentials, Error> {
    match target {
        CredentialTarget::Sso(t) => {
            crate::fetch_credentials(t, cache, clock, policy, sign_in).await
        }
        CredentialTarget::Chain(c) => {
            chain_credentials(c, cache, clock, policy, sign_in, mfa).await
        }
    }
}
