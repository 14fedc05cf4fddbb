//! The AWS SDK for Rust cannot tell the mock from the real services for the calls we make.

use aws_credential_types::Credentials;
use aws_sdk_sso::error::ProvideErrorMetadata;
use aws_sso_mock::{Approval, MockServer, Scenario, s256};

use crate::{runtime, sdk_config};

const START_URL: &str = "https://d-XXXXXXXXX.awsapps.com/start";
const DEVICE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Registers a client and completes the device flow; returns (access, refresh, client id, secret).
async fn device_login(
    server: &MockServer,
    oidc: &aws_sdk_ssooidc::Client,
) -> (String, Option<String>, String, String) {
    let reg = oidc
        .register_client()
        .client_name("test")
        .client_type("public")
        .scopes("sso:account:access")
        .send()
        .await
        .expect("register");
    let (id, secret) = (
        reg.client_id().expect("id").to_owned(),
        reg.client_secret().expect("secret").to_owned(),
    );
    assert!(reg.client_secret_expires_at() > reg.client_id_issued_at());
    let auth = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .expect("start");
    assert_eq!(auth.interval(), 1);
    assert!(
        auth.verification_uri_complete()
            .expect("complete uri")
            .contains(auth.user_code().expect("code"))
    );
    let poll = || {
        oidc.create_token()
            .client_id(&id)
            .client_secret(&secret)
            .grant_type(DEVICE)
            .device_code(auth.device_code().expect("code"))
            .send()
    };
    let first = poll().await.expect_err("pending on the first poll");
    assert!(
        first
            .as_service_error()
            .is_some_and(|e| e.is_authorization_pending_exception()),
        "{first:?}"
    );
    // One interval on the mock's clock: no sleeping.
    server.advance(std::time::Duration::from_millis(1050));
    let token = poll().await.expect("approved on the second poll");
    assert_eq!(token.token_type(), Some("Bearer"));
    assert_eq!(token.expires_in(), 8 * 3600);
    (
        token.access_token().expect("token").to_owned(),
        token.refresh_token().map(str::to_owned),
        id,
        secret,
    )
}

#[test]
fn device_flow_refresh_and_portal_calls() {
    let server = MockServer::start(Scenario::default()).expect("start");
    runtime().block_on(async {
        let config = sdk_config(&server, None);
        let oidc = aws_sdk_ssooidc::Client::new(&config);
        let (access, refresh, id, secret) = device_login(&server, &oidc).await;
        let refresh = refresh.expect("a refresh token for a client with scopes");

        // Refresh rotates: the new refresh token works, the old one no longer does.
        let refresh_call = |rt: String| {
            oidc.create_token()
                .client_id(&id)
                .client_secret(&secret)
                .grant_type("refresh_token")
                .refresh_token(rt)
                .send()
        };
        let renewed = refresh_call(refresh.clone()).await.expect("refresh");
        assert_ne!(renewed.access_token(), Some(access.as_str()));
        let err = refresh_call(refresh)
            .await
            .expect_err("a used refresh token");
        assert!(
            err.as_service_error()
                .is_some_and(|e| e.is_invalid_grant_exception()),
            "{err:?}"
        );
        refresh_call(renewed.refresh_token().expect("rotated").to_owned())
            .await
            .expect("the new one works");

        let sso = aws_sdk_sso::Client::new(&config);
        let accounts: Vec<_> = sso
            .list_accounts()
            .access_token(&access)
            .max_results(1)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .expect("all pages");
        let ids: Vec<_> = accounts.iter().filter_map(|a| a.account_id()).collect();
        assert_eq!(ids, ["123456789011", "210987654321"]);
        let roles = sso
            .list_account_roles()
            .access_token(&access)
            .account_id("123456789011")
            .send()
            .await
            .expect("roles");
        let names: Vec<_> = roles
            .role_list()
            .iter()
            .filter_map(|r| r.role_name())
            .collect();
        assert_eq!(names, ["ReadOnly", "Administrator"]);

        let creds = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("123456789011")
            .role_name("ReadOnly")
            .send()
            .await
            .expect("creds");
        let rc = creds.role_credentials().expect("role credentials");
        assert!(rc.access_key_id().expect("akid").starts_with("ASIA"));
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis() as i64;
        assert!(
            (rc.expiration() - now_ms - 3_600_000).abs() < 60_000,
            "expiration is epoch milliseconds, one hour ahead"
        );

        let forbidden = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("210987654321")
            .role_name("Administrator")
            .send()
            .await
            .expect_err("not assigned");
        assert_eq!(forbidden.code(), Some("ForbiddenException"));

        sso.logout()
            .access_token(&access)
            .send()
            .await
            .expect("logout");
        let after = sso
            .list_accounts()
            .access_token(&access)
            .send()
            .await
            .expect_err("revoked");
        assert!(
            after
                .as_service_error()
                .is_some_and(|e| e.is_unauthorized_exception()),
            "{after:?}"
        );
        assert_eq!(after.message(), Some("Session token not found or invalid"));
    });
    let counters = server.counters();
    assert_eq!(counters.get("RegisterClient"), Some(&1));
    assert_eq!(counters.get("Logout"), Some(&1));
}

