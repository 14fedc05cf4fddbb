//! Integration tests of aws-sso-token-cache: a module per topic.
//!
//! Some tests re-run this test binary as child processes (to be killed mid-write, or to
//! compete for a lock); a child knows its part from `AWS_SSO_TEST_CHILD`.

mod atomic_writes;
mod examples;
mod files;
mod formats;
mod locking;

use std::process::{Child, Command};

/// The environment variable that tells a re-run test binary which part to play.
pub const CHILD_ROLE: &str = "AWS_SSO_TEST_CHILD";

/// Starts this test binary as a child running only `test` (its full path) in `role`.
pub fn spawn_child(test: &str, role: &str, envs: &[(&str, &str)]) -> Child {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, role);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.stdout(std::process::Stdio::null());
    cmd.spawn().expect("the test binary can run itself")
}

/// The part this process plays, when it is a child.
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ROLE).ok()
}

/// Child processes that are killed when this value is dropped, so that a failing test never
/// leaves writers running.
pub struct Children(pub Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
