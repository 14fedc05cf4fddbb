//! The device flow's timing rules, with a clock that moves only when the flow sleeps.

use std::time::Duration;

use aws_sso_device_auth::{ApiError, DeviceFlow, ErrorKind};
use aws_sso_token_cache::Secret;

use crate::fake::{FakeClock, ScriptedApi, tokens};

async fn run(
    api: &ScriptedApi<'_>,
    clock: &FakeClock,
) -> Result<aws_sso_device_auth::Tokens, aws_sso_device_auth::Error> {
    let mut flow = DeviceFlow::start(
        api,
        "cid",
        &Secret::new("cs"),
        "https://d-1.awsapps.com/start",
        clock,
    )
    .await?;
    flow.wait(api, clock, clock).await
}

#[tokio::test]
async fn polls_every_interval_and_slow_down_adds_five_seconds() {
    let clock = FakeClock::new();
    let api = ScriptedApi::new(
        &clock,
        vec![
            Err(ApiError::AuthorizationPending),
            Err(ApiError::SlowDown),
            Err(ApiError::AuthorizationPending),
            Ok(tokens("t")),
        ],
    );
    let got = run(&api, &clock).await.expect("token");
    assert_eq!(got.access_token.expose(), "t");
    let secs: Vec<u64> = clock
        .sleeps
        .lock()
        .expect("lock")
        .iter()
        .map(Duration::as_secs)
        .collect();
    assert_eq!(secs, [1, 1, 6, 6], "one second, then six after slow_down");
    assert_eq!(api.calls.lock().expect("lock").len(), 4);
}

#[tokio::test]
async fn the_deadline_is_honoured() {
    let clock = FakeClock::new();
    let mut api = ScriptedApi::new(&clock, vec![]);
    api.expires_in = 10;
    api.interval = 3;
    let err = run(&api, &clock).await.expect_err("never approved");
    assert!(matches!(err.kind(), ErrorKind::Expired { .. }), "{err}");
    assert_eq!(
        clock.elapsed(),
        Duration::from_secs(10),
        "waits exactly until the code expires"
    );
    let calls = api.calls.lock().expect("lock");
    assert_eq!(calls.len(), 4, "polls at 3, 6, 9 and 10 seconds");
    assert!(err.to_string().contains("run the login again"), "{err}");
}

#[tokio::test]
async fn denied_and_expired_end_the_flow_with_clear_messages() {
    let clock = FakeClock::new();
    let api = ScriptedApi::new(
        &clock,
        vec![
            Err(ApiError::AuthorizationPending),
            Err(ApiError::AccessDenied),
        ],
    );
    let err = run(&api, &clock).await.expect_err("denied");
    assert!(matches!(err.kind(), ErrorKind::Denied));
    assert!(err.to_string().contains("denied in the browser"), "{err}");

    let clock = FakeClock::new();
    let api = ScriptedApi::new(&clock, vec![Err(ApiError::ExpiredToken)]);
    assert!(matches!(
        run(&api, &clock).await.expect_err("expired").kind(),
        ErrorKind::Expired { .. }
    ));

    let clock = FakeClock::new();
    let api = ScriptedApi::new(&clock, vec![Err(ApiError::InvalidGrant("used".into()))]);
    assert!(matches!(
        run(&api, &clock).await.expect_err("grant").kind(),
        ErrorKind::InvalidGrant(_)
    ));
}

#[tokio::test]
async fn a_plain_http_verification_page_is_refused() {
    let clock = FakeClock::new();
    let mut api = ScriptedApi::new(&clock, vec![Ok(tokens("t"))]);
    api.verification_uri = "http://device.example.com/".into();
    let err = run(&api, &clock).await.expect_err("insecure");
    assert!(matches!(err.kind(), ErrorKind::InsecureUrl(_)), "{err}");
    assert!(
        api.calls.lock().expect("lock").is_empty(),
        "nothing is polled"
    );
}
