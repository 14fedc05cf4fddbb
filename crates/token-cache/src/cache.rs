//! The cache folders of one home folder: reading, writing and deleting tokens, client
//! registrations and role credentials, the record of a failed sign-in, and the locks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

use aws_sso_profile_config::atomic::write_atomic;

use crate::error::{Error, ErrorKind, io};
use crate::key::{AssumedRoleKey, RegistrationKey, RoleKey, TokenKey};
use crate::lock::{self, CacheLock, LockKey};
use crate::policy::ExpiryPolicy;
use crate::record::{ClientRegistration, RoleCredentials, SsoToken};
use crate::status::TokenStatus;
use crate::timestamp;

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

    /// The assumed-role credential file of `key` (botocore's assume-role cache, in the same
    /// folder as the role credentials, as the AWS CLI keeps it).
    pub fn assumed_role_path(&self, key: &AssumedRoleKey) -> PathBuf {
        self.cli_dir.join(format!("{}.json", key.hash()))
    }

    /// Reads the assumed role's credentials of `key`; `None` when there is no file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], or [`ErrorKind::Corrupt`].
    pub fn load_assumed_role(
        &self,
        key: &AssumedRoleKey,
    ) -> Result<Option<RoleCredentials>, Error> {
        load(
            &self.assumed_role_path(key),
            RoleCredentials::from_assume_role_json,
        )
    }

    /// Writes the assumed role's credentials of `key`, as botocore writes its `AssumeRole`
    /// answer; `assumed_role_arn` is the answer's `AssumedRoleUser.Arn`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn store_assumed_role(
        &self,
        key: &AssumedRoleKey,
        credentials: &RoleCredentials,
        assumed_role_arn: Option<&str>,
    ) -> Result<(), Error> {
        store(
            &self.assumed_role_path(key),
            &credentials.to_assume_role_json(assumed_role_arn),
        )
    }

    /// Deletes the assumed role's credentials of `key`; returns whether there were any.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_assumed_role(&self, key: &AssumedRoleKey) -> Result<bool, Error> {
        remove(&self.assumed_role_path(key))
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

    /// Takes the lock for `key`, waiting at most `timeout`, each pause between attempts
    /// (2 ms doubling to 50 ms) spent in `pause`: an async caller's injected sleeper, so a
    /// task waiting for another process never blocks its thread, and a test's sleeper steps
    /// through the wait without sleeping.
    ///
    /// # Errors
    /// [`ErrorKind::LockTimeout`] once the pauses add up to `timeout`, or [`ErrorKind::Io`].
    pub async fn lock_waiting<F, W>(
        &self,
        key: LockKey<'_>,
        timeout: Duration,
        pause: F,
    ) -> Result<CacheLock, Error>
    where
        F: FnMut(Duration) -> W,
        W: std::future::Future<Output = ()>,
    {
        lock::lock_waiting(&self.lock_dir, key, timeout, pause).await
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
