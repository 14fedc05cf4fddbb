//! The caches the AWS CLI v2 and botocore keep for IAM Identity Center, read and written in
//! exactly their formats, so that aws-sso-rs, the `aws` CLI and every AWS SDK share one
//! sign-in.
//!
//! | what | where | name |
//! |---|---|---|
//! | SSO access token ([`SsoToken`]) | `~/.aws/sso/cache` | [`TokenKey`]: SHA-1 of the sso-session name, or of the start URL for a legacy profile |
//! | OIDC client registration ([`ClientRegistration`]) | `~/.aws/sso/cache` | [`RegistrationKey`] |
//! | role credentials ([`RoleCredentials`]) | `~/.aws/cli/cache` | [`RoleKey`] |
//! | a token the service refused ([`TokenCache::record_refusal`]) | `~/.aws/sso/aws-sso-rs-locks` | `refused-<TokenKey>`: a fingerprint of the refused token |
//!
//! Writes replace a file atomically (temporary file in the same folder, flushed, renamed), so
//! a reader never sees half a file; files are `0600` in `0700` folders. Advisory locks
//! ([`TokenCache::lock`]) let concurrent processes agree that one of them refreshes or fetches
//! while the others wait and then read what it wrote. Secrets are [`Secret`]s, which never
//! print. Time is injected: callers pass `now` to the [`ExpiryPolicy`], and the [`Clock`]
//! trait (with [`SystemClock`], the one place aws-sso-rs reads the real time, and
//! [`ManualClock`] for tests) is the clock every crate of aws-sso-rs takes. Each command
//! reports a token the same way, through [`TokenStatus`], and prints spans of time through
//! [`timestamp::human_duration`].
//!
//! ```
//! use aws_sso_token_cache::{ExpiryPolicy, Secret, SsoToken, TokenCache, TokenKey, TokenState};
//! use time::{Duration, OffsetDateTime};
//!
//! let home = tempfile::tempdir()?;
//! let cache = TokenCache::new(home.path());
//! let key = TokenKey::new("dev"); // the [sso-session dev]
//! assert_eq!(cache.token_path(&key), home.path().join(".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json"));
//!
//! let now = OffsetDateTime::now_utc();
//! let mut token = SsoToken::new(Secret::new("aoa-token"), now + Duration::hours(8));
//! token.start_url = Some("https://d-1234567890.awsapps.com/start".into());
//! token.region = Some("ap-northeast-1".into());
//! cache.store_token(&key, &token)?;
//!
//! let read = cache.load_token(&key)?.expect("just written");
//! assert!(matches!(ExpiryPolicy::default().token_state(&read, now), TokenState::Valid { .. }));
//! assert_eq!(format!("{:?}", read.access_token), "<redacted>");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod clock;
mod error;
mod key;
mod lock;
mod policy;
mod record;
mod refusal;
mod secret;
pub mod timestamp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

use aws_sso_profile_config::atomic::write_atomic;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorKind};
pub use key::{RegistrationKey, RoleKey, TokenKey};
pub use lock::{CacheLock, LockKey};
pub use policy::{ExpiryPolicy, REGISTRATION_REUSE_MARGIN, TokenState};
pub use record::{ClientRegistration, RoleCredentials, SsoToken};
pub use secret::Secret;

use error::io;

/// The cache folders of one home folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCache {
    sso_dir: PathBuf,
    cli_dir: PathBuf,
    lock_dir: PathBuf,
}

/// A token file found in the cache folder.
#[derive(Debug)]
pub struct CachedToken {
    /// The file.
    pub path: PathBuf,
    /// Its token.
    pub token: SsoToken,
}

/// What [`TokenCache::tokens`] found.
#[derive(Debug, Default)]
pub struct TokenListing {
    /// The token files that could be read, by path.
    pub tokens: Vec<CachedToken>,
    /// Token files that could not be used.
    pub unreadable: Vec<Unreadable>,
}

/// What the cache holds for one sign-in: the one classification every command reports.
#[derive(Debug)]
pub enum TokenStatus {
    /// No token file.
    Missing,
    /// A token file that cannot be used: not UTF-8, not JSON, or missing fields.
    Damaged(Error),
    /// A token, and its state at the time asked.
    Present {
        /// The token.
        token: Box<SsoToken>,
        /// Its state.
        state: TokenState,
    },
    /// A token the service refused though it had not expired (revoked on the server): it
    /// cannot be used, whatever its expiry says, until it is refreshed or replaced
    /// ([`TokenCache::record_refusal`]).
    Refused {
        /// The token.
        token: Box<SsoToken>,
        /// When the service refused it.
        at: OffsetDateTime,
    },
}

