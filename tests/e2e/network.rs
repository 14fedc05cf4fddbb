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

#[test]
fn a_sign_in_the_service_refused_is_known_to_every_command_until_login_replaces_it() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The service forgets every token (as after a sign-out elsewhere, or an administrator's
    // revocation); the cache still says hours are left.
    w.mock.revoke_all();
    let out = w.run(&["whoami", "--profile", "dev-account-ro", "--debug"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "has no valid IAM Identity Center sign-in (IAM Identity Center refused it: ended or revoked on the server)"
        ),
        "names the cause: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("run: aws-sso-rs login --profile dev-account-ro"),
        "{}",
        stderr(&out)
    );
    // The debug log says what the refresh attempt was refused for, in the service's words
    // (its `error_description`), never an empty reason.
    assert!(
        stderr(&out).contains(
            "refreshing the refused token of sso-session 'my-sso' failed too: IAM Identity Center refused the token request: The refresh token is expired or was already used"
        ) && !stderr(&out).contains(": ;"),
        "{}",
        stderr(&out)
    );

    // Every command now knows: status and the prompt claim no time left...
    let (row, status) = my_sso_status(&w);
    assert_eq!(row["state"], "refused", "{status}");
    assert!(row["seconds_left"].is_null(), "{status}");
    assert_eq!(
        row["refreshable"], false,
        "no command refreshes a refused token: {status}"
    );
    let table = crate::stdout(&w.run(&["status"]));
    let line = table
        .lines()
        .find(|l| l.starts_with("my-sso "))
        .expect("my-sso line");
    assert!(line.contains(" refused "), "{table}");
    let prompt = w
        .cmd(&["prompt"])
        .env("AWS_PROFILE", "dev-account-ro")
        .output()
        .expect("prompt");
    assert_eq!(crate::stdout(&prompt).trim(), "dev-account-ro refused");
    let warning = w
        .cmd(&["prompt", "--format", "{warning}"])
        .env("AWS_PROFILE", "dev-account-ro")
        .output()
        .expect("prompt");
    assert!(
        crate::stdout(&warning).contains("run: aws-sso-rs login --sso-session my-sso"),
        "{}",
        crate::stdout(&warning)
    );
    // ...and a credential request asks for a sign-in without calling the service again.
    let calls = (
        w.mock.count("GetRoleCredentials"),
        w.mock.count("CreateToken"),
    );
    let out = w.run(&["credential-process", "--profile", "dev-account-admin"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(
        (
            w.mock.count("GetRoleCredentials"),
            w.mock.count("CreateToken")
        ),
        calls,
        "no call for a sign-in known to be refused"
    );

    // The login it names signs in again, without --force.
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Signed in to") && !stderr(&out).contains("Already signed in"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&["whoami", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let prompt = w
        .cmd(&["prompt", "--format", "{state}"])
        .env("AWS_PROFILE", "dev-account-ro")
        .output()
        .expect("prompt");
    assert_eq!(crate::stdout(&prompt).trim(), "valid");
}

#[test]
fn an_expired_sign_in_whose_refresh_the_service_refuses_is_known_as_refused() {
    // The morning case: the token expired overnight, and the service's session ended too, so
    // its refresh is refused.
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    w.mock.expire_all();
    w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
    });
    std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).ok();
    let out = w.run(&["whoami", "--profile", "dev-account-ro"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let out = w.run(&["whoami", "--profile", "dev-account-admin"]);
    assert!(
        stderr(&out).contains("(IAM Identity Center refused it: ended or revoked on the server)"),
        "{}",
        stderr(&out)
    );

    let (row, status) = my_sso_status(&w);
    assert_eq!(row["state"], "refused", "{status}");
    assert_eq!(row["refreshable"], false, "{status}");
    let prompt = w
        .cmd(&["prompt", "--format", "{remaining} {warning}"])
        .env("AWS_PROFILE", "dev-account-ro")
        .output()
        .expect("prompt");
    let prompt = crate::stdout(&prompt);
    assert!(
        prompt.starts_with("refused ") && prompt.contains("run: aws-sso-rs login"),
        "not 'renewable', and a warning: {prompt}"
    );
    let calls = w.mock.count("CreateToken");
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(
        w.mock.count("CreateToken"),
        calls,
        "no second refresh attempt"
    );

    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(
        stderr(&out).contains("Signed in to"),
        "signed in again without --force: {}",
        stderr(&out)
    );
}

/// `status --output json`'s row of the sign-in my-sso, and the whole output (for messages).
fn my_sso_status(w: &crate::World) -> (serde_json::Value, String) {
    let status = crate::stdout(&w.run(&["status", "--output", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&status).expect("json");
    let row = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["session"] == "my-sso")
        .expect("my-sso row")
        .clone();
    (row, status)
}
