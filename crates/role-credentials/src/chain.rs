//! Credentials of a role assumed through `source_profile` ([`ChainTarget`]): the source's
//! credentials (an IAM Identity Center role, static keys, a `credential_process`, the
//! environment, a web identity's role), then one STS `AssumeRole` per link (none for a
//! profile that is itself keys, a process or a web identity), each cached where and as the AWS CLI
//! caches it (`~/.aws/cli/cache`, named by the hash of the `AssumeRole` arguments), so the
//! AWS CLI, botocore and aws-sso-rs reuse each other's assumed roles.
//!
//! Single-flight along the chain: each link is assumed under its own cache lock, and the cache
//! is read again once the lock is held, so many processes asking at once make one
//! `AssumeRole` per link (and, below, one `GetRoleCredentials`).

use std::time::Duration;

use aws_sso_device_auth::{Clock, LoginOptions, Presenter, Sleeper, TokioSleeper};
use aws_sso_http::Transport;
use aws_sso_profile_config::env::vars;
use aws_sso_profile_config::{
    ChainSource, CredentialChain, Endpoint, Env, ProfileSet, RoleLink, StaticKeys,
};
use aws_sso_token_cache::{
    AssumeRoleArgs, AssumedRoleKey, ExpiryPolicy, LockKey, RoleCredentials, Secret, TokenCache,
};
use time::OffsetDateTime;

use crate::clients::fetch_credentials;
use crate::error::{Error, ErrorKind};
use crate::target::RoleTarget;

/// How long a process waits for another one assuming the same role.
const LINK_WAIT: Duration = Duration::from_secs(60);

/// A profile that gets its credentials other than from its own IAM Identity Center role,
/// resolved: a role assumed on another profile's credentials, or a profile that is itself
/// static keys, a `credential_process` or a web identity (a chain of no links); the IAM
/// Identity Center role at its bottom (if it stands on one), and where STS is.
#[derive(Debug, Clone)]
pub struct ChainTarget {
    /// The chain, as the config gives it.
    pub chain: CredentialChain,
    /// The role of the IAM Identity Center profile at the bottom, named for the profile
    /// asked for (its sign-in is `aws-sso-rs login --profile <that profile>`).
    pub sso: Option<RoleTarget>,
    /// The region of its service calls (STS, the console): `AWS_REGION` >
    /// `AWS_DEFAULT_REGION` > the asked profile's `region` > the source's `region` > the
    /// bottom's `sso_region`, else `us-east-1`.
    pub region: String,
    /// The region the STS calls are signed for: `region`, or `us-east-1` when
    /// `sts_regional_endpoints = legacy` sends them to the global endpoint.
    pub sts_region: String,
    /// STS (`AWS_ENDPOINT_URL_STS`, `[services]`, `endpoint_url`, else the regional one).
    pub sts_endpoint: Endpoint,
    /// The CA bundle and proxy of the asked profile.
    pub transport: Transport,
    /// For `credential_source = Environment`: `AWS_ACCESS_KEY_ID` and the rest, as the
    /// environment had them (`None` when they are not both set).
    pub environment_keys: Option<StaticKeys>,
    /// For a `web_identity_token_file` source: the file, `~` expanded.
    pub web_identity_token: Option<std::path::PathBuf>,
    /// The profiles whose `credential_process` runs above this process
    /// (`AWS_SSO_RS_RESOLVING`): a process leading back to one of them is refused.
    pub resolving: Vec<String>,
}

/// The `AssumeRole` arguments of `link` that name its cached credentials.
fn args(link: &RoleLink) -> AssumeRoleArgs<'_> {
    AssumeRoleArgs {
        role_arn: &link.role_arn,
        role_session_name: link.role_session_name.as_deref(),
        external_id: link.external_id.as_deref(),
        serial_number: link.mfa_serial.as_deref(),
        duration_seconds: link.duration_seconds,
    }
}

/// The cache key of `link`'s assumed credentials (the AWS CLI's file name).
pub fn link_key(link: &RoleLink) -> AssumedRoleKey {
    AssumedRoleKey::new(&args(link))
}

