//! The HTTP client behind every AWS call: TLS with rustls over the system's trust store or
//! the configured CA bundle, through the configured proxy, and errors that say what to do.
//!
//! The settings come from [`aws_sso_profile_config::Transport`] (`AWS_CA_BUNDLE` or the
//! profile's `ca_bundle`, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`). Each client talks to one
//! endpoint, so the proxy is decided once, for that endpoint's scheme and host.

use std::error::Error as StdError;
use std::sync::Arc;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_sso_profile_config::{CaBundle, Transport};

/// The trust store for `bundle`: the system's certificates without one; with one, only its
/// certificates (as the AWS CLI's `AWS_CA_BUNDLE` does), each checked here so that a bad file
/// is an error naming it, never a failure deep inside the TLS library.
fn trust_store(bundle: Option<&CaBundle>) -> Result<TrustStore, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let Some(bundle) = bundle else {
        return Ok(TrustStore::default());
    };
    let what = || {
        format!(
            "the CA bundle {} (set by {})",
            bundle.path.display(),
            bundle.source
        )
    };
    let pem = std::fs::read(&bundle.path).map_err(|e| {
        format!(
            "cannot read {}: {e}; point it at a PEM file of certificates",
            what()
        )
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            format!(
                "{} is not valid PEM ({e}); it must hold PEM certificates",
                what()
            )
        })?;
    if certs.is_empty() {
        return Err(format!(
            "{} holds no certificate (no -----BEGIN CERTIFICATE----- block)",
            what()
        ));
    }
    let mut roots = rustls::RootCertStore::empty();
    for (n, cert) in certs.into_iter().enumerate() {
        roots.add(cert).map_err(|e| {
            format!(
                "certificate {} of {} cannot be used as a trust anchor ({e})",
                n + 1,
                what()
            )
        })?;
    }
    Ok(TrustStore::empty().with_pem_certificate(pem))
}

/// Makes aws-lc (rustls' crypto) ready: it detects the CPU's features once per process, here
/// rather than before `main`. The workspace builds aws-lc without its static constructor
/// (`BORINGSSL_NO_STATIC_INITIALIZER`, in .cargo/config.toml) so that a command answered from
/// the cache runs no CPUID, which traps to the hypervisor in virtual machines; without this
/// call aws-lc would still be correct, on its slower portable code. Every HTTP client is
/// built in this module, so every TLS connection comes after it.
fn crypto_ready() {
    aws_lc_rs::init();
}

/// The proxy settings for `endpoint_url`.
fn proxy_config(transport: &Transport, endpoint_url: &str) -> Result<ProxyConfig, String> {
    match transport.proxy_for(endpoint_url) {
        None => Ok(ProxyConfig::disabled()),
        Some(proxy) => ProxyConfig::all(proxy.url.as_str()).map_err(|e| {
            format!(
                "{} is not a proxy URL ({e}); set it to http://host:port",
                proxy.variable
            )
        }),
    }
}

/// An HTTP connector for `endpoint_url` with `transport`'s trust store and proxy, 5 s to
/// connect and 10 s for an answer, for a request made outside an SDK client (the console's
/// sign-in federation). Needs a Tokio runtime.
///
/// # Errors
/// The CA bundle cannot be read or holds no usable certificate, or the proxy URL is invalid:
/// a sentence naming the file or variable.
pub fn connector(transport: &Transport, endpoint_url: &str) -> Result<Connector, String> {
    crypto_ready();
    let tls = TlsContext::builder()
        .with_trust_store(trust_store(transport.ca_bundle.as_ref())?)
        .build()
        .map_err(|e| e.to_string())?;
    let proxy = proxy_config(transport, endpoint_url)?;
    // The connect and read limits of `sdk_timeouts`.
    let limits = HttpConnectorSettings::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .read_timeout(std::time::Duration::from_secs(10))
        .build();
    Ok(Connector::builder()
        .connector_settings(limits)
        .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(tls)
        .proxy_config(proxy)
        .build())
}

