//! `--debug` for SDK calls: a `tracing` event per request (method and path) and per response
//! (status), beside the SDK's own events (endpoint resolution, retries, timings). Headers,
//! query strings and bodies, which carry tokens and secrets, are never logged.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeDeserializationInterceptorContextRef,
    BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// When the request was sent, to trace how long the answer took. A monotonic instant for
/// the log only; no decision depends on it.
#[derive(Debug, Clone, Copy)]
struct SentAt(std::time::Instant);

impl Storable for SentAt {
    type Storer = StoreReplace<Self>;
}

fn operation(cfg: &ConfigBag) -> String {
    cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
        .map(|m| format!(" ({} {})", m.service(), m.name()))
        .unwrap_or_default()
}

/// An SDK interceptor that traces one event per request and per response, at `debug`
/// level under the target `aws_sso_rs::http`. Costs nothing when no subscriber listens.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLog;

impl Intercept for RequestLog {
    fn name(&self) -> &'static str {
        "aws-sso-rs request log"
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = ctx.request();
        let uri = request.uri();
        let without_query = uri.split('?').next().unwrap_or(uri);
        tracing::debug!(
            target: "aws_sso_rs::http",
            "request: {} {without_query}{}",
            request.method(),
            operation(cfg)
        );
        cfg.interceptor_state()
            .store_put(SentAt(std::time::Instant::now()));
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        ctx: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let took = cfg
            .load::<SentAt>()
            .map(|s| format!(" after {} ms", s.0.elapsed().as_millis()))
            .unwrap_or_default();
        tracing::debug!(
            target: "aws_sso_rs::http",
            "response: HTTP {}{took}{}",
            ctx.response().status().as_u16(),
            operation(cfg)
        );
        // Refused before the body is read: no answer of these services comes near it, and a
        // hostile or confused server (a proxy's page, a loop) must not fill the memory.
        let length = ctx
            .response()
            .headers()
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(length) = length.filter(|&l| l > MAX_ANSWER) {
            return Err(Box::new(TooLarge(Some(length))));
        }
        Ok(())
    }

    /// An answer without a declared length (chunked, or ended by closing the connection) is
    /// read through a limit: past [`crate::MAX_ANSWER`] bytes, reading stops with an error.
    fn modify_before_deserialization(
        &self,
        ctx: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = ctx.response_mut();
        let body = response.take_body();
        *response.body_mut() = aws_smithy_types::body::SdkBody::from_body_1_x(
            http_body_util::Limited::new(body, usize::try_from(MAX_ANSWER).unwrap_or(usize::MAX)),
        );
        Ok(())
    }
}

/// The largest answer read from any AWS call (1 MiB); a larger one is refused unread.
pub const MAX_ANSWER: u64 = 1024 * 1024;

/// An answer larger than [`MAX_ANSWER`].
#[derive(Debug)]
pub(crate) struct TooLarge(pub(crate) Option<u64>);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(length) => write!(
                f,
                "the answer is {length} bytes, larger than the {MAX_ANSWER} bytes any answer of this service needs"
            ),
            None => write!(
                f,
                "the answer is larger than the {MAX_ANSWER} bytes any answer of this service needs"
            ),
        }
    }
}

impl std::error::Error for TooLarge {}
