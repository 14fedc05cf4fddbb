//! Exit codes, in one place. Documented in docs/cli.md.

use aws_sso_device_auth::{Error as SignInError, ErrorKind as SignInKind};
use aws_sso_profile_config::Error as ConfigError;
use aws_sso_role_credentials::{
    Error as CredentialsError, ErrorKind as CredentialsKind, PortalError,
};

use aws_sso_token_cache::Error as CacheError;

use crate::Interrupted;

/// The exit codes of aws-sso-rs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// Anything not listed below.
    Failure = 1,
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

/// The exit code for `error`: the first cause in its chain that says more than "failure".
pub fn code_for(error: &anyhow::Error) -> Code {
    for cause in error.chain() {
        if cause.downcast_ref::<ConfigError>().is_some() {
            return Code::Config;
        }
        if cause.downcast_ref::<CacheError>().is_some() {
            return Code::Cache;
        }
        if cause.downcast_ref::<Interrupted>().is_some() {
            return Code::Interrupted;
        }
        if let Some(e) = cause.downcast_ref::<SignInError>() {
            return match e.kind() {
                SignInKind::Unreachable { .. } => Code::Network,
                SignInKind::Cache(_) => Code::Cache,
                _ => Code::SignIn,
            };
        }
        if let Some(PortalError::Unreachable { .. }) = cause.downcast_ref::<PortalError>() {
            return Code::Network;
        }
        if let Some(e) = cause.downcast_ref::<CredentialsError>() {
            return match e.kind() {
                CredentialsKind::NeedsLogin { .. } => Code::NeedsLogin,
                CredentialsKind::RoleNotAssigned { .. } => Code::AccessDenied,
                CredentialsKind::Throttled | CredentialsKind::Unreachable { .. } => Code::Network,
                CredentialsKind::NotSso { .. }
                | CredentialsKind::NoRole { .. }
                | CredentialsKind::Config(_) => Code::Config,
                CredentialsKind::Cache(_) => Code::Cache,
                CredentialsKind::SignIn(s)
                    if matches!(s.kind(), SignInKind::Unreachable { .. }) =>
                {
                    Code::Network
                }
                _ => Code::Failure,
            };
        }
    }
    Code::Failure
}

/// The error and its causes on one line.
pub fn message(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}