impl ChainTarget {
    /// Resolves `profile`, whatever its chain (see [`ProfileSet::credential_chain`]).
    ///
    /// # Errors
    /// The chain is broken (a config error naming the file and line), or stands on an IAM
    /// Identity Center profile without a role.
    pub fn resolve(set: &ProfileSet, profile: &str, env: &dyn Env) -> Result<Self, Error> {
        let chain = set.credential_chain(profile)?;
        let sso = match &chain.source {
            ChainSource::Sso(source) => {
                let mut target = RoleTarget::resolve(set, &source.profile, env)?;
                // Messages and the sign-in command name the profile the person asked for.
                target.profile = profile.to_owned();
                target.sign_in.named_by = aws_sso_device_auth::NamedBy::Profile(profile.to_owned());
                Some(target)
            }
            _ => None,
        };
        let own_region = set.profile(profile).and_then(|p| p.get("region"));
        let source_region = set
            .profile(chain.source.profile())
            .and_then(|p| p.get("region"));
        let region = env
            .non_empty(vars::AWS_REGION)
            .or_else(|| env.non_empty(vars::AWS_DEFAULT_REGION))
            .or_else(|| own_region.map(str::to_owned))
            .or_else(|| source_region.map(str::to_owned))
            .or_else(|| chain.sso().map(|s| s.session.region.clone()))
            .unwrap_or_else(|| "us-east-1".to_owned());
        let (sts_region, sts_endpoint) =
            crate::selection::sts_endpoint(set, Some(profile), &region, env)?;
        let transport = Transport::for_profile(set, Some(profile), env);
        let environment_keys = match &chain.source {
            ChainSource::Environment { profile } => env
                .non_empty(vars::AWS_ACCESS_KEY_ID)
                .zip(env.non_empty(vars::AWS_SECRET_ACCESS_KEY))
                .map(|(id, secret)| StaticKeys {
                    profile: profile.clone(),
                    access_key_id: id,
                    secret_access_key: secret,
                    session_token: env.non_empty(vars::AWS_SESSION_TOKEN),
                }),
            _ => None,
        };
        let web_identity_token = match &chain.source {
            ChainSource::WebIdentity { token_file, .. } => {
                Some(aws_sso_profile_config::expand_tilde(
                    token_file,
                    env,
                    aws_sso_profile_config::Platform::current(),
                )?)
            }
            _ => None,
        };
        let resolving = env
            .non_empty(vars::AWS_SSO_RS_RESOLVING)
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(Self {
            resolving,
            chain,
            sso,
            region,
            sts_region,
            sts_endpoint,
            transport,
            environment_keys,
            web_identity_token,
        })
    }

    /// The cache key of the asked profile's own role (the last link).
    pub fn key(&self) -> Option<AssumedRoleKey> {
        self.chain.links.last().map(link_key)
    }
}

/// The fast path of a chained profile: the cached credentials of its own role (`link`, from
/// [`ProfileSet::role_link`]) with more than the policy's window left. Reads one file.
pub fn cached_assumed(
    cache: &TokenCache,
    link: &RoleLink,
    policy: &ExpiryPolicy,
    now: OffsetDateTime,
) -> Option<RoleCredentials> {
    cache
        .load_assumed_role(&link_key(link))
        .ok()
        .flatten()
        .filter(|c| policy.role_credentials_fresh(c, now))
}

/// Asks for the MFA code of a link whose profile sets `mfa_serial`.
pub trait MfaCode: Sync {
    /// The current code of the device `serial`, for `profile`; `None` when nobody can
    /// answer (no terminal).
    fn code(&self, profile: &str, serial: &str) -> Option<String>;

    /// Whether anybody can answer at all: when not, a chain that needs a code fails before
    /// any request is sent.
    fn can_ask(&self) -> bool {
        true
    }
}

/// Nobody to ask: a link with `mfa_serial` fails with a clear error unless its credentials
/// are cached.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMfa;

impl MfaCode for NoMfa {
    fn code(&self, _: &str, _: &str) -> Option<String> {
        None
    }

    fn can_ask(&self) -> bool {
        false
    }
}

