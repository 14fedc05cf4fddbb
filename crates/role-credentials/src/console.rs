//! The AWS Management Console, as the portal's *Management console* link opens it: by
//! federation with role credentials (`getSigninToken`, then the `login` URL), or through the
//! portal's own shortcut link, which sends no credential anywhere.

use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_sso_profile_config::Endpoint;
use aws_sso_token_cache::RoleCredentials;
use http_body_util::{BodyExt, Limited};

use crate::{Error, ErrorKind};

/// The largest `getSigninToken` answer read (a sign-in token is a few kilobytes).
const MAX_ANSWER: usize = 64 * 1024;

/// The console's host for `region`'s partition.
pub fn console_host(region: &str) -> &'static str {
    let region = region.to_ascii_lowercase();
    if region.starts_with("us-gov-") {
        "console.amazonaws-us-gov.com"
    } else if region.starts_with("cn-") {
        "console.amazonaws.cn"
    } else {
        "console.aws.amazon.com"
    }
}

/// The console page of `service` (its home; the console's home without one) in `region`,
/// in the region's partition: `https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1`.
pub fn console_destination(region: &str, service: Option<&str>) -> String {
    let region = &region.to_ascii_lowercase();
    let host = console_host(region);
    let host = if host == "console.aws.amazon.com" {
        format!("{region}.{host}")
    } else {
        host.to_owned()
    };
    let path = service.map_or("console", |s| s.trim_matches('/'));
    format!(
        "https://{host}/{path}/home?region={}",
        form_urlencoded::byte_serialize(region.as_bytes()).collect::<String>()
    )
}

/// The portal's shortcut link to the console for `account_id` and `role_name`:
/// `<start URL>/#/console?account_id=...&role_name=...&destination=...`. The browser signs in
/// through the portal; no credential leaves the machine.
pub fn portal_console_url(
    start_url: &str,
    account_id: &str,
    role_name: &str,
    destination: Option<&str>,
) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("account_id", account_id);
    query.append_pair("role_name", role_name);
    if let Some(d) = destination {
        query.append_pair("destination", d);
    }
    format!(
        "{}/#/console?{}",
        start_url.trim_end_matches('/'),
        query.finish()
    )
}

/// What the console sign-in asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleRequest {
    /// The console page to land on.
    pub destination: String,
    /// Where the console sends the user when the session ends (the portal's start URL).
    pub issuer: String,
    /// The console session's length (900 to 43,200 seconds); `None` lets AWS decide.
    pub duration: Option<Duration>,
}

