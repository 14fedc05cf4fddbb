//! The real botocore cannot tell aws-sso-mock from IAM Identity Center for the calls we make.

use aws_sso_e2e::TempHome;
use aws_sso_mock::{MockServer, Scenario};

#[test]
fn botocore_drives_every_endpoint() {
    aws_sso_e2e::require_botocore!();
    let server = MockServer::start(Scenario::default()).expect("start the mock");
    let home = TempHome::new();
    let mut env: Vec<(String, String)> = server.env();
    env.push(("MOCK_URL".into(), server.url().into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let seen = home.run_python("tests/compat/botocore_mock.py", &[], &env);

    // Device flow: pending first, slow_down when polling too fast, then a token.
    assert_eq!(seen["register.expires_after_issue"], true);
    assert_eq!(seen["device.interval"], 1);
    assert_eq!(seen["device.complete_has_code"], true);
    assert_eq!(seen["device.first_poll"], "AuthorizationPendingException");
    assert_eq!(seen["device.first_poll.status"], 400);
    assert_eq!(seen["device.fast_poll"], "SlowDownException");
    assert_eq!(seen["device.token_type"], "Bearer");
    assert_eq!(seen["device.expires_in"], 28_800);
    assert_eq!(seen["device.has_refresh"], true);

    // Each OIDC error arrives as botocore's exception class for it.
    assert_eq!(seen["error.invalid_client"], "InvalidClientException");
    assert_eq!(seen["error.invalid_client.status"], 401);
    assert_eq!(seen["error.invalid_grant"], "InvalidGrantException");
    assert_eq!(
        seen["error.unsupported_grant"],
        "UnsupportedGrantTypeException"
    );
    assert_eq!(seen["error.invalid_scope"], "InvalidScopeException");
    assert_eq!(seen["error.invalid_request"], "InvalidRequestException");
    assert_eq!(seen["error.access_denied"], "AccessDeniedException");
    assert_eq!(seen["error.expired_token"], "ExpiredTokenException");
    assert_eq!(seen["portal.expired_token"], "UnauthorizedException");

    // Refresh tokens rotate; PKCE returns the state and checks the verifier.
    assert_eq!(seen["refresh.new_access"], true);
    assert_eq!(seen["refresh.reuse"], "InvalidGrantException");
    assert_eq!(seen["pkce.state"], "st");
    assert_eq!(seen["pkce.wrong_verifier"], "InvalidGrantException");
    assert_eq!(seen["pkce.has_refresh"], true);

    // The portal: paginated accounts, roles, credentials with an epoch-millisecond expiry.
    assert_eq!(
        seen["portal.accounts"],
        serde_json::json!(["123456789011", "210987654321"])
    );
    assert_eq!(
        seen["portal.roles"],
        serde_json::json!(["ReadOnly", "Administrator"])
    );
    let ahead = seen["portal.expiration_ms_ahead"].as_i64().expect("number");
    assert!((3_500_000..=3_600_000).contains(&ahead), "{ahead}");
    assert_eq!(seen["portal.forbidden.code"], "ForbiddenException");
    assert_eq!(seen["portal.forbidden.status"], 403);

    // STS accepts botocore's signature with the right secret and refuses a wrong one.
    assert_eq!(seen["sts.account"], "123456789011");
    let arn = seen["sts.arn"].as_str().expect("arn");
    assert!(
        arn.starts_with("arn:aws:sts::123456789011:assumed-role/AWSReservedSSO_ReadOnly_")
            && arn.ends_with("/alice"),
        "{arn}"
    );
    assert_eq!(seen["sts.wrong_secret.code"], "SignatureDoesNotMatch");
    assert_eq!(seen["sts.wrong_secret.status"], 403);

    // Logout revokes the token.
    assert_eq!(seen["portal.after_logout"], "UnauthorizedException");
    assert_eq!(seen["portal.after_logout.status"], 401);

    assert_eq!(server.count("Logout"), 1);
    assert!(server.count("CreateToken") >= 10);
}