/// The credentials of `target`'s profile: each link's cached credentials when fresh, else the
/// source's and one `AssumeRole` per link from the highest fresh one up, each cached. With
/// `sign_in`, an IAM Identity Center source signs in first when needed (as
/// [`fetch_credentials`]).
///
/// # Errors
/// The source gives no credentials (signed out: the message names `aws-sso-rs login --profile
/// <asked profile>`; [`ErrorKind::ChainSource`], [`ErrorKind::CredentialProcess`]), STS
/// refuses a link ([`ErrorKind::AssumeRoleDenied`] names the role and the profile whose
/// credentials asked; [`ErrorKind::SourceRefused`], [`ErrorKind::WebIdentityRefused`],
/// [`ErrorKind::MfaCodeRefused`], [`ErrorKind::AssumeRole`]), an MFA code is needed and nobody
/// can give it ([`ErrorKind::MfaCodeNeeded`]), the cache cannot be used.
pub async fn chain_credentials<C: Clock, P: Presenter>(
    target: &ChainTarget,
    cache: &TokenCache,
    clock: &C,
    policy: ExpiryPolicy,
    sign_in: Option<(&P, LoginOptions)>,
    mfa: &dyn MfaCode,
) -> Result<RoleCredentials, Error> {
    let links = &target.chain.links;
    let keys: Vec<AssumedRoleKey> = links.iter().map(link_key).collect();
    let fresh = |key: &AssumedRoleKey| {
        cache
            .load_assumed_role(key)
            .ok()
            .flatten()
            .filter(|c| policy.role_credentials_fresh(c, clock.now()))
    };
    // The highest link already cached: start above it.
    let mut start = 0;
    let mut creds = None;
    for (i, key) in keys.iter().enumerate().rev() {
        if let Some(c) = fresh(key) {
            if i + 1 == keys.len() {
                return Ok(c);
            }
            start = i + 1;
            creds = Some(c);
            break;
        }
    }
    // A link to assume that needs a code nobody can give: said before any request (the
    // credential server asks again and again, and each would fetch the source for nothing).
    if !mfa.can_ask()
        && let Some((link, serial)) = links[start..]
            .iter()
            .find_map(|l| Some((l, l.mfa_serial.as_deref()?)))
    {
        return Err(code_needed(link, serial));
    }
    let mut creds = match creds {
        Some(c) => c,
        None => source_credentials(target, cache, clock, policy, sign_in).await?,
    };
    for (i, link) in links.iter().enumerate().skip(start) {
        let key = &keys[i];
        let _lock = cache
            .lock_waiting(LockKey::AssumedRole(key), LINK_WAIT, |p| {
                TokioSleeper.sleep(p)
            })
            .await?;
        if let Some(c) = fresh(key) {
            creds = c;
            continue;
        }
        let source_profile = if i == 0 {
            target.chain.source.profile().to_owned()
        } else {
            links[i - 1].profile.clone()
        };
        let (assumed, arn) = assume_role(target, link, &source_profile, &creds, clock, mfa).await?;
        cache.store_assumed_role(key, &assumed, arn.as_deref())?;
        tracing::debug!(
            "assumed {} for profile '{}' (cached in {})",
            link.role_arn,
            link.profile,
            cache.assumed_role_path(key).display()
        );
        creds = assumed;
    }
    Ok(creds)
}

