//! The one error type of this crate.

use std::path::PathBuf;
use std::time::Duration;

/// An error from reading or writing a cache file or taking a lock.
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
    /// A file or folder could not be read or written.
    #[error("cannot {action} {}: {source}; check that you own ~/.aws and may write to it", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A cache file is not what it should be.
    #[error("the cache file {} is damaged ({reason}); delete it, or replace it by signing in again (aws-sso-rs login)", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong (never the file's contents, which may hold secrets).
        reason: String,
    },
    /// The OS keyring (`storage = "keyring"`) cannot be reached, is locked, or refused.
    #[error(
        "cannot {action} {item} in {}: {reason}; start and unlock the keyring of this session (on Linux a Secret Service such as gnome-keyring-daemon or KeePassXC, reached over D-Bus), then run the command again; to keep secrets in files instead, run aws-sso-rs storage migrate --to file once the keyring answers (storage = \"file\" set by hand in aws-sso-rs's config.toml leaves what the keyring holds there)",
        crate::keyring::KEYRING_BACKEND
    )]
    Keyring {
        /// What was being done (`read`, `write`, `delete`).
        action: &'static str,
        /// The item (`aws-sso-rs/sso-cache/<hash>.json`).
        item: String,
        /// What failed.
        reason: String,
    },
    /// The index of the keyring's items (`storage = "keyring"`) is not a list of names: which
    /// items are aws-sso-rs's cannot be told.
    #[error(
        "the index of aws-sso-rs's keyring items, {}, is damaged ({reason}): which items are aws-sso-rs's cannot be told; remove them with the keyring's own tool (on Linux: secret-tool clear service aws-sso-rs), then delete the index and sign in again",
        path.display()
    )]
    KeyringIndex {
        /// The index file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Another process held a lock for too long.
    #[error(
        "gave up after {}s waiting for {}, held by another aws-sso-rs process; if none is running, delete that file",
        waited.as_secs(),
        path.display()
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// How long we waited.
        waited: Duration,
    },
}

pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Error {
    ErrorKind::Io {
        action,
        path: path.to_owned(),
        source,
    }
    .into()
}
