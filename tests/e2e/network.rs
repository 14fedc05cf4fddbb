//! Networks that misbehave: an endpoint that accepts connections and never answers, one
//! that is down.

use std::time::{Duration, Instant};

use aws_sso_mock::Scenario;

use crate::{stderr, world};

#[test]
fn an_endpoint_that_never_answers_fails_within_30_seconds_and_one_that_is_down_at_once() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Connections land in the listener's backlog and nobody ever answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    let started = Instant::now();
    let out = w
        .cmd(&["credential-process", "--profile", "dev-account-ro"])
        .env("AWS_ENDPOINT_URL_SSO", &url)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&url),
        "names the endpoint: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("timed out"),
        "says why: {}",
        stderr(&out)
    );
    assert!(took < Duration::from_secs(30), "gave up after {took:?}");

    // Nothing listens there: refused, and said at once.
    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let started = Instant::now();
    let out = w
        .cmd(&["whoami", "--profile", "dev-account-admin", "--debug"])
        .env("AWS_ENDPOINT_URL_SSO", &down)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains(&down), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("request: GET").count(),
        1,
        "a refused connection is not retried: {}",
        stderr(&out)
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    drop(silent);
}

#[test]
fn a_token_revoked_on_the_server_means_signing_in_again_without_a_retry_loop() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The cache says the token is valid for hours; the server has revoked it (and its
    // refresh token).
    w.mock.revoke_all();
    let (roles, tokens) = (
        w.mock.count("GetRoleCredentials"),
        w.mock.count("CreateToken"),
    );
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("run: aws-sso-rs login --profile dev-account-ro"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        (
            w.mock.count("GetRoleCredentials") - roles,
            w.mock.count("CreateToken") - tokens
        ),
        (1, 1),
        "one refused call, one refresh attempt, no loop"
    );
}

#[test]
fn with_30_percent_of_portal_calls_failing_cold_credential_process_still_answers() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // From now on, 10 % of the portal's answers are 500s, 10 % throttled (429) and 10 % a
    // connection that breaks off mid-answer.
    w.mock.update_scenario(|s| {
        s.failures.error_rate = 0.1;
        s.failures.throttle_rate = 0.1;
        s.failures.reset_rate = 0.1;
        s.failures.apis = vec!["GetRoleCredentials".into()];
    });
    let role_cache = w.path().join(".aws/cli/cache");
    let mut failed = Vec::new();
    for _ in 0..20 {
        // Cold: no role credentials cached, so every run asks the portal.
        std::fs::remove_dir_all(&role_cache).ok();
        let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
        if !out.status.success() {
            failed.push(stderr(&out));
        }
    }
    assert!(
        failed.len() <= 1,
        "{} of 20 failed: {failed:?}",
        failed.len()
    );
    let calls = w.mock.count("GetRoleCredentials");
    assert!(
        calls > 20,
        "failures were retried: {calls} calls for 20 answers"
    );
}
