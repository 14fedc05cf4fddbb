//! The OS keyring as the store of the caches' secrets (`storage = "keyring"` in aws-sso-rs's
//! settings): the Secret Service over D-Bus on Linux and the BSDs, the Keychain on macOS,
//! the Credential Manager on Windows, through the `keyring` crate. One item per cache file,
//! under service `aws-sso-rs`, named by the file's folder and name (`sso-cache/<hash>.json`,
//! `cli-cache/<hash>.json`), holding the file's JSON as it would be written. The names of the
//! items (hashes, no secret) are listed in an index file in the lock folder, since a keyring
//! cannot be listed the same way everywhere; the locks stay files.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind};

/// The keyring service every item is under.
pub const KEYRING_SERVICE: &str = "aws-sso-rs";

/// The name of the keyring this platform has, for messages.
pub const KEYRING_BACKEND: &str = if cfg!(target_os = "macos") {
    "the macOS Keychain"
} else if cfg!(windows) {
    "the Windows Credential Manager"
} else {
    "the Secret Service (D-Bus)"
};

/// The OS keyring, under one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new(KEYRING_SERVICE)
    }
}

impl KeyringStore {
    /// The keyring, items under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The keyring service of the items.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, name: &str, action: &'static str) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(&self.service, name).map_err(|e| self.failure(action, name, &e))
    }

    fn failure(&self, action: &'static str, name: &str, error: &keyring::Error) -> Error {
        ErrorKind::Keyring {
            action,
            item: format!("{}/{name}", self.service),
            reason: describe(error),
        }
        .into()
    }

    /// The text of item `name`; `None` when there is none.
    pub(crate) fn read(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let entry = self.entry(name, "read")?;
        match entry.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.failure("read", name, &e)),
        }
    }

    /// Writes item `name` (made or replaced).
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.entry(name, "write")?
            .set_secret(bytes)
            .map_err(|e| self.failure("write", name, &e))
    }

    /// Deletes item `name`; whether it was there.
    pub(crate) fn delete(&self, name: &str) -> Result<bool, Error> {
        match self.entry(name, "delete")?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.failure("delete", name, &e)),
        }
    }
}

/// What failed, in a person's words (never the secret: the crate's errors carry none).
fn describe(error: &keyring::Error) -> String {
    match error {
        // The store could not be set up: say why it could not (no D-Bus session...).
        keyring::Error::NoDefaultStore => match keyring::Entry::store_status() {
            Err(cause) => format!("the keyring could not be reached ({cause})"),
            Ok(()) => "the keyring could not be reached".to_owned(),
        },
        keyring::Error::NoStorageAccess(e) => format!("no access to the keyring ({e})"),
        keyring::Error::PlatformFailure(e) => format!("the keyring failed ({e})"),
        other => other.to_string(),
    }
}

/// The item name of a cache file: its folder's role and its name.
pub(crate) fn item_name(sso_dir: &Path, path: &Path) -> String {
    let folder = if path.parent() == Some(sso_dir) {
        "sso-cache"
    } else {
        "cli-cache"
    };
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{folder}/{file}")
}

/// The index of item names, in the lock folder.
pub(crate) fn index_path(lock_dir: &Path) -> PathBuf {
    lock_dir.join("keyring-index.json")
}

/// The item names the index lists (none when there is no index yet).
///
/// # Errors
/// It cannot be read, or is not a list of names (damaged: said, never taken for empty).
pub(crate) fn read_index(lock_dir: &Path) -> std::io::Result<Vec<String>> {
    let text = match std::fs::read_to_string(index_path(lock_dir)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    serde_json::from_str::<Vec<String>>(&text).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("the index of keyring items is damaged ({e}); delete it and sign in again"),
        )
    })
}

/// Writes the index (names sorted, each once).
pub(crate) fn write_index(lock_dir: &Path, mut names: Vec<String>) -> std::io::Result<()> {
    names.sort();
    names.dedup();
    let text = serde_json::to_string(&names).map_err(std::io::Error::other)?;
    aws_sso_profile_config::atomic::create_private_dir_all(lock_dir)?;
    aws_sso_profile_config::atomic::write_atomic(&index_path(lock_dir), text.as_bytes(), 0o600)
}
