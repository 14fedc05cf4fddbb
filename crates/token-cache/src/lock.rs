//! Advisory locks that make concurrent processes do one refresh, one fetch or one login.
//!
//! The locks are files in their own folder (never among the `*.json` files the AWS CLI
//! scans), locked with the operating system's advisory file locks (`flock` on Unix,
//! `LockFileEx` on Windows) through the standard library. A lock is released when its
//! [`CacheLock`] is dropped, or by the operating system when the process dies.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, io};
use crate::key::{RoleKey, TokenKey};

/// What a lock guards.
#[derive(Debug, Clone, Copy)]
pub enum LockKey<'a> {
    /// Refreshing or replacing one SSO token.
    Token(&'a TokenKey),
    /// An interactive login for one sign-in (so at most one browser opens).
    Login(&'a TokenKey),
    /// Fetching one role's credentials.
    Role(&'a RoleKey),
}

impl LockKey<'_> {
    fn file_name(&self) -> String {
        match self {
            Self::Token(k) => format!("token-{}.lock", k.hash()),
            Self::Login(k) => format!("login-{}.lock", k.hash()),
            Self::Role(k) => format!("role-{}.lock", k.hash()),
        }
    }
}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct CacheLock {
    file: File,
    path: PathBuf,
}

impl CacheLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for CacheLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes it prompt.
        let _ = self.file.unlock();
    }
}

fn open(dir: &Path, key: LockKey<'_>) -> Result<(File, PathBuf), Error> {
    aws_sso_profile_config::atomic::create_private_dir_all(dir)
        .map_err(|e| io("create", dir, e))?;
    let path = dir.join(key.file_name());
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).map_err(|e| io("open", &path, e))?;
    Ok((file, path))
}

/// Takes the lock, waiting as long as it takes.
pub(crate) fn lock(dir: &Path, key: LockKey<'_>) -> Result<CacheLock, Error> {
    let (file, path) = open(dir, key)?;
    file.lock().map_err(|e| io("lock", &path, e))?;
    Ok(CacheLock { file, path })
}

/// Takes the lock if it is free.
pub(crate) fn try_lock(dir: &Path, key: LockKey<'_>) -> Result<Option<CacheLock>, Error> {
    let (file, path) = open(dir, key)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(CacheLock { file, path })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(io("lock", &path, e)),
    }
}

/// Takes the lock, waiting at most `timeout`.
pub(crate) fn lock_timeout(
    dir: &Path,
    key: LockKey<'_>,
    timeout: Duration,
) -> Result<CacheLock, Error> {
    let (file, path) = open(dir, key)?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(CacheLock { file, path }),
            Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                std::thread::sleep(pause.min(timeout.saturating_sub(start.elapsed())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(ErrorKind::LockTimeout {
                    path,
                    waited: start.elapsed(),
                }
                .into());
            }
            Err(TryLockError::Error(e)) => return Err(io("lock", &path, e)),
        }
    }
}
