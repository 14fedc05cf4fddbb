//! Exit codes, in one place. Documented in docs/cli.md.

use aws_sso_profile_config::Error as ConfigError;
use aws_sso_token_cache::Error as CacheError;

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
