//! A reader never sees a torn cache file, even when writers are killed mid-write.

use std::time::{Duration, Instant};

use aws_sso_token_cache::{SsoToken, TokenCache, TokenKey};
use time::OffsetDateTime;

use crate::{Children, child_role, spawn_child};

const TEST: &str = "atomic_writes::torn_writes_are_never_seen_when_writers_are_killed";

/// Writes tokens of changing sizes as fast as it can, until killed. Each token records its
/// own length, so a reader can tell a whole file from a mix of two.
fn writer(home: &str) -> ! {
    let cache = TokenCache::new(std::path::Path::new(home));
    let key = TokenKey::new("dev");
    let mut i: usize = 0;
    loop {
        let len = 1 + (i * 7919) % 40_000;
        let mut token = SsoToken::new("x".repeat(len).into(), OffsetDateTime::now_utc());
        token.extra.insert("length".into(), len.into());
        cache.store_token(&key, &token).expect("writer can write");
        i += 1;
    }
}

#[test]
fn torn_writes_are_never_seen_when_writers_are_killed() {
    if let Some(home) = child_role().filter(|r| r.starts_with('/')) {
        writer(&home);
    }
    let home = tempfile::tempdir().expect("temp home");
    let home_str = home.path().to_str().expect("utf-8 temp path").to_owned();
    let cache = TokenCache::new(home.path());
    let key = TokenKey::new("dev");
    let mut reads = 0usize;
    let mut kills = 0usize;
    let deadline = Instant::now() + Duration::from_secs(60);
    while kills < 40 && Instant::now() < deadline {
        let writers = Children((0..2).map(|_| spawn_child(TEST, &home_str, &[])).collect());
        let until = Instant::now() + Duration::from_millis(20 + (kills as u64 * 37) % 80);
        while Instant::now() < until {
            if let Some(token) = cache
                .load_token(&key)
                .expect("every read is a whole token file")
            {
                let want = token
                    .extra
                    .get("length")
                    .and_then(|v| v.as_u64())
                    .expect("length field");
                assert_eq!(
                    token.access_token.expose().len() as u64,
                    want,
                    "a token mixed from two writes"
                );
                reads += 1;
            }
        }
        drop(writers);
        kills += 1;
    }
    assert!(kills >= 20, "only {kills} kill rounds ran");
    assert!(
        reads > 100,
        "the reader saw only {reads} files; the writers did not run"
    );
    // After the last kill the file is still a whole token.
    cache
        .load_token(&key)
        .expect("whole file")
        .expect("a token is there");
}
