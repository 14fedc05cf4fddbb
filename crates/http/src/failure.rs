//! What a failed call means: whether another attempt can pass, the SDK's retry classifier that
//! says so, one sentence for the user naming the endpoint, the CA bundle or the proxy, and
//! [`classify`], which turns any AWS SDK error into a [`Failure`] every client of the
//! workspace maps to its own error kinds.

use std::error::Error as StdError;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::Transport;
use crate::client::SettingsError;
use crate::log::TooLarge;

/// A failed AWS SDK call, in the workspace's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The service answered with an error: its code (`InternalServerError` for a 5xx that
    /// carries none, `Unknown` for another answer without one) and its message (the OIDC
    /// service's `error_description` when the SDK reads none; empty when it sent neither).
    Service {
        /// The error code.
        code: String,
        /// The service's words, possibly empty.
        message: String,
    },
    /// No answer: the endpoint or the proxy cannot be reached, the call timed out, or the
    /// answer was cut off. The sentence of [`describe_failure`].
    Unreachable(String),
    /// An answer that is not the service's: no error code on a success status or without a
    /// message, a body that does not read, an answer too large. The sentence of
    /// [`describe_failure`].
    Malformed(String),
}

/// The service's own words for an error when the SDK reads no message: the OIDC service
/// carries them as `error_description` (OAuth's field). At most 200 characters of it.
fn error_description(raw: &HttpResponse) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(raw.body().bytes()?).ok()?;
    let text = body.get("error_description")?.as_str()?.trim();
    (!text.is_empty()).then(|| text.chars().take(200).collect())
}

/// What `error`, from a call to `endpoint_url` through `transport`, means. One reading for
/// every client: an answer too large is [`Failure::Malformed`] whatever else it is; a
/// service error with a code is [`Failure::Service`]; without a code, a 5xx is the
/// service's failure (`InternalServerError`, `HTTP 503`), a success status or an answer
/// without a message is not the service's at all, anything else keeps its message under
/// `Unknown`; no answer (dispatch failure, time-out, an answer cut off) is
/// [`Failure::Unreachable`].
pub fn classify<E>(
    error: &SdkError<E, HttpResponse>,
    transport: &Transport,
    endpoint_url: &str,
) -> Failure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let describe = || describe_failure(transport, endpoint_url, error);
    if answer_too_large(error) {
        return Failure::Malformed(describe());
    }
    match error {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let raw = service.raw();
            let message = e
                .message()
                .filter(|m| !m.trim().is_empty())
                .map(str::to_owned)
                .or_else(|| error_description(raw));
            match (e.code(), message) {
                (Some(code), message) => Failure::Service {
                    code: code.to_owned(),
                    message: message.unwrap_or_default(),
                },
                (None, _) if raw.status().is_server_error() => Failure::Service {
                    code: "InternalServerError".into(),
                    message: format!("HTTP {}", raw.status().as_u16()),
                },
                (None, None) => Failure::Malformed(describe()),
                (None, Some(_)) if raw.status().is_success() => Failure::Malformed(describe()),
                (None, Some(message)) => Failure::Service {
                    code: "Unknown".into(),
                    message,
                },
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            Failure::Unreachable(describe())
        }
        _ => Failure::Malformed(describe()),
    }
}

/// Whether an error `code` is a failure on the service's side (a 5xx) rather than a refusal:
/// worth another try later, a network matter for exit codes.
pub fn is_server_failure(code: &str) -> bool {
    matches!(
        code,
        "InternalServerException"
            | "InternalServerError"
            | "InternalFailure"
            | "ServiceUnavailableException"
            | "ServiceUnavailable"
    )
}

