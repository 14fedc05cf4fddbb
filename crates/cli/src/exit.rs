//! Exit codes, in one place. Documented in docs/cli.md.

use aws_sso_device_auth::{Error as SignInError, ErrorKind as SignInKind};
use aws_sso_profile_config::Error as ConfigError;
use aws_sso_role_credentials::{
    Error as CredentialsError, ErrorKind as CredentialsKind, PortalError,
};

use aws_sso_token_cache::Error as CacheError;

/// The user pressed Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted; no token was written")]
pub struct Interrupted;

/// The user left a picker or a question with Esc (exit 130, as for Ctrl-C).
#[derive(Debug, thiserror::Error)]
#[error("cancelled: nothing was chosen")]
pub struct Cancelled;

/// The program could not be started. Exits as shells do: 127 when it is not found, 126 when
/// it cannot be run.
#[derive(Debug, thiserror::Error)]
#[error("cannot run {program}: {reason}")]
pub struct CannotRun {
    program: String,
    reason: String,
    /// 127 or 126.
    pub code: u8,
}

impl CannotRun {
    pub fn new(program: &str, error: std::io::Error) -> Self {
        let (code, reason) = match error.kind() {
            std::io::ErrorKind::NotFound if program.contains('/') => {
                (127, "no such file; check the path".to_owned())
            }
            std::io::ErrorKind::NotFound => (
                127,
                "no such program on PATH; check its name, or give its path".to_owned(),
            ),
            std::io::ErrorKind::PermissionDenied => (
                126,
                "permission denied; check that it is a program you may run (chmod +x)".to_owned(),
            ),
            _ => (126, error.to_string()),
        };
        Self {
            program: program.to_owned(),
            reason,
            code,
        }
    }
}

/// A failure found by the command line itself, with the exit code it means.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

/// A usage error (exit 2): flags that do not go together, an answer that is missing.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Failure {
        code: Code::Usage,
        message: message.into(),
    }
    .into()
}

/// Any other failure (exit 1): `doctor` found something that does not work.
pub fn failure(message: impl Into<String>) -> anyhow::Error {
    Failure {
        code: Code::Failure,
        message: message.into(),
    }
    .into()
}

/// The config does not define what was asked (exit 3).
pub fn config(message: impl Into<String>) -> anyhow::Error {
    Failure {
        code: Code::Config,
        message: message.into(),
    }
    .into()
}

/// No access to that account or role (exit 8).
pub fn access(message: impl Into<String>) -> anyhow::Error {
    Failure {
        code: Code::AccessDenied,
        message: message.into(),
    }
    .into()
}

/// The exit codes of aws-sso-rs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// Anything not listed below.
    Failure = 1,
    /// Bad usage: flags that do not go together, a missing answer (clap's own usage errors
    /// exit 2 too).
    Usage = 2,
    /// The config files cannot be read, do not parse, or do not define what was asked.
    Config = 3,
    /// A cache file is unreadable or a cache lock could not be taken.
    Cache = 4,
    /// The sign-in did not complete: denied, expired, refused, timed out.
    SignIn = 5,
    /// IAM Identity Center could not be reached, or throttled us.
    Network = 6,
    /// No valid sign-in: run `aws-sso-rs login`.
    NeedsLogin = 7,
    /// The user has no access to that account and role.
    AccessDenied = 8,
    /// Ctrl-C.
    Interrupted = 130,
}

fn sign_in(e: &SignInError) -> Code {
    match e.kind() {
        SignInKind::Unreachable { .. } | SignInKind::Malformed { .. } | SignInKind::Throttled => {
            Code::Network
        }
        SignInKind::Cache(_) => Code::Cache,
        // A start URL that does not lead to a portal: the config's to fix.
        SignInKind::StartUrl { .. } | SignInKind::PortalRegion { .. } => Code::Config,
        SignInKind::StartUrlUnreachable { .. } => Code::Network,
        // A failure on the service's side that outlasted the retries (5xx).
        SignInKind::Service { code, .. } if aws_sso_http::is_server_failure(code) => Code::Network,
        _ => Code::SignIn,
    }
}

fn credentials(e: &CredentialsError) -> Code {
    match e.kind() {
        CredentialsKind::NeedsLogin { .. } | CredentialsKind::LoginCoolingDown { .. } => {
            Code::NeedsLogin
        }
        CredentialsKind::RoleNotAssigned { .. }
        | CredentialsKind::AssumeRoleDenied { .. }
        | CredentialsKind::SourceRefused { .. }
        | CredentialsKind::KeysRefused { .. }
        | CredentialsKind::WebIdentityRefused { .. }
        | CredentialsKind::MfaCodeRefused { .. } => Code::AccessDenied,
        CredentialsKind::AssumeRole { code, .. }
            if code == "Throttling" || aws_sso_http::is_server_failure(code) =>
        {
            Code::Network
        }
        CredentialsKind::MfaCodeNeeded { .. } => Code::Usage,
        CredentialsKind::Throttled
        | CredentialsKind::Unreachable { .. }
        | CredentialsKind::StsUnreachable { .. }
        | CredentialsKind::StsMalformed { .. }
        | CredentialsKind::Console { .. } => Code::Network,
        CredentialsKind::Sts { code, .. }
            if code == "Throttling" || aws_sso_http::is_server_failure(code) =>
        {
            Code::Network
        }
        CredentialsKind::NoRole { .. }
        | CredentialsKind::NoSignInBehind { .. }
        | CredentialsKind::InvalidSetting { .. }
        | CredentialsKind::Config(_)
        | CredentialsKind::Selected { .. } => Code::Config,
        CredentialsKind::Cache(_) | CredentialsKind::DamagedToken { .. } => Code::Cache,
        CredentialsKind::SignIn(s) => sign_in(s),
        CredentialsKind::Portal(
            PortalError::Unreachable { .. } | PortalError::Malformed { .. },
        ) => Code::Network,
        // A failure on the service's side that outlasted the retries (5xx).
        CredentialsKind::Portal(e) if e.is_transient() => Code::Network,
        _ => Code::Failure,
    }
}

/// The exit code for `error`: the first cause in its chain that says more than "failure".
/// One classification for every command: a profile that does not sign in through IAM
/// Identity Center is a config error (3) wherever it is found, a damaged cache file a cache
/// error (4).
pub fn code_for(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<CannotRun>() {
            return e.code;
        }
        if let Some(e) = cause.downcast_ref::<Failure>() {
            return e.code as u8;
        }
        let code = if cause.downcast_ref::<ConfigError>().is_some() {
            Code::Config
        } else if cause.downcast_ref::<CacheError>().is_some() {
            Code::Cache
        } else if cause.downcast_ref::<Interrupted>().is_some()
            || cause.downcast_ref::<Cancelled>().is_some()
        {
            Code::Interrupted
        } else if let Some(e) = cause.downcast_ref::<SignInError>() {
            sign_in(e)
        } else if cause
            .downcast_ref::<PortalError>()
            .is_some_and(|e| e.is_transient() || matches!(e, PortalError::Malformed { .. }))
        {
            Code::Network
        } else if let Some(e) = cause.downcast_ref::<CredentialsError>() {
            credentials(e)
        } else {
            continue;
        };
        return code as u8;
    }
    Code::Failure as u8
}

/// The error and its causes on one line.
pub fn message(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}
