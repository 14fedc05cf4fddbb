//! Advisory locks that make concurrent processes do one refresh, one fetch or one login.
//!
//! The locks are files in their own folder (never among the `*.json` files the AWS CLI
//! scans), locked with the operating system's advisory file locks (`flock` on Unix,
//! `LockFileEx` on Windows) through the standard library. A lock is released when its
//! [`CacheLock`] is dropped, or by the operating system when the process dies.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, ErrorKind, io};
use crate::key::{AssumedRoleKey, RoleKey, TokenKey};

/// What a lock guards.
#[derive(Debug, Clone, Copy)]
pub enum LockKey<'a> {
    /// Refreshing or replacing one SSO token.
    Token(&'a TokenKey),
    /// An interactive login for one sign-in (so at most one browser opens).
    Login(&'a TokenKey),
    /// Fetching one role's credentials.
    Role(&'a RoleKey),
    /// Assuming one role (one link of a `source_profile` chain).
    AssumedRole(&'a AssumedRoleKey),
    /// Changing the index of the keyring's items.
    KeyringIndex,
}

impl LockKey<'_> {
    fn file_name(&self) -> String {
        match self {
            Self::Token(k) => format!("token-{}.lock", k.hash()),
            Self::Login(k) => format!("login-{}.lock", k.hash()),
            Self::Role(k) => format!("role-{}.lock", k.hash()),
            Self::AssumedRole(k) => format!("assume-{}.lock", k.hash()),
            Self::KeyringIndex => "keyring-index.lock".to_owned(),
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

/// The pauses between attempts to take a lock another process holds: 2 ms, doubling up to
/// 50 ms, until `timeout` is spent. The time waited is the sum of the pauses, so a test's
/// sleeper that returns at once still sees the same schedule and the same time-out.
struct Schedule {
    timeout: Duration,
    waited: Duration,
    pause: Duration,
}

impl Schedule {
    fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            waited: Duration::ZERO,
            pause: Duration::from_millis(2),
        }
    }

    /// The next pause, or `None` once `timeout` is spent.
    fn next(&mut self) -> Option<Duration> {
        let left = self
            .timeout
            .checked_sub(self.waited)
            .filter(|l| !l.is_zero())?;
        let pause = self.pause.min(left);
        self.waited += pause;
        self.pause = (self.pause * 2).min(Duration::from_millis(50));
        Some(pause)
    }
}

/// One attempt: whether the lock was taken.
fn attempt(file: &File, path: &Path) -> Result<bool, Error> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(io("lock", path, e)),
    }
}

/// Takes the lock, waiting at most `timeout` (in the thread).
pub(crate) fn lock_timeout(
    dir: &Path,
    key: LockKey<'_>,
    timeout: Duration,
) -> Result<CacheLock, Error> {
    let (file, path) = open(dir, key)?;
    let mut schedule = Schedule::new(timeout);
    loop {
        if attempt(&file, &path)? {
            return Ok(CacheLock { file, path });
        }
        match schedule.next() {
            Some(pause) => std::thread::sleep(pause),
            None => {
                return Err(ErrorKind::LockTimeout {
                    path,
                    waited: schedule.waited,
                }
                .into());
            }
        }
    }
}

/// Takes the lock, waiting at most `timeout` through `pause` (an async sleeper's).
pub(crate) async fn lock_waiting<F, W>(
    dir: &Path,
    key: LockKey<'_>,
    timeout: Duration,
    mut pause: F,
) -> Result<CacheLock, Error>
where
    F: FnMut(Duration) -> W,
    W: std::future::Future<Output = ()>,
{
    let (file, path) = open(dir, key)?;
    let mut schedule = Schedule::new(timeout);
    loop {
        if attempt(&file, &path)? {
            return Ok(CacheLock { file, path });
        }
        match schedule.next() {
            Some(p) => pause(p).await,
            None => {
                return Err(ErrorKind::LockTimeout {
                    path,
                    waited: schedule.waited,
                }
                .into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pauses_grow_to_50_ms_and_add_up_to_the_time_out() {
        let mut schedule = Schedule::new(Duration::from_millis(200));
        let pauses: Vec<u64> = std::iter::from_fn(|| schedule.next())
            .map(|p| u64::try_from(p.as_millis()).expect("small"))
            .collect();
        assert_eq!(pauses, [2, 4, 8, 16, 32, 50, 50, 38]);
        assert_eq!(schedule.waited, Duration::from_millis(200));
        assert_eq!(Schedule::new(Duration::ZERO).next(), None);
    }
}