/// Whether another attempt could succeed where `error` failed. Not for settings that cannot
/// work (a bad CA bundle or proxy URL), a certificate the trust store refuses, a refused
/// connection (nothing listens: the endpoint or proxy is down), a name that does not resolve,
/// a proxy that refuses the tunnel, or an answer refused for its size: those fail at once.
pub fn worth_retrying(error: &(dyn StdError + 'static)) -> bool {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = next {
        if e.is::<SettingsError>() || e.is::<TooLarge>() {
            return false;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return false;
        }
        let text = e.to_string().to_ascii_lowercase();
        if [
            "certificate",
            "unknownissuer",
            "dns error",
            "failed to lookup address",
            "tunnel error: unsuccessful",
            "connection refused",
        ]
        .iter()
        .any(|t| text.contains(t))
        {
            return false;
        }
        next = e.source();
    }
    true
}

/// The AWS SDK retry classifier that forbids retrying what [`worth_retrying`] says cannot
/// pass: without it, the SDK retries a certificate error or a refused connection 5 times.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPointRetrying;

impl aws_smithy_runtime_api::client::retries::classifiers::ClassifyRetry for NoPointRetrying {
    fn classify_retry(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::InterceptorContext,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryAction {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryAction;
        match ctx.output_or_error() {
            Some(Err(e)) => match e.as_connector_error() {
                Some(c) if !worth_retrying(c) => RetryAction::RetryForbidden,
                _ => RetryAction::NoActionIndicated,
            },
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "aws-sso-rs: no retry for what cannot pass"
    }
}

/// Whether `error` is an answer refused for its size (over [`crate::MAX_ANSWER`]).
pub fn answer_too_large(error: &(dyn StdError + 'static)) -> bool {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = next {
        if e.is::<TooLarge>() || e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        next = e.source();
    }
    false
}

/// Why a request to `endpoint_url` got no answer, as a sentence for the user: the causes of
/// `error` from the outside in (without repeats), then what to do when the cause is a
/// certificate the trust store does not accept or the proxy.
pub fn describe_failure(
    transport: &Transport,
    endpoint_url: &str,
    error: &(dyn StdError + 'static),
) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(settings) = e.downcast_ref::<SettingsError>() {
            return settings.0.clone();
        }
        if let Some(large) = e.downcast_ref::<TooLarge>() {
            return large.to_string();
        }
        if e.is::<http_body_util::LengthLimitError>() {
            return TooLarge(None).to_string();
        }
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty()
            && !matches!(
                text,
                "dispatch failure"
                    | "io error"
                    | "other"
                    | "user error"
                    | "client error (Connect)"
                    | "service error"
                    | "unhandled error"
                    | "response error"
            )
            && !parts.iter().any(|p| p.contains(text))
        {
            parts.push(text.to_owned());
        }
        next = e.source();
    }
    let mut reason = if parts.is_empty() {
        "no answer".to_owned()
    } else {
        parts.join(": ")
    };
    let lower = reason.to_ascii_lowercase();
    if lower.contains("timeout") || lower.contains("timed out") {
        reason = format!("timed out ({reason})");
    }
    if lower.contains("certificate") || lower.contains("unknownissuer") {
        match &transport.ca_bundle {
            Some(bundle) => {
                reason.push_str(&format!(
                    "; the server's TLS certificate is not signed by any certificate in the CA bundle {} (set by {}): add the root certificate that signed it (your proxy's or your organisation's, when TLS is inspected) to that file",
                    bundle.path.display(),
                    bundle.source
                ));
                if let Some(unused) = &transport.shadowed_ca_bundle {
                    reason.push_str(&format!(
                        "; the {} ({}) is not used while {} is set",
                        unused.source,
                        unused.path.display(),
                        bundle.source
                    ));
                }
            }
            None => reason.push_str(
                "; the server's TLS certificate is not trusted by this system: when a proxy or your organisation inspects TLS, set AWS_CA_BUNDLE (or ca_bundle in the profile) to a PEM file holding its root certificate",
            ),
        }
    }
    if let Some(proxy) = transport.proxy_for(endpoint_url) {
        reason.push_str(&format!(
            "; the request went through the proxy {} (from {}): check that it is up and allows the connection, or add the host to NO_PROXY",
            proxy.display_url(),
            proxy.variable
        ));
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    use aws_sso_profile_config::MapEnv;

    #[test]
    fn a_failure_through_a_proxy_names_the_proxy_without_its_password() {
        let t = Transport::from_env(
            &MapEnv::new().with("HTTPS_PROXY", "http://me:hunter2@127.0.0.1:3128"),
        );
        let io = std::io::Error::other("connection refused");
        let text = describe_failure(&t, "https://oidc.eu-west-1.amazonaws.com", &io);
        assert!(
            text.contains("http://127.0.0.1:3128 (from HTTPS_PROXY)"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("NO_PROXY"), "{text}");
    }

    #[test]
    fn an_untrusted_certificate_says_which_setting_fixes_it() {
        let io = std::io::Error::other("invalid peer certificate: UnknownIssuer");
        let text = describe_failure(&Transport::default(), "https://x", &io);
        assert!(text.contains("AWS_CA_BUNDLE"), "{text}");
        let text = describe_failure(
            &Transport::bundle_for_tests(std::path::Path::new("/b.pem")),
            "https://x",
            &io,
        );
        assert!(
            text.contains("/b.pem") && text.contains("add the root"),
            "{text}"
        );
    }

    #[test]
    fn what_cannot_pass_is_not_retried() {
        assert!(!worth_retrying(&std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused
        )));
        assert!(!worth_retrying(&std::io::Error::other(
            "invalid peer certificate: UnknownIssuer"
        )));
        assert!(!worth_retrying(&TooLarge(Some(5))));
        assert!(worth_retrying(&std::io::Error::from(
            std::io::ErrorKind::ConnectionReset
        )));
    }

    fn answer(
        status: u16,
        code: Option<&str>,
        message: Option<&str>,
        body: &str,
    ) -> SdkError<aws_smithy_types::error::ErrorMetadata, HttpResponse> {
        let mut meta = aws_smithy_types::error::ErrorMetadata::builder();
        if let Some(code) = code {
            meta = meta.code(code);
        }
        if let Some(message) = message {
            meta = meta.message(message);
        }
        SdkError::service_error(
            meta.build(),
            HttpResponse::new(
                status.try_into().expect("a status"),
                aws_smithy_types::body::SdkBody::from(body),
            ),
        )
    }

    #[test]
    fn every_client_reads_a_failed_call_the_same_way() {
        let t = Transport::default();
        let read = |e| classify(&e, &t, "https://portal.sso.eu-west-1.amazonaws.com");
        assert_eq!(
            read(answer(
                401,
                Some("UnauthorizedException"),
                Some("expired"),
                ""
            )),
            Failure::Service {
                code: "UnauthorizedException".into(),
                message: "expired".into()
            }
        );
        // The OIDC service's words live in `error_description`.
        assert_eq!(
            read(answer(
                400,
                Some("InvalidGrantException"),
                None,
                r#"{"error":"invalid_grant","error_description":"Refresh token has expired"}"#
            )),
            Failure::Service {
                code: "InvalidGrantException".into(),
                message: "Refresh token has expired".into()
            }
        );
        // A 5xx without a code is the service's failure, worth another try later.
        let Failure::Service { code, message } = read(answer(503, None, None, "<html>")) else {
            panic!("a service failure");
        };
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("InternalServerError", "HTTP 503")
        );
        assert!(is_server_failure(&code));
        assert!(!is_server_failure("AccessDeniedException"));
        // A success status or an answer without code nor message is not the service's.
        assert!(matches!(
            read(answer(200, None, Some("hm"), "")),
            Failure::Malformed(_)
        ));
        assert!(matches!(
            read(answer(403, None, None, "<html>")),
            Failure::Malformed(_)
        ));
        // No answer at all.
        let timeout =
            SdkError::<aws_smithy_types::error::ErrorMetadata, HttpResponse>::timeout_error(
                std::io::Error::other("operation timed out"),
            );
        let Failure::Unreachable(why) = read(timeout) else {
            panic!("unreachable");
        };
        assert!(why.starts_with("timed out"), "{why}");
    }
}