/// The credentials the chain stands on.
async fn source_credentials<C: Clock, P: Presenter>(
    target: &ChainTarget,
    cache: &TokenCache,
    clock: &C,
    policy: ExpiryPolicy,
    sign_in: Option<(&P, LoginOptions)>,
) -> Result<RoleCredentials, Error> {
    let profile = target.chain.source.profile().to_owned();
    let keys_now = |keys: &StaticKeys| RoleCredentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: Secret::new(keys.secret_access_key.clone()),
        session_token: Secret::new(keys.session_token.clone().unwrap_or_default()),
        // Long-term keys do not expire.
        expiration: None,
        account_id: None,
    };
    match &target.chain.source {
        ChainSource::Sso(_) => {
            let Some(role) = &target.sso else {
                return Err(ErrorKind::ChainSource {
                    profile,
                    reason: "it names no role (sso_account_id and sso_role_name)".into(),
                }
                .into());
            };
            if let Some(c) = crate::cached(cache, role, &policy, clock.now()) {
                return Ok(c);
            }
            fetch_credentials(role, cache, clock, policy, sign_in).await
        }
        ChainSource::StaticKeys(keys) => Ok(keys_now(keys)),
        ChainSource::Environment { .. } => match &target.environment_keys {
            Some(keys) => Ok(keys_now(keys)),
            None => Err(ErrorKind::ChainSource {
                profile,
                reason: "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set".into(),
            }
            .into()),
        },
        ChainSource::Process { command, .. } => {
            let mut resolving = target.resolving.clone();
            for name in [target.chain.profile.clone(), profile.clone()] {
                if target.resolving.contains(&name) {
                    return Err(ErrorKind::CredentialProcess {
                        profile,
                        command: command.clone(),
                        reason: format!(
                            "it leads back to profile '{name}', whose credentials it is already being run for (a credential_process that runs aws-sso-rs for the same profile, or a chain through it); point it at another source"
                        ),
                    }
                    .into());
                }
                if !resolving.contains(&name) {
                    resolving.push(name);
                }
            }
            // The program runs on a blocking thread: the runtime's workers go on answering
            // (the credential server's other requests) while it runs.
            let (command, resolving) = (command.clone(), resolving.join(","));
            let named = profile.clone();
            tokio::task::spawn_blocking(move || crate::process::run(&named, &command, &resolving))
                .await
                .map_err(|e| {
                    Error::from(ErrorKind::ChainSource {
                        profile,
                        reason: format!("its credential_process did not finish: {e}"),
                    })
                })?
        }
        ChainSource::WebIdentity {
            role_arn,
            role_session_name,
            ..
        } => {
            web_identity(
                target,
                &profile,
                role_arn,
                role_session_name.as_deref(),
                cache,
                clock,
                policy,
            )
            .await
        }
    }
}

/// The credentials of a `web_identity_token_file` profile: cached as botocore caches them
/// (the same kind of key as `AssumeRole`'s), else `AssumeRoleWithWebIdentity` with the file's
/// token (an unsigned call: the token is the credential), under the key's lock.
async fn web_identity<C: Clock>(
    target: &ChainTarget,
    profile: &str,
    role_arn: &str,
    role_session_name: Option<&str>,
    cache: &TokenCache,
    clock: &C,
    policy: ExpiryPolicy,
) -> Result<RoleCredentials, Error> {
    let key = AssumedRoleKey::new(&AssumeRoleArgs {
        role_arn,
        role_session_name,
        ..AssumeRoleArgs::default()
    });
    let fresh = || {
        cache
            .load_assumed_role(&key)
            .ok()
            .flatten()
            .filter(|c| policy.role_credentials_fresh(c, clock.now()))
    };
    if let Some(c) = fresh() {
        return Ok(c);
    }
    let _lock = cache
        .lock_waiting(LockKey::AssumedRole(&key), LINK_WAIT, |p| {
            TokioSleeper.sleep(p)
        })
        .await?;
    if let Some(c) = fresh() {
        return Ok(c);
    }
    let path = target.web_identity_token.clone().unwrap_or_default();
    let token = std::fs::read_to_string(&path).map_err(|e| ErrorKind::ChainSource {
        profile: profile.to_owned(),
        reason: format!(
            "cannot read web_identity_token_file {}: {e}",
            path.display()
        ),
    })?;
    let client = crate::sts::sts_client(
        None,
        &target.sts_region,
        &target.sts_endpoint,
        &target.transport,
    );
    let out = client
        .assume_role_with_web_identity()
        .role_arn(role_arn)
        .role_session_name(session_name(role_session_name, clock))
        .web_identity_token(token.trim())
        .send()
        .await
        .map_err(|e| {
            crate::sts::sts_error(
                &e,
                &target.sts_endpoint,
                &target.transport,
                |code, message| match code.as_str() {
                    "InvalidIdentityToken"
                    | "ExpiredTokenException"
                    | "ExpiredToken"
                    | "IDPRejectedClaim"
                    | "AccessDenied" => ErrorKind::WebIdentityRefused {
                        profile: profile.to_owned(),
                        role_arn: role_arn.to_owned(),
                        code,
                        message,
                    }
                    .into(),
                    _ => ErrorKind::AssumeRole {
                        role_arn: role_arn.to_owned(),
                        profile: profile.to_owned(),
                        code,
                        message,
                    }
                    .into(),
                },
            )
        })?;
    let arn = out.assumed_role_user().map(|u| u.arn());
    let creds = crate::sts::answered_credentials(
        out.credentials(),
        arn,
        "AssumeRoleWithWebIdentity",
        &target.sts_endpoint,
    )?;
    cache.store_assumed_role(&key, &creds, arn)?;
    Ok(creds)
}

