//! The browser pages, driven over plain HTTP as a form-submitting browser would.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;

use aws_sso_mock::{Approval, MockServer, Scenario};

/// A minimal HTTP/1.1 exchange: returns (status, headers, body).
pub fn http(
    server: &MockServer,
    method: &str,
    path: &str,
    form: Option<&str>,
) -> (u16, HashMap<String, String>, String) {
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let body = form.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn hidden(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    Some(body[start..].split('"').next()?.to_owned())
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Follows `/authorize` through sign-in and consent; returns the code from the redirect.
pub fn authorize_in_browser(
    server: &MockServer,
    client_id: &str,
    redirect: &str,
    state: &str,
    challenge: &str,
) -> Option<String> {
    let path = format!(
        "/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={}",
        enc(client_id),
        enc(redirect),
        enc(state),
        enc(challenge)
    );
    let (status, _, body) = http(server, "GET", &path, None);
    assert_eq!(status, 200, "{body}");
    let id = hidden(&body, "id")?;
    let (status, _, body) = http(
        server,
        "POST",
        "/authorize/signin",
        Some(&format!("id={id}&username=alice&password=x")),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Allow access"));
    let client = body
        .split_once("<b id=\"client\">")
        .and_then(|(_, rest)| rest.split_once("</b>"))
        .map(|(name, _)| name.to_owned())
        .unwrap_or_default();
    assert!(
        !client.is_empty() && body.contains(&format!("<title>Allow {client} to access")),
        "the consent page names the application that asks: {body}"
    );
    let (status, headers, _) = http(
        server,
        "POST",
        "/authorize/decide",
        Some(&format!("id={id}&decision=allow")),
    );
    assert!((300..400).contains(&status));
    let location = headers.get("location")?;
    assert!(location.starts_with(redirect), "{location}");
    assert!(
        location.contains(&format!("state={}", enc(state))),
        "{location}"
    );
    location
        .split("code=")
        .nth(1)
        .map(|c| c.split('&').next().unwrap_or_default().to_owned())
}

#[test]
fn device_pages_ask_for_the_code_then_allow() {
    let server = MockServer::start(Scenario {
        device: aws_sso_mock::scenario::Device {
            approval: Approval::Manual,
            interval: 1,
        },
        ..Scenario::default()
    })
    .expect("start");
    let (_, _, body) = http(&server, "GET", "/device", None);
    assert!(body.contains("Enter the code"));
    let (status, _, body) = http(&server, "GET", "/device?user_code=NOPE-NOPE", None);
    assert_eq!(status, 404);
    assert!(body.contains("not valid"));
    // Make a pending code through the admin side of the state.
    let code = start_device(&server);
    let (status, _, body) = http(
        &server,
        "GET",
        &format!("/device?user_code={}", code.to_ascii_lowercase()),
        None,
    );
    assert_eq!(status, 200);
    assert!(
        body.contains(&code) && body.contains("id=\"allow\""),
        "{body}"
    );
    let (status, _, body) = http(
        &server,
        "POST",
        "/device/decide",
        Some(&format!("user_code={code}&decision=allow")),
    );
    assert_eq!(status, 200);
    assert!(body.contains("Request approved"));
    assert!(server.pending_user_codes().is_empty());
    let (_, _, body) = http(&server, "GET", &format!("/device?user_code={code}"), None);
    assert!(
        body.contains("already"),
        "a used code cannot be approved twice"
    );
}

#[test]
fn denying_on_the_consent_page_redirects_with_access_denied() {
    let server = MockServer::start(Scenario::default()).expect("start");
    let id = register_pkce(&server);
    let path = format!(
        "/authorize?response_type=code&client_id={id}&redirect_uri={}&state=xyz&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=abc",
        enc("http://127.0.0.1:5555/oauth/callback")
    );
    let (_, _, body) = http(&server, "GET", &path, None);
    let pid = hidden(&body, "id").expect("form id");
    http(
        &server,
        "POST",
        "/authorize/signin",
        Some(&format!("id={pid}&username=alice&password=x")),
    );
    let (status, headers, _) = http(
        &server,
        "POST",
        "/authorize/decide",
        Some(&format!("id={pid}&decision=deny")),
    );
    assert!((300..400).contains(&status));
    assert_eq!(
        headers.get("location").map(String::as_str),
        Some(
            "http://127.0.0.1:5555/oauth/callback?error=access_denied&error_description=The+user+denied+access&state=xyz"
        )
    );
    let bad = path.replace("5555%2Foauth%2Fcallback", "5555%2Fevil");
    let (status, _, body) = http(&server, "GET", &bad, None);
    assert_eq!(status, 400, "an unregistered redirect is refused: {body}");
}

fn json_post(server: &MockServer, path: &str, body: &str) -> serde_json::Value {
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    serde_json::from_str(raw.split_once("\r\n\r\n").map_or("", |(_, b)| b)).expect("json")
}

fn start_device(server: &MockServer) -> String {
    let reg = json_post(
        server,
        "/client/register",
        r#"{"clientName":"t","clientType":"public"}"#,
    );
    let body = serde_json::json!({"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], "startUrl": "https://d-XXXXXXXXX.awsapps.com/start"});
    json_post(server, "/device_authorization", &body.to_string())["userCode"]
        .as_str()
        .expect("user code")
        .to_owned()
}

fn register_pkce(server: &MockServer) -> String {
    let reg = json_post(
        server,
        "/client/register",
        r#"{"clientName":"t","clientType":"public","grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://d-XXXXXXXXX.awsapps.com/start"}"#,
    );
    reg["clientId"].as_str().expect("id").to_owned()
}

#[test]
fn console_federation_signs_in_with_issued_credentials() {
    let server = MockServer::start(Scenario {
        device: aws_sso_mock::scenario::Device {
            approval: Approval::Immediate,
            interval: 1,
        },
        ..Scenario::default()
    })
    .expect("start");
    let reg = json_post(
        &server,
        "/client/register",
        r#"{"clientName":"t","clientType":"public"}"#,
    );
    let auth = json_post(
        &server,
        "/device_authorization",
        &serde_json::json!({"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], "startUrl": "https://d-XXXXXXXXX.awsapps.com/start"}).to_string(),
    );
    let token = json_post(
        &server,
        "/token",
        &serde_json::json!({"clientId": reg["clientId"], "clientSecret": reg["clientSecret"], "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": auth["deviceCode"]}).to_string(),
    );
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let req = format!(
        "GET /federation/credentials?account_id=123456789011&role_name=Administrator HTTP/1.1\r\nHost: x\r\nConnection: close\r\nx-amz-sso_bearer_token: {}\r\n\r\n",
        token["accessToken"].as_str().expect("token")
    );
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let creds: serde_json::Value =
        serde_json::from_str(raw.split_once("\r\n\r\n").expect("body").1).expect("json");
    let rc = &creds["roleCredentials"];
    let session = serde_json::json!({"sessionId": rc["accessKeyId"], "sessionKey": rc["secretAccessKey"], "sessionToken": rc["sessionToken"]});

    let (status, _, body) = http(
        &server,
        "GET",
        &format!(
            "/federation?Action=getSigninToken&SessionDuration=3600&Session={}",
            enc(&session.to_string())
        ),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let signin: serde_json::Value = serde_json::from_str(&body).expect("json");
    let signin_token = signin["SigninToken"].as_str().expect("SigninToken");
    let login = format!(
        "/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        enc("https://example.com"),
        enc("https://console.aws.amazon.com/"),
        enc(signin_token)
    );
    let (status, _, page) = http(&server, "GET", &login, None);
    assert_eq!(status, 200);
    assert!(
        page.contains("<b id=\"account\">123456789011</b>")
            && page.contains("<b id=\"role\">Administrator</b>"),
        "{page}"
    );

    let wrong = serde_json::json!({"sessionId": rc["accessKeyId"], "sessionKey": "wrong", "sessionToken": rc["sessionToken"]});
    let (status, _, _) = http(
        &server,
        "GET",
        &format!(
            "/federation?Action=getSigninToken&Session={}",
            enc(&wrong.to_string())
        ),
        None,
    );
    assert_eq!(status, 403, "a wrong key gets no sign-in token");
    let (status, _, _) = http(
        &server,
        "GET",
        &format!(
            "/federation?Action=getSigninToken&SessionDuration=43201&Session={}",
            enc(&session.to_string())
        ),
        None,
    );
    assert_eq!(status, 400, "SessionDuration above 12 hours is refused");
    server.expire_all();
    let (status, _, _) = http(&server, "GET", &login, None);
    assert_eq!(status, 403, "an expired sign-in token is refused");
}
