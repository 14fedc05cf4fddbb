//! Processes killed at the worst moment (SIGKILL: no clean-up runs): their locks do not block
//! anyone, and every cache file stays the old or the new complete JSON.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use aws_sso_mock::Scenario;
use aws_sso_mock::scenario::Approval;

use crate::{stderr, world};

/// Every `*.json` file under `dir` parses as a JSON object with `keys`.
fn all_whole(dir: &Path, keys: &[&str]) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read(&path).expect("readable");
            let value: serde_json::Value = serde_json::from_slice(&text).unwrap_or_else(|e| {
                panic!(
                    "{} is torn ({e}): {}",
                    path.display(),
                    String::from_utf8_lossy(&text)
                )
            });
            for key in keys {
                assert!(
                    value.pointer(key).is_some(),
                    "{} lacks {key}: {value}",
                    path.display()
                );
            }
            n += 1;
        }
    }
    n
}

#[test]
fn a_login_killed_while_it_holds_the_lock_does_not_block_the_next() {
    let w = world(Scenario::default());
    w.mock
        .update_scenario(|s| s.device.approval = Approval::Manual);
    let mut first = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    // It holds the session's login lock while it waits for the person to approve.
    let deadline = Instant::now() + Duration::from_secs(20);
    while w.mock.pending_user_codes().is_empty() {
        assert!(Instant::now() < deadline, "the first login never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");

    w.mock
        .update_scenario(|s| s.device.approval = Approval::AfterFirstPoll);
    let started = Instant::now();
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("is in progress; waiting"),
        "no wait for the dead process: {}",
        stderr(&out)
    );
    // The device flow itself polls once a second; a stale lock would hold it for a minute.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn killing_refreshes_and_role_fetches_never_leaves_a_torn_or_stuck_cache() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Slow enough answers that kills land in the middle of refreshes and role fetches; the
    // service keeps old refresh tokens valid, so a refresh killed after the service answered
    // does not sign the user out (the case where it does is the botocore test's).
    w.mock.update_scenario(|s| {
        s.refresh.rotate = false;
        s.latency_ms.insert("CreateToken".into(), 15);
        s.latency_ms.insert("GetRoleCredentials".into(), 15);
    });
    let sso = w.path().join(".aws/sso/cache");
    let cli = w.path().join(".aws/cli/cache");
    let mut rounds = 0;
    for round in 0..30u64 {
        // A token due for refresh and no role credentials: the run refreshes, then fetches.
        w.edit_token("my-sso", |t| {
            t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(2)
        });
        if round % 2 == 0 {
            std::fs::remove_dir_all(&cli).ok();
        }
        let mut child = w
            .cmd(&["credential-process", "--profile", "dev-account-ro"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("runs");
        std::thread::sleep(Duration::from_millis(5 + (round * 13) % 60));
        let _ = child.kill();
        let _ = child.wait();
        all_whole(&sso, &[]);
        all_whole(
            &cli,
            &["/Credentials/AccessKeyId", "/Credentials/Expiration"],
        );
        rounds += 1;
    }
    assert_eq!(rounds, 30);
    assert!(
        w.mock.count("CreateToken") > 1,
        "some kills came after a refresh started"
    );
    // Nothing is left locked or half-done: the next run answers at once.
    let started = Instant::now();
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(10));
    let token = w
        .cache()
        .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
        .expect("a whole token file")
        .expect("a token");
    assert!(w.mock.token_is_valid(token.access_token.expose()));
    assert!(
        all_whole(&sso, &[]) >= 2,
        "the token and the client registration are there"
    );
}