#[test]
fn oidc_errors_have_their_types() {
    let server = MockServer::start(Scenario::default()).expect("start");
    server.update_scenario(|s| s.device.approval = Approval::Manual);
    runtime().block_on(async {
        let oidc = aws_sdk_ssooidc::Client::new(&sdk_config(&server, None));
        let bad_client = oidc
            .create_token()
            .client_id("nope")
            .client_secret("x")
            .grant_type(DEVICE)
            .device_code("d")
            .send()
            .await
            .expect_err("unknown client");
        assert!(
            bad_client
                .as_service_error()
                .is_some_and(|e| e.is_invalid_client_exception()),
            "{bad_client:?}"
        );
        assert_eq!(
            bad_client.raw_response().map(|r| r.status().as_u16()),
            Some(401)
        );

        let reg = oidc
            .register_client()
            .client_name("t")
            .client_type("public")
            .send()
            .await
            .expect("register");
        let (id, secret) = (
            reg.client_id().expect("id"),
            reg.client_secret().expect("secret"),
        );
        let unsupported = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type("password")
            .send()
            .await
            .expect_err("grant");
        assert!(
            unsupported
                .as_service_error()
                .is_some_and(|e| e.is_unsupported_grant_type_exception()),
            "{unsupported:?}"
        );
        let scope = oidc
            .register_client()
            .client_name("t")
            .client_type("public")
            .scopes("NOT A SCOPE")
            .send()
            .await
            .expect_err("scope");
        assert!(
            scope
                .as_service_error()
                .is_some_and(|e| e.is_invalid_scope_exception()),
            "{scope:?}"
        );
        let missing = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type(DEVICE)
            .send()
            .await
            .expect_err("no device code");
        assert!(
            missing
                .as_service_error()
                .is_some_and(|e| e.is_invalid_request_exception()),
            "{missing:?}"
        );

        // Polling faster than `interval` earns slow_down; a denied code ends in access_denied.
        let auth = oidc
            .start_device_authorization()
            .client_id(id)
            .client_secret(secret)
            .start_url(START_URL)
            .send()
            .await
            .expect("start");
        let poll = || {
            oidc.create_token()
                .client_id(id)
                .client_secret(secret)
                .grant_type(DEVICE)
                .device_code(auth.device_code().expect("code"))
                .send()
        };
        let pending = poll().await.expect_err("pending");
        assert!(
            pending
                .as_service_error()
                .is_some_and(|e| e.is_authorization_pending_exception())
        );
        let fast = poll().await.expect_err("too fast");
        assert!(
            fast.as_service_error()
                .is_some_and(|e| e.is_slow_down_exception()),
            "{fast:?}"
        );
        assert!(server.deny(auth.user_code().expect("code")));
        server.advance(std::time::Duration::from_millis(1050));
        let denied = poll().await.expect_err("denied");
        assert!(
            denied
                .as_service_error()
                .is_some_and(|e| e.is_access_denied_exception()),
            "{denied:?}"
        );

        let auth = oidc
            .start_device_authorization()
            .client_id(id)
            .client_secret(secret)
            .start_url(START_URL)
            .send()
            .await
            .expect("start");
        server.expire_all();
        let expired = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type(DEVICE)
            .device_code(auth.device_code().expect("code"))
            .send()
            .await
            .expect_err("expired");
        assert!(
            expired
                .as_service_error()
                .is_some_and(|e| e.is_expired_token_exception()),
            "{expired:?}"
        );

        server.expire_registrations();
        let stale = oidc
            .start_device_authorization()
            .client_id(id)
            .client_secret(secret)
            .start_url(START_URL)
            .send()
            .await
            .expect_err("stale");
        assert!(
            stale
                .as_service_error()
                .is_some_and(|e| e.is_invalid_client_exception()),
            "{stale:?}"
        );
    });
}