impl TokenStatus {
    /// The name every command prints: `none`, `damaged`, `valid`, `refresh-due`, `expired`,
    /// `refused`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Missing => "none",
            Self::Damaged(_) => "damaged",
            Self::Present { state, .. } => state.name(),
            Self::Refused { .. } => "refused",
        }
    }

    /// The token, when there is a readable one (a refused one too).
    pub fn token(&self) -> Option<&SsoToken> {
        match self {
            Self::Present { token, .. } | Self::Refused { token, .. } => Some(token),
            _ => None,
        }
    }

    /// Whether a refresh token can renew the sign-in at `now` without a browser: never for a
    /// refused token (no command refreshes it again).
    pub fn refreshable(&self, now: OffsetDateTime) -> bool {
        match self {
            Self::Present { token, .. } => token.can_refresh(now),
            _ => false,
        }
    }

    /// Time left on a token that can be used: `None` for a missing, damaged, expired or
    /// refused one.
    pub fn remaining(&self) -> Option<time::Duration> {
        match self {
            Self::Present { state, .. } => state.remaining(),
            _ => None,
        }
    }
}

/// What [`TokenCache::tighten_folders`] found in a cache folder others can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LooseFolder {
    /// It was `mode` (another tool made it); it is `0700` now.
    Tightened {
        /// The folder.
        path: PathBuf,
        /// Its mode before.
        mode: u32,
    },
    /// It is `mode` and cannot be changed by this user (not ours to change).
    Left {
        /// The folder.
        path: PathBuf,
        /// Its mode.
        mode: u32,
    },
}

impl std::fmt::Display for LooseFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tightened { path, mode } => write!(
                f,
                "the cache folder {} was readable by others (mode {mode:o}); it is now 0700",
                path.display()
            ),
            Self::Left { path, mode } => write!(
                f,
                "the cache folder {} is readable by others (mode {mode:o}) and cannot be changed by you; ask its owner to run: chmod 700 {}",
                path.display(),
                path.display()
            ),
        }
    }
}

/// A file in a cache folder that could not be used.
#[derive(Debug)]
pub struct Unreadable {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub error: Error,
}

impl TokenCache {
    /// The caches under `home`: `.aws/sso/cache`, `.aws/cli/cache`, and this crate's lock
    /// folder `.aws/sso/aws-sso-rs-locks`.
    pub fn new(home: &Path) -> Self {
        let aws = home.join(".aws");
        Self {
            sso_dir: aws.join("sso").join("cache"),
            cli_dir: aws.join("cli").join("cache"),
            lock_dir: aws.join("sso").join("aws-sso-rs-locks"),
        }
    }

    /// Caches in explicit folders.
    pub fn with_dirs(sso_dir: PathBuf, cli_dir: PathBuf, lock_dir: PathBuf) -> Self {
        Self {
            sso_dir,
            cli_dir,
            lock_dir,
        }
    }

