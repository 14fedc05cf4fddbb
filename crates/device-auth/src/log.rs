//! `--debug` for SDK calls: one line per request (method and path) and per response
//! (status). Headers, query strings and bodies, which carry tokens and secrets, are never
//! logged.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// An SDK interceptor that hands one line per request and response to a logging function.
#[derive(Clone, Copy)]
pub struct RequestLog(pub fn(fmt::Arguments<'_>));

impl fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestLog")
    }
}

impl Intercept for RequestLog {
    fn name(&self) -> &'static str {
        "aws-sso-rs request log"
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = ctx.request();
        let uri = request.uri();
        let without_query = uri.split('?').next().unwrap_or(uri);
        (self.0)(format_args!(
            "request: {} {without_query}",
            request.method()
        ));
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        ctx: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        (self.0)(format_args!(
            "response: HTTP {}",
            ctx.response().status().as_u16()
        ));
        Ok(())
    }
}