/// `link` needs the code of MFA device `serial`, and nobody can give it.
fn code_needed(link: &RoleLink, serial: &str) -> Error {
    ErrorKind::MfaCodeNeeded {
        profile: link.profile.clone(),
        serial: serial.to_owned(),
    }
    .into()
}

/// A failed STS call of a chain, as the workspace's errors: STS's own refusal named with the
/// role and the profiles (access denied, the source's keys refused, anything else).
fn sts_failure<E>(
    target: &ChainTarget,
    e: &aws_sdk_sts::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    role_arn: &str,
    profile: &str,
    source_profile: &str,
) -> Error
where
    E: std::error::Error + 'static + aws_sdk_sts::error::ProvideErrorMetadata,
{
    let (role_arn, profile, source_profile) = (
        role_arn.to_owned(),
        profile.to_owned(),
        source_profile.to_owned(),
    );
    crate::sts::sts_error(
        e,
        &target.sts_endpoint,
        &target.transport,
        |code, message| match code.as_str() {
            "AccessDenied" if message.contains("MultiFactorAuthentication") => {
                ErrorKind::MfaCodeRefused { role_arn, profile }.into()
            }
            "AccessDenied" => ErrorKind::AssumeRoleDenied {
                role_arn,
                profile,
                source_profile,
                message,
            }
            .into(),
            "InvalidClientTokenId" | "SignatureDoesNotMatch" | "ExpiredToken" => {
                ErrorKind::SourceRefused {
                    role_arn,
                    profile,
                    source_profile,
                    code,
                    message,
                }
                .into()
            }
            _ => ErrorKind::AssumeRole {
                role_arn,
                profile,
                code,
                message,
            }
            .into(),
        },
    )
}

/// One `AssumeRole` of `link` with `creds` (the credentials of `source_profile`): the new
/// credentials and the assumed-role ARN.
async fn assume_role<C: Clock>(
    target: &ChainTarget,
    link: &RoleLink,
    source_profile: &str,
    creds: &RoleCredentials,
    clock: &C,
    mfa: &dyn MfaCode,
) -> Result<(RoleCredentials, Option<String>), Error> {
    let client = crate::sts::sts_client(
        Some(creds),
        &target.sts_region,
        &target.sts_endpoint,
        &target.transport,
    );
    let mut call = client
        .assume_role()
        .role_arn(&link.role_arn)
        .role_session_name(session_name(link.role_session_name.as_deref(), clock))
        .set_external_id(link.external_id.clone())
        .set_duration_seconds(link.duration_seconds.and_then(|d| i32::try_from(d).ok()));
    if let Some(serial) = &link.mfa_serial {
        let Some(code) = mfa.code(&link.profile, serial) else {
            return Err(code_needed(link, serial));
        };
        call = call.serial_number(serial).token_code(code.trim());
    }
    let out = call
        .send()
        .await
        .map_err(|e| sts_failure(target, &e, &link.role_arn, &link.profile, source_profile))?;
    let arn = out.assumed_role_user().map(|u| u.arn());
    let creds = crate::sts::answered_credentials(
        out.credentials(),
        arn,
        "AssumeRole",
        &target.sts_endpoint,
    )?;
    Ok((creds, arn.map(str::to_owned)))
}

/// The `RoleSessionName` of an STS call: the profile's, else one made up (botocore's is
/// `botocore-session-<time>`). A made-up name is not part of the cache key, so either tool
/// reuses the other's role.
fn session_name(configured: Option<&str>, clock: &impl Clock) -> String {
    configured.map_or_else(
        || format!("aws-sso-rs-{}", clock.now().unix_timestamp()),
        str::to_owned,
    )
}
