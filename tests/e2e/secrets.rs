//! No secret in any process's arguments: what `ps` shows to every user of the machine.

use std::process::Stdio;
use std::time::{Duration, Instant};

use aws_sso_mock::Scenario;
use aws_sso_mock::scenario::Approval;

use crate::{stderr, world};

/// The command lines of every process on the machine (Linux `/proc`).
fn all_command_lines() -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|raw| String::from_utf8_lossy(&raw).replace('\0', " "))
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn no_token_or_key_shows_in_any_process_arguments() {
    let w = world(Scenario::default());
    w.mock
        .update_scenario(|s| s.device.approval = Approval::Manual);
    // A login waiting for approval, then programs run with credentials (exec, the credential
    // server), watched while they run.
    let mut login = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("login runs");
    let deadline = Instant::now() + Duration::from_secs(20);
    while w.mock.pending_user_codes().is_empty() {
        assert!(Instant::now() < deadline, "the login never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut seen = all_command_lines();
    for code in w.mock.pending_user_codes() {
        w.mock.approve(&code);
    }
    assert!(login.wait().expect("login ends").success());

    for args in [
        &["exec", "--profile", "dev-account-ro", "--", "sleep", "1"][..],
        &[
            "exec",
            "--server",
            "--profile",
            "dev-account-ro",
            "--",
            "sleep",
            "1",
        ][..],
    ] {
        let child = w
            .cmd(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("exec runs");
        std::thread::sleep(Duration::from_millis(500));
        seen.extend(all_command_lines());
        let out = child.wait_with_output().expect("ends");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let secrets = w.mock.issued_secrets();
    assert!(
        secrets.len() >= 4,
        "the mock issued tokens and keys: {}",
        secrets.len()
    );
    for line in &seen {
        for secret in &secrets {
            assert!(
                !line.contains(secret.as_str()),
                "a secret in a command line: {line}"
            );
        }
    }
    assert!(
        seen.iter()
            .any(|l| l.contains("aws-sso-rs") && l.contains("exec")),
        "the processes were seen"
    );
}