#[test]
fn pkce_authorization_code_flow() {
    let server = MockServer::start(Scenario::default()).expect("start");
    runtime().block_on(async {
        let oidc = aws_sdk_ssooidc::Client::new(&sdk_config(&server, None));
        let reg = oidc
            .register_client()
            .client_name("pkce")
            .client_type("public")
            .grant_types("authorization_code")
            .grant_types("refresh_token")
            .redirect_uris("http://127.0.0.1/oauth/callback")
            .issuer_url(START_URL)
            .scopes("sso:account:access")
            .send()
            .await
            .expect("register");
        let (id, secret) = (
            reg.client_id().expect("id"),
            reg.client_secret().expect("secret"),
        );
        assert_eq!(
            reg.authorization_endpoint(),
            Some(format!("{}/authorize", server.url()).as_str())
        );
        let verifier = "v".repeat(64);
        let redirect = "http://127.0.0.1:45678/oauth/callback";
        let code = crate::pages::authorize_in_browser(
            &server,
            id,
            redirect,
            "state-123",
            &s256(&verifier),
        )
        .expect("code");
        let wrong = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type("authorization_code")
            .code(&code)
            .redirect_uri(redirect)
            .code_verifier("w".repeat(64))
            .send()
            .await
            .expect_err("wrong verifier");
        assert!(
            wrong
                .as_service_error()
                .is_some_and(|e| e.is_invalid_grant_exception()),
            "{wrong:?}"
        );
        // A code works once, and a failed attempt spends it, as the real service does.
        let code =
            crate::pages::authorize_in_browser(&server, id, redirect, "s2", &s256(&verifier))
                .expect("code");
        let token = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type("authorization_code")
            .code(&code)
            .redirect_uri(redirect)
            .code_verifier(&verifier)
            .send()
            .await
            .expect("token");
        assert!(token.refresh_token().is_some());
        let again = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type("authorization_code")
            .code(&code)
            .redirect_uri(redirect)
            .code_verifier(&verifier)
            .send()
            .await
            .expect_err("reused code");
        assert!(
            again
                .as_service_error()
                .is_some_and(|e| e.is_invalid_grant_exception())
        );
    });
}

#[test]
fn sts_checks_the_signature_against_issued_credentials() {
    let server = MockServer::start(Scenario::default()).expect("start");
    runtime().block_on(async {
        let oidc = aws_sdk_ssooidc::Client::new(&sdk_config(&server, None));
        let (access, ..) = device_login(&server, &oidc).await;
        let sso = aws_sdk_sso::Client::new(&sdk_config(&server, None));
        let rc = sso
            .get_role_credentials()
            .access_token(&access)
            .account_id("123456789011")
            .role_name("ReadOnly")
            .send()
            .await
            .expect("creds");
        let rc = rc.role_credentials().expect("creds");
        let creds = |secret: &str| {
            Credentials::new(
                rc.access_key_id().expect("akid"),
                secret,
                rc.session_token().map(str::to_owned),
                None,
                "test",
            )
        };
        let sts = aws_sdk_sts::Client::new(&sdk_config(
            &server,
            Some(creds(rc.secret_access_key().expect("secret"))),
        ));
        let me = sts
            .get_caller_identity()
            .send()
            .await
            .expect("a correct signature is accepted");
        assert_eq!(me.account(), Some("123456789011"));
        let arn = me.arn().expect("arn");
        assert!(
            arn.starts_with("arn:aws:sts::123456789011:assumed-role/AWSReservedSSO_ReadOnly_")
                && arn.ends_with("/alice"),
            "{arn}"
        );
        let suffix = arn
            .split('_')
            .nth(2)
            .and_then(|s| s.split('/').next())
            .expect("suffix");
        assert!(
            suffix.len() == 16 && suffix.bytes().all(|b| b.is_ascii_hexdigit()),
            "{suffix}"
        );

        let wrong = aws_sdk_sts::Client::new(&sdk_config(&server, Some(creds("not-the-secret"))));
        let err = wrong
            .get_caller_identity()
            .send()
            .await
            .expect_err("a wrong secret is refused");
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
        let unknown = aws_sdk_sts::Client::new(&sdk_config(
            &server,
            Some(Credentials::new(
                "ASIAUNKNOWN",
                "x",
                Some("t".into()),
                None,
                "t",
            )),
        ));
        assert_eq!(
            unknown
                .get_caller_identity()
                .send()
                .await
                .expect_err("unknown key")
                .code(),
            Some("InvalidClientTokenId")
        );
        server.expire_all();
        let expired = sts.get_caller_identity().send().await.expect_err("expired");
        assert_eq!(expired.code(), Some("ExpiredToken"));
    });
}

