//! One request to an endpoint, to see that it can be reached (through the CA bundle and proxy
//! in use) and what its clock says: what `aws-sso-rs doctor` asks of each endpoint.

use std::time::{Duration, Instant, SystemTime};

use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;

use crate::Transport;

/// What one request to an endpoint found: it answered (any status counts: the endpoint was
/// reached), when its clock said it answered, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The answer's HTTP status.
    pub status: u16,
    /// Its `Date` header, when it has a valid one.
    pub date: Option<SystemTime>,
    /// From sending the request to the answer's headers (the connection included).
    pub elapsed: Duration,
}

/// Sends one `GET` to `url` through `transport`'s CA bundle and proxy and waits at most
/// `limit` for the answer's headers (the body is not read). Logged as every request is
/// (`--debug`): method, URL, status, time.
///
/// # Errors
/// No answer: a sentence naming the endpoint and what failed (DNS, connection, TLS, the
/// proxy, the CA bundle), as [`describe_failure`](crate::describe_failure) says it.
pub async fn probe(transport: &Transport, url: &str, limit: Duration) -> Result<Probe, String> {
    let connector = crate::connector(transport, url)?;
    let mut request = HttpRequest::new(SdkBody::empty());
    request
        .set_method("GET")
        .map_err(|e| format!("cannot make the request ({e})"))?;
    request
        .set_uri(url)
        .map_err(|e| format!("{url} is not a valid URL ({e})"))?;
    request.headers_mut().insert(
        "user-agent",
        concat!("aws-sso-rs/", env!("CARGO_PKG_VERSION")),
    );
    let started = Instant::now();
    let answer = tokio::time::timeout(limit, connector.call(request))
        .await
        .map_err(|_| format!("no answer from {url} within {} s", limit.as_secs()))?
        .map_err(|e| crate::describe_failure(transport, url, &e))?;
    let elapsed = started.elapsed();
    let status = answer.status().as_u16();
    let date = answer
        .headers()
        .get("date")
        .and_then(|d| httpdate::parse_http_date(d).ok());
    tracing::debug!(
        "request: GET {url} (doctor) -> {status} in {} ms",
        elapsed.as_millis()
    );
    Ok(Probe {
        status,
        date,
        elapsed,
    })
}
