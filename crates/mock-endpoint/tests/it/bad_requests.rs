//! Malformed and hostile requests get the real error shapes and never crash the server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use aws_sso_mock::{MockServer, Scenario};

fn raw(server: &MockServer, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn post(path: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!("POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn a_batch_of_bad_requests_gets_real_errors() {
    let server = MockServer::start(Scenario::default()).expect("start");
    let json = "application/json";
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (post("/token", json, "{not json"), "400", "InvalidRequestException"),
        (post("/token", json, "[]"), "400", "InvalidRequestException"),
        (post("/token", json, r#"{"clientId":"x","clientSecret":"y","grantType":"refresh_token","refreshToken":"z"}"#), "401", "InvalidClientException"),
        (post("/token", json, r#"{"clientId":5}"#), "400", "InvalidRequestException"),
        (post("/client/register", json, r#"{"clientName":"t"}"#), "400", "InvalidRequestException"),
        (post("/client/register", json, r#"{"clientName":"t","clientType":"confidential"}"#), "400", "InvalidClientMetadataException"),
        (post("/client/register", json, r#"{"clientName":"t","clientType":"public","grantTypes":["implicit"]}"#), "400", "UnsupportedGrantTypeException"),
        (post("/client/register", json, r#"{"clientName":"t","clientType":"public","redirectUris":["javascript:x"]}"#), "400", "InvalidRedirectUriException"),
        (post("/device_authorization", json, r#"{"clientId":"x","clientSecret":"y","startUrl":"https://x"}"#), "401", "InvalidClientException"),
        (post("/device_authorization", json, "\"a string\""), "400", "InvalidRequestException"),
        (b"GET /federation/credentials?account_id=1&role_name=r HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), "401", "UnauthorizedException"),
        (b"GET /federation/credentials HTTP/1.1\r\nHost: x\r\nx-amz-sso_bearer_token: t\r\nConnection: close\r\n\r\n".to_vec(), "400", "InvalidRequestException"),
        (b"GET /assignment/roles HTTP/1.1\r\nHost: x\r\nx-amz-sso_bearer_token: t\r\nConnection: close\r\n\r\n".to_vec(), "400", "InvalidRequestException"),
        (b"GET /assignment/accounts?max_result=0 HTTP/1.1\r\nHost: x\r\nx-amz-sso_bearer_token: t\r\nConnection: close\r\n\r\n".to_vec(), "401", "UnauthorizedException"),
        (post("/logout", json, ""), "401", "UnauthorizedException"),
        (post("/", "application/x-www-form-urlencoded", "Action=GetCallerIdentity&Version=2011-06-15"), "403", "MissingAuthenticationToken"),
        (post("/", "application/x-www-form-urlencoded", "Action=GetSessionToken"), "400", "InvalidAction"),
        (post("/", "application/x-www-form-urlencoded", "Action=AssumeRole&RoleArn=arn:aws:iam::222222222222:role/R"), "403", "MissingAuthenticationToken"),
        (b"GET /federation?Action=getSigninToken&Session=%7Bbroken HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), "400", "not JSON"),
        (b"GET /federation?Action=getSigninToken&SessionDuration=60&Session=%7B%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), "400", "SessionDuration"),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), "404", "aws-sso-mock has no GET /nowhere"),
        (b"GARBAGE\r\n\r\n".to_vec(), "400", ""),
        (b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{".to_vec(), "", ""),
        (vec![0xff, 0xfe, 0x00, b'\r', b'\n', b'\r', b'\n'], "", ""),
    ];
    for (request, status, needle) in &cases {
        let answer = raw(&server, request);
        if !status.is_empty() {
            let status_line = answer.lines().next().unwrap_or_default();
            assert!(
                status_line.contains(status),
                "{:?} answered {status_line:?}",
                String::from_utf8_lossy(request)
            );
        }
        assert!(
            answer.contains(needle),
            "{:?} answered {answer}",
            String::from_utf8_lossy(request)
        );
    }
    // Still serving after all that.
    let reg = raw(
        &server,
        &post(
            "/client/register",
            json,
            r#"{"clientName":"t","clientType":"public"}"#,
        ),
    );
    assert!(reg.starts_with("HTTP/1.1 200"), "{reg}");
    let portal_error = raw(&server, &post("/logout", json, ""));
    let body: serde_json::Value =
        serde_json::from_str(portal_error.split("\r\n\r\n").nth(1).unwrap_or_default())
            .expect("json");
    assert_eq!(
        body["__type"],
        "com.amazonaws.switchboard.portal#UnauthorizedException"
    );
    assert_eq!(body["message"], "Session token not found or invalid");
    assert!(
        portal_error
            .to_ascii_lowercase()
            .contains("x-amzn-errortype: unauthorizedexception:"),
        "{portal_error}"
    );
}