#[test]
fn throttling_and_injected_failures() {
    let server = MockServer::start(Scenario::default()).expect("start");
    server.update_scenario(|s| {
        s.throttle_rps.insert("ListAccounts".into(), 2);
    });
    runtime().block_on(async {
        let sso = aws_sdk_sso::Client::from_conf(
            aws_sdk_sso::config::Builder::from(&sdk_config(&server, None))
                .retry_config(aws_sdk_sso::config::retry::RetryConfig::disabled())
                .build(),
        );
        let mut codes = Vec::new();
        for _ in 0..4 {
            let e = sso
                .list_accounts()
                .access_token("nope")
                .send()
                .await
                .expect_err("no token");
            codes.push(e.code().unwrap_or_default().to_owned());
        }
        assert_eq!(
            codes,
            [
                "UnauthorizedException",
                "UnauthorizedException",
                "TooManyRequestsException",
                "TooManyRequestsException"
            ]
        );
        server.update_scenario(|s| {
            s.failures.error_rate = 1.0;
            s.failures.apis = vec!["GetRoleCredentials".into()];
        });
        let e = sso
            .get_role_credentials()
            .access_token("x")
            .account_id("123456789011")
            .role_name("R")
            .send()
            .await
            .expect_err("500");
        assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(500));
        server.update_scenario(|s| {
            s.failures.error_rate = 0.0;
            s.failures.reset_rate = 1.0;
        });
        let e = sso
            .get_role_credentials()
            .access_token("x")
            .account_id("123456789011")
            .role_name("R")
            .send()
            .await
            .expect_err("reset");
        assert!(
            e.raw_response().is_none() || e.as_service_error().is_none(),
            "a dropped connection is not a service answer: {e:?}"
        );
    });
    let log = server.log();
    assert!(
        log.iter()
            .any(|l| l.api == "ListAccounts" && l.status == 429)
    );
    assert!(
        log.iter().all(|l| !l.path.contains('?')),
        "the log keeps no query strings"
    );
}

#[test]
fn bulk_scenarios_page_through_every_account() {
    let server = MockServer::start(Scenario::bulk(250, 4)).expect("start");
    server.update_scenario(|s| s.device.approval = Approval::Immediate);
    runtime().block_on(async {
        let config = sdk_config(&server, None);
        let oidc = aws_sdk_ssooidc::Client::new(&config);
        let reg = oidc
            .register_client()
            .client_name("t")
            .client_type("public")
            .send()
            .await
            .expect("register");
        let (id, secret) = (
            reg.client_id().expect("id"),
            reg.client_secret().expect("secret"),
        );
        let auth = oidc
            .start_device_authorization()
            .client_id(id)
            .client_secret(secret)
            .start_url(START_URL)
            .send()
            .await
            .expect("start");
        let token = oidc
            .create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type(DEVICE)
            .device_code(auth.device_code().expect("code"))
            .send()
            .await
            .expect("immediate approval");
        let sso = aws_sdk_sso::Client::new(&config);
        let n = sso
            .list_accounts()
            .access_token(token.access_token().expect("token"))
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await
            .len();
        assert_eq!(n, 252);
    });
    assert_eq!(
        server.count("ListAccounts"),
        13,
        "252 accounts in pages of 20"
    );
}
