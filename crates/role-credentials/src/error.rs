//! The one error type of this crate: why credentials could not be had, each kind saying what
//! to do.

use aws_sso_profile_config::SsoSession;
use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey, TokenState, TokenStatus};
use time::OffsetDateTime;

use crate::portal::PortalError;

/// Why `session` has no usable sign-in at `now`, as the cache tells it, for
/// [`ErrorKind::NeedsLogin`]: none cached, refused by the service, expired and not
/// renewable.
pub fn why_signed_out(cache: &TokenCache, session: &SsoSession, now: OffsetDateTime) -> String {
    let key = TokenKey::for_session(session);
    match cache.token_status(&key, &ExpiryPolicy::default(), now) {
        Ok(TokenStatus::Missing) => "none is cached".into(),
        Ok(TokenStatus::Refused { .. }) => {
            "IAM Identity Center refused it: ended or revoked on the server".into()
        }
        Ok(TokenStatus::Present {
            state: TokenState::Expired,
            ..
        }) => "it expired and cannot be renewed".into(),
        // Unexpired, yet the service did not take it.
        Ok(TokenStatus::Present { .. }) => {
            "IAM Identity Center refused it: ended or revoked on the server".into()
        }
        _ => "none cached, expired, or revoked".into(),
    }
}

/// Why credentials could not be had.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: Box<ErrorKind>,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What went wrong, taken out.
    pub fn into_kind(self) -> ErrorKind {
        *self.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No usable token: the user must sign in.
    #[error("{what} has no valid IAM Identity Center sign-in ({why}); run: {command}")]
    NeedsLogin {
        /// `profile 'dev'`.
        what: String,
        /// Why, as the cache tells it ([`why_signed_out`]): none cached, refused, expired.
        why: String,
        /// The command that fixes it.
        command: String,
    },
    /// The profile names no account and role.
    #[error(
        "profile '{profile}' names no role: add sso_account_id and sso_role_name to it (the AWS access portal at {start_url} lists the accounts and roles you have)"
    )]
    NoRole {
        /// The profile.
        profile: String,
        /// Its session's start URL.
        start_url: String,
    },
    /// A sign-in started on the caller's behalf failed or was abandoned a moment ago: no new
    /// browser opens until the cooldown has passed.
    #[error(
        "a sign-in for {what} failed or was abandoned {} ago; no new browser opens for {} more; run: {command}",
        aws_sso_token_cache::timestamp::human_duration(*since),
        aws_sso_token_cache::timestamp::human_duration(*left)
    )]
    LoginCoolingDown {
        /// `profile 'dev'`.
        what: String,
        /// How long ago it failed.
        since: time::Duration,
        /// How long the cooldown still runs.
        left: time::Duration,
        /// The command that signs in now.
        command: String,
    },
    /// The user does not have the role.
    #[error(
        "you have no access to role {role} in account {account} (profile '{profile}'); check sso_account_id and sso_role_name (the AWS access portal at {start_url} lists the accounts and roles you have)"
    )]
    RoleNotAssigned {
        /// The profile.
        profile: String,
        /// The session's start URL.
        start_url: String,
        /// The account.
        account: String,
        /// The role.
        role: String,
    },
    /// IAM Identity Center throttled the request.
    #[error("IAM Identity Center is throttling requests; try again in a few seconds")]
    Throttled,
    /// The portal could not be reached.
    #[error(
        "cannot reach the IAM Identity Center portal {endpoint}: {reason}; check the network and AWS_ENDPOINT_URL_SSO"
    )]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// The sign-in's token file is damaged.
    #[error(
        "the cached token of {what} ({}) is damaged ({reason}); sign in again to replace it: {command}",
        path.display()
    )]
    DamagedToken {
        /// `profile 'dev'`.
        what: String,
        /// The token file.
        path: std::path::PathBuf,
        /// What is wrong with it (never its contents).
        reason: String,
        /// The command that replaces it.
        command: String,
    },
    /// STS could not be reached (`whoami`).
    #[error(
        "cannot reach STS at {endpoint}: {reason}; check the network, the region and AWS_ENDPOINT_URL_STS"
    )]
    StsUnreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// STS sent an answer that cannot be used (`whoami`).
    #[error(
        "STS at {endpoint} sent an answer that cannot be used ({reason}); a proxy or captive portal may be answering in its place: check the network, try again, and add --debug to see the requests"
    )]
    StsMalformed {
        /// The endpoint.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// STS refused the call for another reason (`whoami`, the calls of a chain, `console`'s
    /// federation token).
    #[error("STS answered {code}: {message}; try again, and add --debug to see the requests")]
    Sts {
        /// The error code (`Throttling`, `ExpiredToken`, ...).
        code: String,
        /// The message.
        message: String,
    },
    /// The console sign-in endpoint failed (`console`).
    #[error(
        "cannot sign in to the AWS Management Console through {endpoint}: {reason}; check the network and AWS_ENDPOINT_URL_SIGNIN, or use --via-portal"
    )]
    Console {
        /// The federation endpoint.
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// STS refused to let a profile's credentials assume the next role of a chain.
    #[error(
        "STS refused to let profile '{source_profile}' assume {role_arn} (profile '{profile}'): {message}; check role_arn and the role's trust policy, the source profile's permissions, and whether the role asks for MFA (mfa_serial)"
    )]
    AssumeRoleDenied {
        /// The role.
        role_arn: String,
        /// The profile that names it.
        profile: String,
        /// The profile whose credentials asked.
        source_profile: String,
        /// STS's message.
        message: String,
    },
    /// STS refused the credentials of a chain's source (keys that are wrong, expired or
    /// revoked) when assuming the next role.
    #[error(
        "STS refused the credentials of profile '{source_profile}' ({code}: {message}) when assuming {role_arn} for profile '{profile}'; check that profile's keys (or what gives them)"
    )]
    SourceRefused {
        /// The role.
        role_arn: String,
        /// The profile that names it.
        profile: String,
        /// The profile whose credentials were refused.
        source_profile: String,
        /// The error code.
        code: String,
        /// STS's message.
        message: String,
    },
    /// STS refused a profile's own credentials (`whoami`, `console` of a profile of keys or a
    /// process): wrong, deactivated or expired keys.
    #[error(
        "STS refused the credentials of profile '{profile}' ({code}: {message}); check that profile's keys (or what gives them)"
    )]
    KeysRefused {
        /// The profile.
        profile: String,
        /// The error code (`InvalidClientTokenId`, `SignatureDoesNotMatch`, `ExpiredToken`).
        code: String,
        /// STS's message.
        message: String,
    },
    /// STS refused a web identity token (`AssumeRoleWithWebIdentity`).
    #[error(
        "STS refused the web identity token of profile '{profile}' for {role_arn} ({code}: {message}); check the file web_identity_token_file names (a fresh token from its issuer) and the role's trust policy"
    )]
    WebIdentityRefused {
        /// The profile.
        profile: String,
        /// The role.
        role_arn: String,
        /// The error code (`InvalidIdentityToken`, `ExpiredTokenException`, ...).
        code: String,
        /// STS's message.
        message: String,
    },
    /// STS refused the MFA code given for a link.
    #[error(
        "STS refused the MFA code for {role_arn} (profile '{profile}'): it is wrong, or was used already; run the command again with the next code of that device"
    )]
    MfaCodeRefused {
        /// The role.
        role_arn: String,
        /// The profile that names it.
        profile: String,
    },
    /// STS refused an `AssumeRole` (or `AssumeRoleWithWebIdentity`) for another reason.
    #[error(
        "STS answered {code} when assuming {role_arn} (profile '{profile}'): {message}; check the profile's role_arn, duration_seconds and external_id"
    )]
    AssumeRole {
        /// The role.
        role_arn: String,
        /// The profile that names it.
        profile: String,
        /// The error code.
        code: String,
        /// STS's message.
        message: String,
    },
    /// A link needs an MFA code and nobody can type one.
    #[error(
        "profile '{profile}' needs the code of the MFA device {serial} (mfa_serial), and no terminal is here to ask for it; run `aws-sso-rs whoami --profile {profile}` once on a terminal (the assumed role is then cached for programs), or remove mfa_serial"
    )]
    MfaCodeNeeded {
        /// The profile.
        profile: String,
        /// `mfa_serial`.
        serial: String,
    },
    /// A setting of the environment or the profile has a value aws-sso-rs does not know.
    #[error(
        "{name} = {value:?} is not valid: it is {expected}; fix it in the profile or the environment"
    )]
    InvalidSetting {
        /// The setting (and its variable).
        name: &'static str,
        /// Its value.
        value: String,
        /// What it may be.
        expected: &'static str,
    },
    /// A chained profile that stands on no IAM Identity Center sign-in (`login`, `logout`).
    #[error(
        "profile '{profile}' does not sign in with IAM Identity Center: its credentials come from {chain}, so there is no sign-in to log in to or out of"
    )]
    NoSignInBehind {
        /// The profile.
        profile: String,
        /// Its chain.
        chain: String,
    },
    /// The bottom of a chain gives no credentials.
    #[error("profile '{profile}' gives no credentials: {reason}")]
    ChainSource {
        /// The profile.
        profile: String,
        /// Why.
        reason: String,
    },
    /// A `credential_process` failed.
    #[error("the credential_process of profile '{profile}' ({command}) failed: {reason}")]
    CredentialProcess {
        /// The profile.
        profile: String,
        /// The command line.
        command: String,
        /// What went wrong.
        reason: String,
    },
    /// The credential server cannot listen where it was asked to.
    #[error("cannot listen on {addr}: {reason}; {hint}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// The system's reason.
        reason: String,
        /// What to do.
        hint: String,
    },
    /// Another portal error.
    #[error(transparent)]
    Portal(PortalError),
    /// The config is wrong.
    #[error(transparent)]
    Config(#[from] aws_sso_profile_config::Error),
    /// The config lacks the selected profile, and its name did not come from `--profile`:
    /// where it came from, then the config's error.
    #[error("{origin}: {error}")]
    Selected {
        /// `the profile 'dev' comes from AWS_PROFILE`.
        origin: String,
        /// The config's error (the profiles it has, the closest name).
        error: aws_sso_profile_config::Error,
    },
    /// Refreshing the token failed in a way that is not "sign in again".
    #[error(transparent)]
    SignIn(#[from] aws_sso_device_auth::Error),
    /// The cache could not be used.
    #[error(transparent)]
    Cache(#[from] aws_sso_token_cache::Error),
}

impl From<aws_sso_token_cache::Error> for Error {
    fn from(e: aws_sso_token_cache::Error) -> Self {
        ErrorKind::Cache(e).into()
    }
}

impl From<aws_sso_device_auth::Error> for Error {
    fn from(e: aws_sso_device_auth::Error) -> Self {
        ErrorKind::SignIn(e).into()
    }
}

impl From<aws_sso_profile_config::Error> for Error {
    fn from(e: aws_sso_profile_config::Error) -> Self {
        ErrorKind::Config(e).into()
    }
}