    /// Makes the cache folders that exist (tokens, role credentials, locks) private: a folder
    /// that group or others can read or enter (another tool made it `0755`) is set to `0700`,
    /// or reported when that is not this user's to change. The files in them are `0600`
    /// already; this keeps others from even listing them. Nothing on other platforms.
    pub fn tighten_folders(&self) -> Vec<LooseFolder> {
        let mut found = Vec::new();
        #[cfg(unix)]
        for dir in [&self.sso_dir, &self.cli_dir, &self.lock_dir] {
            use std::os::unix::fs::PermissionsExt;
            let Ok(meta) = std::fs::metadata(dir) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o7777;
            if !meta.is_dir() || mode & 0o077 == 0 {
                continue;
            }
            let path = dir.clone();
            match std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
                Ok(()) => found.push(LooseFolder::Tightened { path, mode }),
                Err(_) => found.push(LooseFolder::Left { path, mode }),
            }
        }
        found
    }

    /// The SSO token and registration folder.
    pub fn sso_dir(&self) -> &Path {
        &self.sso_dir
    }

    /// The role-credential folder.
    pub fn cli_dir(&self) -> &Path {
        &self.cli_dir
    }

    /// The lock folder.
    pub fn lock_dir(&self) -> &Path {
        &self.lock_dir
    }

    /// The token file of `key`.
    pub fn token_path(&self, key: &TokenKey) -> PathBuf {
        self.sso_dir.join(format!("{}.json", key.hash()))
    }

    /// The registration file of `key`.
    pub fn registration_path(&self, key: &RegistrationKey) -> PathBuf {
        self.sso_dir.join(format!("{}.json", key.hash()))
    }

    /// The role-credential file of `key`.
    pub fn role_credentials_path(&self, key: &RoleKey) -> PathBuf {
        self.cli_dir.join(format!("{}.json", key.hash()))
    }

    /// Reads the token of `key`; `None` when there is no file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], or [`ErrorKind::Corrupt`] when the file is not a token.
    pub fn load_token(&self, key: &TokenKey) -> Result<Option<SsoToken>, Error> {
        load(&self.token_path(key), SsoToken::from_json)
    }

    /// The token of `key` and its state under `policy` at `now`, with a damaged file
    /// reported as such rather than as an error, and a token the service refused
    /// ([`TokenCache::record_refusal`]) as refused.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the file exists but cannot be read (permissions).
    pub fn token_status(
        &self,
        key: &TokenKey,
        policy: &ExpiryPolicy,
        now: OffsetDateTime,
    ) -> Result<TokenStatus, Error> {
        match self.load_token(key) {
            Ok(None) => Ok(TokenStatus::Missing),
            Ok(Some(token)) => Ok(match self.refused_at(key, &token) {
                Some(at) => TokenStatus::Refused {
                    token: Box::new(token),
                    at,
                },
                None => TokenStatus::Present {
                    state: policy.token_state(&token, now),
                    token: Box::new(token),
                },
            }),
            Err(e) if matches!(e.kind(), ErrorKind::Corrupt { .. }) => Ok(TokenStatus::Damaged(e)),
            Err(e) => Err(e),
        }
    }

    /// Writes the token of `key`, atomically, mode `0600`, and forgets a refusal recorded
    /// for the token it replaces.
    ///
    /// # Errors
    /// [`ErrorKind::Io`]; the previous file is then unchanged.
    pub fn store_token(&self, key: &TokenKey, token: &SsoToken) -> Result<(), Error> {
        store(&self.token_path(key), &token.to_json())?;
        // A record left behind names the old token only, so it no longer applies anyway.
        self.clear_refusal(key).ok();
        Ok(())
    }

    /// Deletes the token of `key` (and a refusal recorded for it); returns whether there was
    /// one.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_token(&self, key: &TokenKey) -> Result<bool, Error> {
        let removed = remove(&self.token_path(key))?;
        self.clear_refusal(key).ok();
        Ok(removed)
    }

    /// Deletes a token file that [`TokenCache::tokens`] listed (and a refusal recorded for
    /// it); returns whether it was there. Paths outside this cache's token folder are
    /// refused.
    ///
    /// # Errors
    /// [`ErrorKind::Io`]; the path is not a token file of this cache.
    pub fn remove_listed_token(&self, path: &Path) -> Result<bool, Error> {
        if path.parent() != Some(self.sso_dir.as_path())
            || path.extension().is_none_or(|x| x != "json")
        {
            return Err(io(
                "delete",
                path,
                std::io::Error::other("not a token file of this cache"),
            ));
        }
        let removed = remove(path)?;
        // The file's name is its key's hash: a refusal recorded for it goes too.
        if let Some(hash) = path.file_stem().and_then(|s| s.to_str()) {
            self.clear_refusal_of(hash).ok();
        }
        Ok(removed)
    }

    /// Every SSO token file in the cache folder (files whose JSON has `accessToken`, which is
    /// how the AWS CLI's logout tells them apart), with the files that could not be read.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the folder exists but cannot be listed.
    pub fn tokens(&self) -> Result<TokenListing, Error> {
        let mut listing = TokenListing::default();
        for path in json_files(&self.sso_dir)? {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let has_token = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| {
                    v.as_object()
                        .map(|o| o.keys().any(|k| k.eq_ignore_ascii_case("accessToken")))
                })
                .unwrap_or(false);
            if !has_token {
                continue;
            }
            match parse_utf8(&bytes).and_then(SsoToken::from_json) {
                Ok(token) => listing.tokens.push(CachedToken { path, token }),
                Err(reason) => {
                    let error = ErrorKind::Corrupt {
                        path: path.clone(),
                        reason,
                    }
                    .into();
                    listing.unreadable.push(Unreadable { path, error });
                }
            }
        }
        Ok(listing)
    }

    /// Reads the registration of `key`; `None` when there is no file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], or [`ErrorKind::Corrupt`].
    pub fn load_registration(
        &self,
        key: &RegistrationKey,
    ) -> Result<Option<ClientRegistration>, Error> {
        load(&self.registration_path(key), ClientRegistration::from_json)
    }

    /// Writes the registration of `key`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn store_registration(
        &self,
        key: &RegistrationKey,
        registration: &ClientRegistration,
    ) -> Result<(), Error> {
        store(&self.registration_path(key), &registration.to_json())
    }

    /// Reads the role credentials of `key`; `None` when there is no file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], or [`ErrorKind::Corrupt`].
    pub fn load_role_credentials(&self, key: &RoleKey) -> Result<Option<RoleCredentials>, Error> {
        load(&self.role_credentials_path(key), RoleCredentials::from_json)
    }

    /// Writes the role credentials of `key`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn store_role_credentials(
        &self,
        key: &RoleKey,
        credentials: &RoleCredentials,
    ) -> Result<(), Error> {
        store(&self.role_credentials_path(key), &credentials.to_json())
    }

    /// Deletes the role credentials of `key`; returns whether there were any.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_role_credentials(&self, key: &RoleKey) -> Result<bool, Error> {
        remove(&self.role_credentials_path(key))
    }

    /// Deletes every role-credential file with `"ProviderType": "sso"` and leaves the rest
    /// (assume-role caches and anything else) alone, as `aws sso logout` does. Returns the
    /// deleted paths.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_sso_role_credentials(&self) -> Result<Vec<PathBuf>, Error> {
        let mut removed = Vec::new();
        for path in json_files(&self.cli_dir)? {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let is_sso = serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| v.get("ProviderType").and_then(|p| p.as_str()) == Some("sso"));
            if is_sso && remove(&path)? {
                removed.push(path);
            }
        }
        Ok(removed)
    }

    /// Records that an interactive sign-in for `key` failed or was abandoned at `now`, so that
    /// [`TokenCache::login_failed_at`] holds back the next one (see
    /// [`ExpiryPolicy::login_cooldown`]). The record lives in this crate's lock folder, never
    /// among the AWS CLI's files.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn record_login_failure(&self, key: &TokenKey, now: OffsetDateTime) -> Result<(), Error> {
        let path = self.login_failure_path(key);
        write_atomic(&path, timestamp::format(now).as_bytes(), 0o600)
            .map_err(|e| io("write", &path, e))
    }

    /// When the last recorded sign-in failure for `key` happened, if one is recorded.
    pub fn login_failed_at(&self, key: &TokenKey) -> Option<OffsetDateTime> {
        let text = std::fs::read_to_string(self.login_failure_path(key)).ok()?;
        timestamp::parse(&text)
    }

    /// Forgets a recorded sign-in failure for `key` (after a sign-in succeeded).
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn clear_login_failure(&self, key: &TokenKey) -> Result<(), Error> {
        remove(&self.login_failure_path(key)).map(|_| ())
    }

    fn login_failure_path(&self, key: &TokenKey) -> PathBuf {
        self.lock_dir.join(format!("login-failed-{}", key.hash()))
    }

    /// Takes the lock for `key`, waiting as long as another process holds it.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the lock file cannot be created or locked.
    pub fn lock(&self, key: LockKey<'_>) -> Result<CacheLock, Error> {
        lock::lock(&self.lock_dir, key)
    }

    /// Takes the lock for `key`, waiting at most `timeout`.
    ///
    /// # Errors
    /// [`ErrorKind::LockTimeout`], or [`ErrorKind::Io`].
    pub fn lock_timeout(&self, key: LockKey<'_>, timeout: Duration) -> Result<CacheLock, Error> {
        lock::lock_timeout(&self.lock_dir, key, timeout)
    }

    /// Takes the lock for `key` if no other process holds it.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn try_lock(&self, key: LockKey<'_>) -> Result<Option<CacheLock>, Error> {
        lock::try_lock(&self.lock_dir, key)
    }
}

