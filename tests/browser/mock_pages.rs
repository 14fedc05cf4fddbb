//! The device verification page and the PKCE authorize pages of aws-sso-mock, in a browser.

use std::time::Duration;

use aws_sso_e2e::browser::Browser;
use aws_sso_e2e::http::{Redirect, post_json};
use aws_sso_mock::{Approval, MockServer, Scenario, s256};
use serde_json::json;

const START_URL: &str = "https://d-XXXXXXXXX.awsapps.com/start";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
#[ignore = "needs Chromium and ChromeDriver: cargo xtask ci installs them and runs this"]
fn a_person_enters_the_code_and_allows_the_device() {
    let mut scenario = Scenario::default();
    scenario.device.approval = Approval::Manual;
    let server = MockServer::start(scenario).expect("start the mock");
    let (_, reg) = post_json(
        server.addr(),
        "/client/register",
        &json!({"clientName": "my-laptop-cli", "clientType": "public"}),
    );
    let client = json!({"clientId": reg["clientId"], "clientSecret": reg["clientSecret"]});
    let (_, auth) = post_json(
        server.addr(),
        "/device_authorization",
        &json!({"clientId": client["clientId"], "clientSecret": client["clientSecret"], "startUrl": START_URL}),
    );
    let user_code = auth["userCode"].as_str().expect("user code");

    runtime().block_on(async {
        let browser = Browser::start().await;
        browser
            .client
            .goto(auth["verificationUri"].as_str().expect("uri"))
            .await
            .expect("open the verification page");
        browser
            .find("user_code")
            .await
            .send_keys(user_code)
            .await
            .expect("type the code");
        browser.find("next").await.click().await.expect("next");
        // Wait for the confirmation page itself before reading its heading: right after the
        // click, the entry page may still be the one loaded.
        let shown = browser
            .find("user-code")
            .await
            .text()
            .await
            .expect("code text");
        let heading = browser
            .client
            .find(fantoccini::Locator::Css("h1"))
            .await
            .expect("heading")
            .text()
            .await
            .expect("text");
        assert_eq!(heading, "Allow my-laptop-cli to access your data?");
        assert_eq!(
            shown, user_code,
            "the page shows the code typed in the terminal"
        );
        browser.screenshot("device-confirm").await;
        browser.find("allow").await.click().await.expect("allow");
        let result = browser.find("result").await.text().await.expect("result");
        assert!(result.contains("close this window"), "{result}");
        browser.screenshot("device-approved").await;
        browser.close().await;
    });

    assert!(server.pending_user_codes().is_empty());
    let (status, token) = post_json(
        server.addr(),
        "/token",
        &json!({"clientId": client["clientId"], "clientSecret": client["clientSecret"], "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": auth["deviceCode"]}),
    );
    assert_eq!(status, 200, "{token}");
    assert!(
        token["accessToken"]
            .as_str()
            .is_some_and(|t| t.starts_with("aoa"))
    );
}

#[test]
#[ignore = "needs Chromium and ChromeDriver: cargo xtask ci installs them and runs this"]
fn a_person_signs_in_and_the_browser_lands_on_the_loopback_redirect() {
    let server = MockServer::start(Scenario::default()).expect("start the mock");
    let (_, reg) = post_json(
        server.addr(),
        "/client/register",
        &json!({"clientName": "t", "clientType": "public", "grantTypes": ["authorization_code", "refresh_token"],
                "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": START_URL, "scopes": ["sso:account:access"]}),
    );
    let listener = Redirect::listen();
    let redirect = format!("http://127.0.0.1:{}/oauth/callback", listener.port);
    let verifier = "k".repeat(64);
    let url = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state=the-state&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={}",
        server.url(),
        reg["clientId"].as_str().expect("id"),
        form_encode(&redirect),
        s256(&verifier)
    );
    runtime().block_on(async {
        let browser = Browser::start().await;
        browser
            .client
            .goto(&url)
            .await
            .expect("open the authorize URL");
        browser
            .find("sign-in")
            .await
            .click()
            .await
            .expect("sign in");
        browser.screenshot("pkce-consent").await;
        browser
            .find("allow")
            .await
            .click()
            .await
            .expect("allow access");
        browser.find("done").await;
        browser.close().await;
    });
    let target = listener
        .target(Duration::from_secs(10))
        .expect("the browser reached the loopback listener");
    assert!(target.starts_with("/oauth/callback?code="), "{target}");
    assert!(target.ends_with("&state=the-state"), "{target}");
    let code = target
        .split("code=")
        .nth(1)
        .and_then(|c| c.split('&').next())
        .expect("code");
    let (status, token) = post_json(
        server.addr(),
        "/token",
        &json!({"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], "grantType": "authorization_code",
                "code": code, "redirectUri": redirect, "codeVerifier": verifier}),
    );
    assert_eq!(status, 200, "{token}");
    assert!(token["refreshToken"].is_string());
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
