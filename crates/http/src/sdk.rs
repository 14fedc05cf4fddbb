//! The one place where the AWS SDK clients are configured: [`sdk_config`] gives the
//! settings every client shares (region, endpoint, the HTTP client of [`crate::http_client`],
//! time limits, retries, the Tokio sleeper), and [`sdk_client!`](crate::sdk_client) turns
//! them into a client of any AWS SDK service crate with the request log and the retry
//! classifier added.

use aws_sso_profile_config::Endpoint;

use crate::Transport;

/// The settings every AWS SDK client of aws-sso-rs is built from: `region` (in lower case),
/// `endpoint` (set on the client unless it is the public default, which the SDK resolves
/// itself), the HTTP client for `transport` (built once per process), [`sdk_timeouts`] and [`sdk_retries`].
/// Returned as a builder for what one client adds (credentials, fewer attempts); build it
/// and hand it to [`sdk_client!`](crate::sdk_client).
pub fn sdk_config(
    region: &str,
    endpoint: &Endpoint,
    transport: &Transport,
) -> aws_types::sdk_config::Builder {
    let mut config = aws_types::SdkConfig::builder()
        .behavior_version(
            aws_smithy_runtime_api::client::behavior_version::BehaviorVersion::latest(),
        )
        // A region written in upper case (`US-EAST-1`, which the AWS CLI reads) is the same
        // region to AWS: in lower case the SDK finds its partition and signs for it.
        .region(aws_types::region::Region::new(region.to_ascii_lowercase()))
        .http_client(crate::http_client(transport, &endpoint.url))
        .timeout_config(sdk_timeouts())
        .retry_config(sdk_retries())
        .sleep_impl(aws_smithy_async::rt::sleep::SharedAsyncSleep::new(
            aws_smithy_async::rt::sleep::TokioSleep::new(),
        ));
    if !endpoint.is_default() {
        config = config.endpoint_url(&endpoint.url);
    }
    config
}

/// A client of the AWS SDK service crate `$service` (`aws_sdk_sso`, `aws_sdk_ssooidc`,
/// `aws_sdk_sts`, ...) from an [`aws_types::SdkConfig`] made by [`sdk_config`], with what
/// the shared settings cannot carry: the request log ([`RequestLog`](crate::RequestLog))
/// and the retry classifier ([`NoPointRetrying`](crate::NoPointRetrying)).
///
/// ```no_run
/// # fn demo(endpoint: &aws_sso_profile_config::Endpoint) {
/// let config = aws_sso_http::sdk_config("eu-west-1", endpoint, &Default::default()).build();
/// let client: aws_sdk_sso::Client = aws_sso_http::sdk_client!(aws_sdk_sso, &config);
/// # }
/// ```
#[macro_export]
macro_rules! sdk_client {
    ($service:ident, $config:expr) => {
        $service::Client::from_conf(
            $service::config::Builder::from($config)
                .retry_classifier($crate::NoPointRetrying)
                .interceptor($crate::RequestLog)
                .build(),
        )
    };
}

/// The time limits of every AWS SDK call aws-sso-rs makes (OIDC, the portal, STS): 5 s to
/// connect, 10 s for an answer to start and for one attempt, 20 s for a call with its retries.
/// An endpoint that accepts connections and never answers fails the command within 30 s,
/// naming the endpoint; one that is down fails at once (connection refused).
pub fn sdk_timeouts() -> aws_smithy_types::timeout::TimeoutConfig {
    use std::time::Duration;
    aws_smithy_types::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(10))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(20))
        .build()
}

/// The retries of every AWS SDK call aws-sso-rs makes: up to 5 attempts for answers that may
/// pass (5xx, throttling such as 429, connection resets, attempt timeouts), with jittered
/// exponential backoff from 200 ms to 5 s, all within the 20 s budget of [`sdk_timeouts`].
/// Refusals (4xx other than throttling) are never retried. With 30 % of calls failing, a
/// call fails only when five attempts in a row do (0.3⁵ ≈ 0.24 %).
pub fn sdk_retries() -> aws_smithy_types::retry::RetryConfig {
    use std::time::Duration;
    aws_smithy_types::retry::RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(5))
}