fn parse_utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: byte {}", e.valid_up_to()))
}

fn load<T>(path: &Path, parse: fn(&str) -> Result<T, String>) -> Result<Option<T>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", path, e)),
    };
    parse_utf8(&bytes)
        .and_then(parse)
        .map(Some)
        .map_err(|reason| {
            ErrorKind::Corrupt {
                path: path.to_owned(),
                reason,
            }
            .into()
        })
}

fn store(path: &Path, json: &str) -> Result<(), Error> {
    write_atomic(path, json.as_bytes(), 0o600).map_err(|e| io("write", path, e))
}

fn remove(path: &Path) -> Result<bool, Error> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("delete", path, e)),
    }
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io("list", dir, e)),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(all(test, unix))]
mod folder_tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn loose_cache_folders_are_tightened_once() {
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        assert!(cache.tighten_folders().is_empty(), "nothing there yet");
        std::fs::create_dir_all(cache.sso_dir()).expect("mkdir");
        std::fs::set_permissions(cache.sso_dir(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        let found = cache.tighten_folders();
        assert_eq!(
            found,
            [LooseFolder::Tightened {
                path: cache.sso_dir().to_owned(),
                mode: 0o755
            }]
        );
        assert!(found[0].to_string().contains("now 0700"));
        let mode = std::fs::metadata(cache.sso_dir())
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(cache.tighten_folders().is_empty(), "once");
    }
}