/// The HTTP client for an AWS SDK client that talks to `endpoint_url`: rustls (with the
/// AWS SDK's cipher choices), the trust store and proxy of `transport`. A configuration that
/// cannot work (an unreadable CA bundle, a bad proxy URL) gives a client whose every call
/// fails at once with that sentence, so the error reaches the user from the command that
/// needed the network, with the endpoint named.
pub fn http_client(transport: &Transport, endpoint_url: &str) -> SharedHttpClient {
    crypto_ready();
    let settings = trust_store(transport.ca_bundle.as_ref())
        .and_then(|store| {
            TlsContext::builder()
                .with_trust_store(store)
                .build()
                .map_err(|e| e.to_string())
        })
        .and_then(|tls| Ok((tls, proxy_config(transport, endpoint_url)?)));
    let (tls, proxy) = match settings {
        Ok(s) => s,
        Err(why) => return SharedHttpClient::new(Refusing(Arc::from(why))),
    };
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = Connector::builder()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .tls_context(tls.clone())
            .proxy_config(proxy.clone());
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.build()
    })
}

/// A client whose transport settings cannot work: every call fails with why.
#[derive(Debug, Clone)]
struct Refusing(Arc<str>);

impl HttpClient for Refusing {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for Refusing {
    fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Err(ConnectorError::user(Box::new(SettingsError(
            self.0.to_string(),
        )))))
    }
}

/// Transport settings that cannot work: the whole story, told by [`describe_failure`] as is.
#[derive(Debug)]
struct SettingsError(String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for SettingsError {}

/// Whether another attempt could succeed where `error` failed. Not for settings that cannot
/// work (a bad CA bundle or proxy URL), a certificate the trust store refuses, a refused
/// connection (nothing listens: the endpoint or proxy is down), a name that does not resolve,
/// a proxy that refuses the tunnel, or an answer refused for its size: those fail at once.
pub fn worth_retrying(error: &(dyn StdError + 'static)) -> bool {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = next {
        if e.is::<SettingsError>() || e.is::<crate::log::TooLarge>() {
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
        if e.is::<crate::log::TooLarge>() || e.is::<http_body_util::LengthLimitError>() {
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
        if let Some(large) = e.downcast_ref::<crate::log::TooLarge>() {
            return large.to_string();
        }
        if e.is::<http_body_util::LengthLimitError>() {
            return crate::log::TooLarge(None).to_string();
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
    use aws_sso_profile_config::{CaBundleSource, MapEnv};

    fn bundle(path: &std::path::Path) -> Transport {
        Transport {
            ca_bundle: Some(CaBundle {
                path: path.to_owned(),
                source: CaBundleSource::Env,
            }),
            ..Transport::default()
        }
    }

    #[test]
    fn a_bad_ca_bundle_is_named_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let err = trust_store(bundle(&missing).ca_bundle.as_ref()).expect_err("missing");
        assert!(
            err.contains("missing.pem") && err.contains("AWS_CA_BUNDLE"),
            "{err}"
        );

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "just text\n").expect("write");
        let err = trust_store(bundle(&empty).ca_bundle.as_ref()).expect_err("empty");
        assert!(err.contains("holds no certificate"), "{err}");

        let garbage = dir.path().join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let err = trust_store(bundle(&garbage).ca_bundle.as_ref()).expect_err("garbage");
        assert!(
            err.contains("trust anchor") && err.contains("garbage.pem"),
            "{err}"
        );

        // The client built from such settings fails every call with that sentence.
        let client = http_client(&bundle(&missing), "https://example.com");
        assert!(format!("{client:?}").contains("missing.pem"));
    }

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
        let text = describe_failure(&bundle(std::path::Path::new("/b.pem")), "https://x", &io);
        assert!(
            text.contains("/b.pem") && text.contains("add the root"),
            "{text}"
        );
    }
}