/// The federation sign-in URL for `credentials`: asks the sign-in endpoint for a sign-in
/// token (`getSigninToken`), and returns the `login` URL that opens the console with it. The
/// URL holds a sign-in token valid for 15 minutes: open it, do not log it. Up to 3 attempts
/// for no answer, a 5xx or throttling, paused through `sleeper`.
///
/// # Errors
/// [`ErrorKind::Console`]: the endpoint is not `https://` (loopback excepted), cannot be
/// reached, refuses the credentials, or answers something that is not a sign-in token.
pub async fn federation_url(
    credentials: &RoleCredentials,
    signin: &Endpoint,
    transport: &aws_sso_http::Transport,
    request: &ConsoleRequest,
    sleeper: &impl aws_sso_device_auth::Sleeper,
) -> Result<String, Error> {
    let base = format!("{}/federation", signin.url.trim_end_matches('/'));
    let session = serde_json::json!({
        "sessionId": credentials.access_key_id,
        "sessionKey": credentials.secret_access_key.expose(),
        "sessionToken": credentials.session_token.expose(),
    })
    .to_string();
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("Action", "getSigninToken");
    if let Some(d) = request.duration {
        query.append_pair("SessionDuration", &d.as_secs().to_string());
    }
    query.append_pair("Session", &session);
    let fail = |reason: String| -> Error {
        ErrorKind::Console {
            endpoint: base.clone(),
            reason,
        }
        .into()
    };
    // Role keys travel in this request: only over https (loopback excepted, for the mock).
    if aws_sso_device_auth::check_url(&base).is_err() {
        return Err(fail(
            "it is not an https:// address, and role credentials are sent only over https (loopback addresses excepted); check AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL and the profile's endpoint_url".into(),
        ));
    }
    let connector = aws_sso_http::connector(transport, &base).map_err(fail)?;
    let req = hyper::Request::get(format!("{base}?{}", query.finish()))
        .header(
            "user-agent",
            concat!("aws-sso-rs/", env!("CARGO_PKG_VERSION")),
        )
        .body(SdkBody::empty())
        .map_err(|e| {
            fail(format!(
                "not a valid URL ({e}); check AWS_ENDPOINT_URL_SIGNIN"
            ))
        })?;
    let req = HttpRequest::try_from(req).map_err(|e| {
        fail(format!(
            "not a valid URL ({e}); check AWS_ENDPOINT_URL_SIGNIN"
        ))
    })?;
    let started = Instant::now();
    // Up to 3 attempts for no answer, a 5xx or throttling, with a growing jittered pause.
    let exchange = async {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let Some(request) = req.try_clone() else {
                return Err(fail("the request cannot be repeated".into()));
            };
            let retry = match connector.call(request).await {
                Ok(answer)
                    if answer.status().is_server_error() || answer.status().as_u16() == 429 =>
                {
                    format!("HTTP {}", answer.status().as_u16())
                }
                Ok(answer) => {
                    let status = answer.status();
                    let body = Limited::new(answer.into_body(), MAX_ANSWER)
                        .collect()
                        .await
                        .map_err(|e| fail(format!("cannot read the answer ({e})")))?
                        .to_bytes();
                    return Ok::<_, Error>((status, body));
                }
                Err(e) => {
                    let why = aws_sso_http::describe_failure(transport, &base, &e);
                    if !aws_sso_http::worth_retrying(&e) {
                        return Err(fail(format!("cannot connect ({why})")));
                    }
                    why
                }
            };
            if attempt == 3 {
                return Err(fail(format!("no usable answer after 3 attempts ({retry})")));
            }
            tracing::debug!("getSigninToken: {retry}; trying again");
            let pause = 200 * u64::from(attempt) + fastrand::u64(0..100);
            sleeper.sleep(Duration::from_millis(pause)).await;
        }
    };
    // The same budget as the SDK calls (`sdk_timeouts`): 20 s for the whole exchange.
    let (status, body) = tokio::time::timeout(Duration::from_secs(20), exchange)
        .await
        .map_err(|_| fail("no answer within 20 s".into()))??;
    tracing::debug!(
        "request: GET {base} (getSigninToken) -> {} in {} ms",
        status.as_u16(),
        started.elapsed().as_millis()
    );
    if !status.is_success() {
        // Only the status: an error page may echo the request, which holds the role keys.
        return Err(fail(format!("it answered HTTP {}", status.as_u16())));
    }
    let token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("SigninToken")?.as_str().map(str::to_owned))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| fail("the answer holds no SigninToken".into()))?;
    let mut login = form_urlencoded::Serializer::new(String::new());
    login.append_pair("Action", "login");
    // No portal to send the person back to (a profile of keys): no Issuer.
    if !request.issuer.is_empty() {
        login.append_pair("Issuer", &request.issuer);
    }
    login.append_pair("Destination", &request.destination);
    login.append_pair("SigninToken", &token);
    Ok(format!("{base}?{}", login.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn role_keys_are_not_sent_over_plain_http() {
        let creds = RoleCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: aws_sso_token_cache::Secret::new("s"),
            session_token: aws_sso_token_cache::Secret::new("t"),
            expiration: Some(time::OffsetDateTime::now_utc()),
            account_id: None,
        };
        let request = ConsoleRequest {
            destination: "https://console.aws.amazon.com/".into(),
            issuer: "https://d-1.awsapps.com/start".into(),
            duration: None,
        };
        let err = federation_url(
            &creds,
            &Endpoint::explicit("http://localstack.example:4566"),
            &Default::default(),
            &request,
            &aws_sso_device_auth::TokioSleeper,
        )
        .await
        .expect_err("plain http to another host");
        assert!(err.to_string().contains("not an https:// address"), "{err}");
    }

    #[test]
    fn destinations_follow_the_partition() {
        assert_eq!(
            console_destination("eu-west-1", None),
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            console_destination("us-gov-west-1", Some("s3")),
            "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1"
        );
        assert_eq!(
            console_destination("cn-north-1", Some("ec2")),
            "https://console.amazonaws.cn/ec2/home?region=cn-north-1"
        );
    }

    #[test]
    fn the_portal_link_encodes_the_destination() {
        assert_eq!(
            portal_console_url(
                "https://d-1.awsapps.com/start/",
                "111122223333",
                "Read Only",
                Some("https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1")
            ),
            "https://d-1.awsapps.com/start/#/console?account_id=111122223333&role_name=Read+Only&destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1"
        );
    }
}
