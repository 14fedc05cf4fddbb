//! Cross-process single flight: the first process does the work, the others wait and reuse it.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use aws_sso_token_cache::{ErrorKind, LockKey, RoleKey, TokenCache};

use crate::{child_role, spawn_child};

const TEST: &str = "locking::concurrent_processes_fetch_once_and_reuse";

fn log(path: &Path, line: &str) {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open log");
    writeln!(f, "{line}").expect("append to log");
}

/// One competitor: under the lock, reuse the result if it is there, else "fetch" it.
fn competitor(home: &Path) {
    let cache = TokenCache::new(home);
    let key = RoleKey::new(
        "123456789011",
        "ReadOnly",
        Some("dev"),
        "https://d-1.awsapps.com/start",
    );
    let _lock = cache.lock(LockKey::Role(&key)).expect("lock");
    let result = home.join("result");
    if result.exists() {
        log(&home.join("log"), "reused");
    } else {
        std::thread::sleep(Duration::from_millis(100));
        std::fs::write(&result, "credentials").expect("write result");
        log(&home.join("log"), "fetched");
    }
}

#[test]
fn concurrent_processes_fetch_once_and_reuse() {
    if let Some(home) = child_role().filter(|r| r.starts_with('/')) {
        competitor(Path::new(&home));
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let home_str = home.path().to_str().expect("utf-8 path");
    let children: Vec<_> = (0..8).map(|_| spawn_child(TEST, home_str, &[])).collect();
    for mut c in children {
        assert!(
            c.wait().expect("child ran").success(),
            "a competitor failed"
        );
    }
    let log = std::fs::read_to_string(home.path().join("log")).expect("log written");
    let fetched = log.lines().filter(|l| *l == "fetched").count();
    let reused = log.lines().filter(|l| *l == "reused").count();
    assert_eq!((fetched, reused), (1, 7), "log:\n{log}");
}

#[test]
fn a_held_lock_times_out_with_a_clear_message() {
    let home = tempfile::tempdir().expect("temp home");
    let cache = TokenCache::new(home.path());
    let key = aws_sso_token_cache::TokenKey::new("dev");
    let held = cache.lock(LockKey::Login(&key)).expect("first lock");
    assert!(
        cache.try_lock(LockKey::Login(&key)).expect("try").is_none(),
        "the lock is exclusive"
    );
    assert!(
        cache.try_lock(LockKey::Token(&key)).expect("try").is_some(),
        "other keys are independent"
    );
    let err = cache
        .lock_timeout(LockKey::Login(&key), Duration::from_millis(100))
        .expect_err("held");
    assert!(matches!(err.kind(), ErrorKind::LockTimeout { .. }));
    assert!(
        err.to_string().contains(&held.path().display().to_string()),
        "{err}"
    );
    drop(held);
    cache
        .lock_timeout(LockKey::Login(&key), Duration::from_millis(100))
        .expect("free again");
}
