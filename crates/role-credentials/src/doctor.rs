//! The use case of `aws-sso-rs doctor`: why does it not work? Every check a person would make
//! by hand, each with a verdict ([`Status`]: pass, warn, fail), what was found and the fix:
//! the config files (problems with file and line, misspelt keys), the environment (a profile
//! variable naming nothing, keys that win over every profile), each sign-in's state and what
//! renews it, the cache folders' owners and modes, the programs `credential_process` runs,
//! the shell integration and completions, and, unless offline, each endpoint reached through
//! the proxy and CA bundle in use (with its time) and this machine's clock against the
//! portal's `Date`.
//!
//! It changes nothing (no file is written, no folder tightened, no token refreshed; with
//! `storage = "keyring"`, an item `probe-<pid>` holding no secret is written, read back and
//! deleted, the one way to know a keyring is open) and shows no secret (no token, key or
//! proxy password: only names, paths, states and times).
//!
//! ```
//! use aws_sso_role_credentials::doctor::{Check, Diagnosis, Status, Area};
//! let diagnosis = Diagnosis {
//!     checks: vec![Check::pass(Area::Config, "~/.aws/config", "2 profiles")],
//! };
//! assert!(!diagnosis.failed());
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use aws_sso_device_auth::Clock;
use aws_sso_profile_config::{Env, FileLocations, Platform};
use aws_sso_token_cache::TokenCache;
use serde::Serialize;

mod config;
mod files;
mod network;
mod shell;
mod sign_ins;

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// As it should be.
    Pass,
    /// Works, but something is off or will fail soon (a sign-in to renew, a folder others
    /// can read, a misspelt key the AWS CLI ignores).
    Warn,
    /// Does not work as it is.
    Fail,
}

impl Status {
    /// `pass`, `warn`, `fail`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// The config and credentials files.
    Config,
    /// Environment variables that choose a profile or win over it.
    Environment,
    /// An IAM Identity Center sign-in and its token.
    SignIn,
    /// The cache folders and files: owners and modes.
    Files,
    /// The programs profiles run (`credential_process`).
    Programs,
    /// The shell integration and completions.
    Shell,
    /// Reaching an endpoint.
    Network,
    /// This machine's clock.
    Clock,
}

impl Area {
    /// `config`, `environment`, `sign-in`, `files`, `programs`, `shell`, `network`, `clock`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Environment => "environment",
            Self::SignIn => "sign-in",
            Self::Files => "files",
            Self::Programs => "programs",
            Self::Shell => "shell",
            Self::Network => "network",
            Self::Clock => "clock",
        }
    }
}

/// One check: what was looked at, the verdict, what was found and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What it is about.
    pub area: Area,
    /// What was looked at: a file, a profile, a sign-in, an endpoint.
    pub subject: String,
    /// The verdict.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do (none for a pass).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// How long it took, for what went over the network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

impl Check {
    /// A pass.
    pub fn pass(area: Area, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            area,
            subject: subject.into(),
            status: Status::Pass,
            detail: detail.into(),
            fix: None,
            elapsed_ms: None,
        }
    }

    /// A warning, with its fix.
    pub fn warn(
        area: Area,
        subject: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::pass(area, subject, detail).needing(Status::Warn, fix)
    }

    /// A failure, with its fix.
    pub fn fail(
        area: Area,
        subject: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::pass(area, subject, detail).needing(Status::Fail, fix)
    }

    fn needing(self, status: Status, fix: impl Into<String>) -> Self {
        Self {
            status,
            fix: Some(fix.into()),
            ..self
        }
    }
}

/// Every check made, in the order of [`Area`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The checks.
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// How many checks have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Whether any check failed.
    pub fn failed(&self) -> bool {
        self.count(Status::Fail) > 0
    }
}

/// Where to look: the world of the command, injected (tests give their own).
pub struct Examination<'a> {
    /// The environment.
    pub env: &'a dyn Env,
    /// The platform's path rules.
    pub platform: Platform,
    /// The shared config and credentials files.
    pub locations: FileLocations,
    /// The shared caches (`~/.aws/sso/cache`, `~/.aws/cli/cache`, the lock folder).
    pub cache: TokenCache,
    /// aws-sso-rs's own cache folder (recent profiles, the account directory).
    pub tool_cache_dir: PathBuf,
    /// The folder of `serve`'s token files, if there is one.
    pub runtime_dir: Option<PathBuf>,
    /// The home folder (where the shell's startup files are).
    pub home: PathBuf,
    /// The clock (the sign-ins' time left, the skew against the portal's).
    pub clock: Arc<dyn Clock>,
    /// aws-sso-rs's own settings file (where the storage is set).
    pub settings_file: PathBuf,
    /// The binary's name, in the fixes it suggests (`aws-sso-rs`).
    pub binary: String,
}

/// Every check but the network's (the config, the environment, the sign-ins, the files, the
/// programs, the shell), reading only (but for the keyring's probe item).
pub fn examine(exam: &Examination<'_>) -> Diagnosis {
    let (mut checks, set) = config::checks(exam);
    checks.extend(config::environment(exam, set.as_ref()));
    let storage = files::storage(exam);
    if let Some(set) = &set {
        checks.extend(sign_ins::checks(exam, set, &storage));
    }
    checks.extend(files::checks(exam, storage));
    if let Some(set) = &set {
        checks.extend(config::programs(exam, set));
    }
    checks.extend(shell::checks(exam));
    Diagnosis { checks }
}

/// [`examine`], then (unless `offline`) each endpoint of the config's sign-ins reached once
/// (10 seconds at most each, all at once) and this machine's clock against the portal's.
pub async fn diagnose(exam: &Examination<'_>, offline: bool) -> Diagnosis {
    let mut diagnosis = examine(exam);
    if !offline {
        diagnosis.checks.extend(network::checks(exam).await);
    }
    diagnosis
}
