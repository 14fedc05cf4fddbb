//! The cache folders of one home folder: reading, writing and deleting tokens, client
//! registrations and role credentials, the record of a failed sign-in, and the locks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use time::OffsetDateTime;

use aws_sso_profile_config::atomic::write_atomic;

use crate::error::{Error, ErrorKind, io};
use crate::key::{AssumedRoleKey, RegistrationKey, RoleKey, TokenKey};
use crate::keyring::{self, KeyringStore};
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
    /// Where the files' contents are kept: `None`, the folders; else the OS keyring.
    keyring: Option<KeyringStore>,
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
    /// With the keyring: entries of the token folder its index lists that the keyring does
    /// not hold (it was cleared or reset, or another keyring answers), by path.
    pub missing: Vec<PathBuf>,
}

/// A file in a cache folder that could not be used.
#[derive(Debug)]
pub struct Unreadable {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub error: Error,
}

/// What [`TokenCache::move_all_to`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    /// Entries written there, read back and removed here.
    pub moved: usize,
    /// Entries the other storage held already (and kept): the copy here, an older stray one,
    /// removed.
    pub stale_removed: usize,
    /// Entries here that could not be read whole (a keyring entry that lost a part): removed.
    pub damaged_removed: usize,
    /// Entries the keyring's index listed that the keyring did not hold: their names dropped.
    pub missing_dropped: usize,
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
            keyring: None,
        }
    }

    /// Caches in explicit folders.
    pub fn with_dirs(sso_dir: PathBuf, cli_dir: PathBuf, lock_dir: PathBuf) -> Self {
        Self {
            sso_dir,
            cli_dir,
            lock_dir,
            keyring: None,
        }
    }

    /// The same caches, their files' contents kept in `keyring` instead of the folders (the
    /// names, paths and locks stay as they are; nothing secret is written to a file).
    #[must_use]
    pub fn in_keyring(mut self, keyring: KeyringStore) -> Self {
        self.keyring = Some(keyring);
        self
    }

    /// The same caches, their contents where `storage` says (aws-sso-rs's settings).
    #[must_use]
    pub fn with_storage(self, storage: aws_sso_profile_config::Storage) -> Self {
        match storage {
            aws_sso_profile_config::Storage::File => Self {
                keyring: None,
                ..self
            },
            aws_sso_profile_config::Storage::Keyring => self.in_keyring(KeyringStore::default()),
        }
    }

    /// Where the secrets are kept, in a few words: `files in ~/.aws/sso/cache and
    /// ~/.aws/cli/cache`, or `the OS keyring, the Secret Service (D-Bus)`.
    pub fn storage_name(&self) -> String {
        match &self.keyring {
            None => format!(
                "files in {} and {}",
                self.sso_dir.display(),
                self.cli_dir.display()
            ),
            Some(_) => format!("the OS keyring, {}", keyring::KEYRING_BACKEND),
        }
    }

    /// Where the secrets are kept, in a person's words, with the setting and what stays in
    /// files.
    pub fn describe_storage(&self) -> String {
        match &self.keyring {
            None => format!(
                "files in {} and {} (storage = \"file\")",
                self.sso_dir.display(),
                self.cli_dir.display()
            ),
            Some(k) => format!(
                "the OS keyring, {}, service {} (storage = \"keyring\"; the locks and the index of item names stay in {})",
                keyring::KEYRING_BACKEND,
                k.service(),
                self.lock_dir.display()
            ),
        }
    }

    /// That the storage can be used: the keyring takes an item and gives it back (item
    /// `probe-<process id>`, which holds no secret, written, read back and deleted: a locked
    /// keyring answers a search for absent items without a word, so only a write proves it
    /// is open); nothing to check for files.
    ///
    /// # Errors
    /// [`ErrorKind::Keyring`]: the keyring cannot be reached, is locked, refused, or gave
    /// back something else.
    pub fn check_storage(&self) -> Result<(), Error> {
        let Some(k) = &self.keyring else {
            return Ok(());
        };
        let name = format!("probe-{}", std::process::id());
        let written = b"aws-sso-rs storage check";
        k.write(&name, written)?;
        let read = k.read(&name);
        let deleted = k.delete(&name);
        let read = read?;
        deleted?;
        if read.as_deref() == Some(&written[..]) {
            Ok(())
        } else {
            Err(ErrorKind::Keyring {
                action: "read",
                item: format!("{}/{name}", k.service()),
                reason: "what was read back differs from what was written".to_owned(),
            }
            .into())
        }
    }

    /// With files as the storage: how many entries the keyring's index still names (left
    /// there when `storage = "file"` was set by hand rather than by `storage migrate`); 0 with
    /// the keyring, or with no index. Reads the index file only, never the keyring.
    ///
    /// # Errors
    /// The index cannot be read or is damaged ([`ErrorKind::KeyringIndex`]): how many is
    /// unknown.
    pub fn left_in_keyring(&self) -> Result<usize, Error> {
        if self.keyring.is_some() {
            return Ok(0);
        }
        keyring::read_index(&self.lock_dir).map(|names| names.len())
    }

    /// Whether a token of `key` is cached (a file, or a keyring item); `true` when the
    /// keyring cannot tell (not reached), so that a caller does not take it for a sign-out.
    pub fn has_token(&self, key: &TokenKey) -> bool {
        match &self.keyring {
            None => self.token_path(key).exists(),
            Some(_) => !matches!(self.read(&self.token_path(key)), Ok(None)),
        }
    }

    /// A fingerprint of the token of `key` as stored (a hash of its bytes), to notice that it
    /// changed (a new sign-in) without parsing it; `None` when there is none.
    pub fn token_fingerprint(&self, key: &TokenKey) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let bytes = self.read(&self.token_path(key)).ok()??;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        Some(hasher.finish())
    }

    /// How the token file of `key` is named in messages: its path, or its keyring item.
    pub fn token_shown(&self, key: &TokenKey) -> PathBuf {
        self.shown(&self.token_path(key))
    }

    /// How a cache file listed by [`TokenCache::tokens`] is named in messages: its path, or
    /// its keyring item.
    pub fn entry_shown(&self, path: &Path) -> PathBuf {
        self.shown(path)
    }

    /// The keyring the contents are kept in, if any.
    pub fn keyring(&self) -> Option<&KeyringStore> {
        self.keyring.as_ref()
    }

    /// How a cache file is named in messages: its path, or its keyring item.
    fn shown(&self, path: &Path) -> PathBuf {
        match &self.keyring {
            None => path.to_owned(),
            Some(k) => PathBuf::from(format!(
                "{}/{} in {}",
                k.service(),
                keyring::item_name(&self.sso_dir, path),
                keyring::KEYRING_BACKEND
            )),
        }
    }

    /// The bytes of cache file `path`; `None` when there is none.
    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, Error> {
        match &self.keyring {
            Some(k) => k.read(&keyring::item_name(&self.sso_dir, path)),
            None => match std::fs::read(path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io("read", path, e)),
            },
        }
    }

    fn load<T>(
        &self,
        path: &Path,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, Error> {
        let Some(bytes) = self.read(path)? else {
            return Ok(None);
        };
        parse_utf8(&bytes)
            .and_then(parse)
            .map(Some)
            .map_err(|reason| {
                ErrorKind::Corrupt {
                    path: self.shown(path),
                    reason,
                }
                .into()
            })
    }

    fn store(&self, path: &Path, json: &str) -> Result<(), Error> {
        let Some(k) = &self.keyring else {
            return write_atomic(path, json.as_bytes(), 0o600).map_err(|e| io("write", path, e));
        };
        let name = keyring::item_name(&self.sso_dir, path);
        // Listed first: an item the index does not name would outlive `logout`; a name whose
        // item was never written is passed over.
        self.change_index(|names| {
            if !names.contains(&name) {
                names.push(name.clone());
            }
        })?;
        k.write(&name, json.as_bytes())
    }

    fn remove(&self, path: &Path) -> Result<bool, Error> {
        let Some(k) = &self.keyring else {
            return match std::fs::remove_file(path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                Err(e) => Err(io("delete", path, e)),
            };
        };
        let name = keyring::item_name(&self.sso_dir, path);
        let removed = k.delete(&name)?;
        self.change_index(|names| names.retain(|n| *n != name))?;
        Ok(removed)
    }

    /// With the keyring, a copy of a token in the file of the same name (`token export`, or
    /// one left from before the keyring) goes when the token goes: a sign-out leaves nothing.
    fn remove_file_copy(&self, path: &Path) -> Result<bool, Error> {
        if self.keyring.is_none() {
            return Ok(false);
        }
        match std::fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io("delete", path, e)),
        }
    }

    /// The cache files of folder `dir` (by path): listed from the folder, or the keyring's
    /// index.
    fn json_files(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        if self.keyring.is_none() {
            return json_files(dir);
        }
        let folder = if dir == self.sso_dir {
            "sso-cache/"
        } else {
            "cli-cache/"
        };
        let index = keyring::read_index(&self.lock_dir)?;
        let mut files: Vec<PathBuf> = index
            .iter()
            .filter_map(|n| n.strip_prefix(folder))
            .map(|file| dir.join(file))
            .collect();
        files.sort();
        Ok(files)
    }

    /// Every cache file's name (its folder's role and its name, as the keyring names it) and
    /// path, in both folders.
    fn every_entry(&self) -> Result<Vec<PathBuf>, Error> {
        // The caches' own names (a SHA-1 in hex), not another tool's file in the folder.
        let ours = |p: &PathBuf| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        };
        let mut all = self.json_files(&self.sso_dir)?;
        all.extend(self.json_files(&self.cli_dir)?);
        all.retain(ours);
        Ok(all)
    }

    /// Moves every entry of this cache (tokens, registrations, role credentials, assumed
    /// roles) to `to` (the same folders in another storage): each is written there and read
    /// back, then removed here. An entry `to` holds already is replaced when `overwrite`
    /// (this storage is the one in use: its copies are the current ones), else kept there
    /// (the storage in use is `to`) and this copy removed. An entry that cannot be read whole
    /// (a keyring entry that lost a part) is of use to no one: removed. Says how many of each.
    ///
    /// # Errors
    /// An entry cannot be read, written or removed: what moved before stays moved, the rest
    /// stays here (running it again goes on).
    pub fn move_all_to(&self, to: &TokenCache, overwrite: bool) -> Result<Moved, Error> {
        let mut done = Moved::default();
        for path in self.every_entry()? {
            let bytes = match self.read(&path) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    if self.keyring.is_some() {
                        self.remove(&path)?;
                        done.missing_dropped += 1;
                    }
                    continue;
                }
                Err(e) if matches!(e.kind(), ErrorKind::Corrupt { .. }) => {
                    self.remove(&path)?;
                    done.damaged_removed += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            // What `to` holds of it: a copy of an entry that lost a part is no copy.
            let there = match to.read(&path) {
                Ok(there) => there,
                Err(e) if matches!(e.kind(), ErrorKind::Corrupt { .. }) => None,
                Err(e) => return Err(e),
            };
            // Kept there when `to` is in use, unless this copy alone can renew the sign-in
            // (a token `token export` wrote holds no refresh token: the keyring's does).
            let renews = |b: &[u8]| String::from_utf8_lossy(b).contains("\"refreshToken\"");
            if !overwrite
                && let Some(there) = there
                && (renews(&there) || !renews(&bytes))
            {
                self.remove(&path)?;
                done.stale_removed += 1;
                continue;
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            to.store(&path, &text)?;
            if to.read(&path)?.as_deref() != Some(bytes.as_slice()) {
                return Err(io(
                    "write",
                    &to.shown(&path),
                    std::io::Error::other("what was read back differs from what was written"),
                ));
            }
            self.remove(&path)?;
            done.moved += 1;
        }
        Ok(done)
    }

    /// Writes the token of `key` to `to` as well (a tool that reads the file needs it),
    /// leaving it here: the access token and its expiry only, never the refresh token or the
    /// client's secret (a tool that refreshed it would spend the refresh token this cache
    /// holds, and they would last in the file for months).
    ///
    /// # Errors
    /// The token cannot be read (damaged) or written.
    pub fn copy_token_to(&self, key: &TokenKey, to: &TokenCache) -> Result<Option<PathBuf>, Error> {
        let Some(mut token) = self.load_token(key)? else {
            return Ok(None);
        };
        token.refresh_token = None;
        token.client_id = None;
        token.client_secret = None;
        token.registration_expires_at = None;
        let path = self.token_path(key);
        to.store(&path, &token.to_json())?;
        Ok(Some(to.shown(&path)))
    }

    /// Changes the keyring's index under its lock.
    fn change_index(&self, change: impl FnOnce(&mut Vec<String>)) -> Result<(), Error> {
        let _lock = self.lock(LockKey::KeyringIndex)?;
        let mut names = keyring::read_index(&self.lock_dir)?;
        change(&mut names);
        keyring::write_index(&self.lock_dir, names)
            .map_err(|e| io("write", &keyring::index_path(&self.lock_dir), e))
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
        self.load(
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
        self.store(
            &self.assumed_role_path(key),
            &credentials.to_assume_role_json(assumed_role_arn),
        )
    }

    /// Deletes the assumed role's credentials of `key`; returns whether there were any.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_assumed_role(&self, key: &AssumedRoleKey) -> Result<bool, Error> {
        self.remove(&self.assumed_role_path(key))
    }

    /// Reads the token of `key`; `None` when there is no file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] or [`ErrorKind::Keyring`], or [`ErrorKind::Corrupt`] when the file is
    /// not a token (or a keyring entry lost a part).
    pub fn load_token(&self, key: &TokenKey) -> Result<Option<SsoToken>, Error> {
        self.load(&self.token_path(key), SsoToken::from_json)
    }

    /// The token of `key` and its state under `policy` at `now`, with a damaged file
    /// reported as such rather than as an error, and a token the service refused
    /// ([`TokenCache::record_refusal`]) as refused.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the file exists but cannot be read (permissions);
    /// [`ErrorKind::Keyring`] when the keyring cannot be reached or is locked. A caller that
    /// lists tokens rather than fail shows either as [`TokenStatus::Unreadable`].
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
        self.store(&self.token_path(key), &token.to_json())?;
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
        let removed =
            self.remove(&self.token_path(key))? | self.remove_file_copy(&self.token_path(key))?;
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
        let removed = self.remove(path)? | self.remove_file_copy(path)?;
        // The file's name is its key's hash: a refusal recorded for it goes too.
        if let Some(hash) = path.file_stem().and_then(|s| s.to_str()) {
            self.clear_refusal_of(hash).ok();
        }
        Ok(removed)
    }

    /// Every SSO token file in the cache folder (files whose JSON has `accessToken`, which is
    /// how the AWS CLI's logout tells them apart), with the files that could not be read (and,
    /// with the keyring, the entries it lost).
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the folder exists but cannot be listed; with the keyring,
    /// [`ErrorKind::Keyring`] (not reached, locked) or [`ErrorKind::KeyringIndex`].
    pub fn tokens(&self) -> Result<TokenListing, Error> {
        let mut listing = TokenListing::default();
        for path in self.json_files(&self.sso_dir)? {
            let bytes = match self.read(&path) {
                Ok(Some(bytes)) => bytes,
                Ok(None) if self.keyring.is_some() => {
                    listing.missing.push(path);
                    continue;
                }
                // A keyring that does not answer is said, never taken for an empty cache.
                Err(e) if matches!(e.kind(), ErrorKind::Keyring { .. }) => return Err(e),
                // An entry kept in parts that lost one: listed as damaged (logout removes it).
                Err(error) if matches!(error.kind(), ErrorKind::Corrupt { .. }) => {
                    listing.unreadable.push(Unreadable { path, error });
                    continue;
                }
                _ => continue,
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
                        path: self.shown(&path),
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
        self.load(&self.registration_path(key), ClientRegistration::from_json)
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
        self.store(&self.registration_path(key), &registration.to_json())
    }

    /// Reads the role credentials of `key`; `None` when there is no file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], or [`ErrorKind::Corrupt`].
    pub fn load_role_credentials(&self, key: &RoleKey) -> Result<Option<RoleCredentials>, Error> {
        self.load(&self.role_credentials_path(key), RoleCredentials::from_json)
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
        self.store(&self.role_credentials_path(key), &credentials.to_json())
    }

    /// Deletes the role credentials of `key`; returns whether there were any.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_role_credentials(&self, key: &RoleKey) -> Result<bool, Error> {
        self.remove(&self.role_credentials_path(key))
    }

    /// Deletes every role-credential file with `"ProviderType": "sso"` and leaves the rest
    /// (assume-role caches and anything else) alone, as `aws sso logout` does. Returns the
    /// deleted paths.
    ///
    /// # Errors
    /// [`ErrorKind::Io`].
    pub fn remove_sso_role_credentials(&self) -> Result<Vec<PathBuf>, Error> {
        let mut removed = Vec::new();
        for path in self.json_files(&self.cli_dir)? {
            let bytes = match self.read(&path) {
                Ok(Some(bytes)) => bytes,
                // A name the keyring lost: it goes from the index.
                Ok(None) if self.keyring.is_some() => {
                    self.remove(&path)?;
                    continue;
                }
                Err(e) if matches!(e.kind(), ErrorKind::Keyring { .. }) => return Err(e),
                // An entry of the keyring that lost a part is of use to no one (every entry
                // there is aws-sso-rs's own): it goes.
                Err(e) if matches!(e.kind(), ErrorKind::Corrupt { .. }) => {
                    if self.remove(&path)? {
                        removed.push(path);
                    }
                    continue;
                }
                _ => continue,
            };
            let text = String::from_utf8_lossy(&bytes);
            let is_sso = serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| v.get("ProviderType").and_then(|p| p.as_str()) == Some("sso"));
            if is_sso && self.remove(&path)? {
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
        // A record of the lock folder: a file whatever the storage (it holds no secret).
        match std::fs::remove_file(self.login_failure_path(key)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io("delete", &self.login_failure_path(key), e)),
        }
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
