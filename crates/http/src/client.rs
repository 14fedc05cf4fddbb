//! The HTTP client behind every AWS call: TLS with rustls over the system's trust store or
//! the configured CA bundle, through the configured proxy, built once per process.
//!
//! The settings come from [`Transport`] (`AWS_CA_BUNDLE` or the profile's `ca_bundle`,
//! `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`). The proxy is decided for each endpoint's scheme
//! and host; clients with the same CA bundle and proxy are one client.

use std::error::Error as StdError;
use std::sync::{Arc, Mutex};

use crate::{CaBundle, Transport};
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

/// The TLS context and proxy for one set of transport settings, or why they cannot work.
type Prepared = Result<(TlsContext, ProxyConfig), Arc<str>>;

/// What makes two clients the same: the CA bundle file and the proxy chosen for the
/// endpoint.
type Key = (Option<std::path::PathBuf>, Option<String>);

/// Everything built so far in this process: the CA bundle is read and checked once, and each
/// HTTP client (with its pool of connections) built once, for every SDK client that shares
/// its settings.
static BUILT: Mutex<Vec<(Key, Prepared, Option<SharedHttpClient>)>> = Mutex::new(Vec::new());

fn key(transport: &Transport, endpoint_url: &str) -> Key {
    (
        transport.ca_bundle.as_ref().map(|b| b.path.clone()),
        transport.proxy_for(endpoint_url).map(|p| p.url.clone()),
    )
}

/// Makes aws-lc (rustls' crypto) ready: it detects the CPU's features once per process, here
/// rather than before `main`. The workspace builds aws-lc without its static constructor
/// (`BORINGSSL_NO_STATIC_INITIALIZER`, in .cargo/config.toml) so that a command answered from
/// the cache runs no CPUID, which traps to the hypervisor in virtual machines; without this
/// call aws-lc would still be correct, on its slower portable code. Every TLS context of the
/// workspace is made in [`prepare`], so every TLS connection comes after it.
fn crypto_ready() {
    aws_lc_rs::init();
}

fn prepare(transport: &Transport, endpoint_url: &str) -> Prepared {
    crypto_ready();
    let tls = trust_store(transport.ca_bundle.as_ref()).and_then(|store| {
        TlsContext::builder()
            .with_trust_store(store)
            .build()
            .map_err(|e| e.to_string())
    })?;
    Ok((tls, proxy_config(transport, endpoint_url)?))
}

/// The prepared settings and the client for `transport` and `endpoint_url`, building each
/// the first time they are asked for.
fn built(
    transport: &Transport,
    endpoint_url: &str,
    client: bool,
) -> (Prepared, Option<SharedHttpClient>) {
    let key = key(transport, endpoint_url);
    // A panic elsewhere while the list was held leaves it as it was: still usable.
    let mut all = BUILT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let index = match all.iter().position(|(k, _, _)| *k == key) {
        Some(i) => i,
        None => {
            let prepared = prepare(transport, endpoint_url);
            all.push((key, prepared, None));
            all.len() - 1
        }
    };
    let (_, prepared, shared) = &mut all[index];
    if client && shared.is_none() {
        *shared = Some(match prepared.clone() {
            Err(why) => SharedHttpClient::new(Refusing(why)),
            Ok((tls, proxy)) => {
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
        });
    }
    (prepared.clone(), shared.clone())
}

/// An HTTP connector for `endpoint_url` with `transport`'s trust store and proxy, the
/// connect and read limits of [`sdk_timeouts`](crate::sdk_timeouts), for a request made
/// outside an SDK client (the console's sign-in federation). Needs a Tokio runtime.
///
/// # Errors
/// The CA bundle cannot be read or holds no usable certificate, or the proxy URL is invalid:
/// a sentence naming the file or variable.
pub fn connector(transport: &Transport, endpoint_url: &str) -> Result<Connector, String> {
    let (tls, proxy) = built(transport, endpoint_url, false)
        .0
        .map_err(|why| why.to_string())?;
    let timeouts = crate::sdk_timeouts();
    let mut limits = HttpConnectorSettings::builder();
    limits
        .set_connect_timeout(timeouts.connect_timeout())
        .set_read_timeout(timeouts.read_timeout());
    let limits = limits.build();
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
/// AWS SDK's cipher choices), the trust store and proxy of `transport`, built once per
/// process for each CA bundle and proxy. A configuration that cannot work (an unreadable CA
/// bundle, a bad proxy URL) gives a client whose every call fails at once with that
/// sentence, so the error reaches the user from the command that needed the network, with
/// the endpoint named.
pub fn http_client(transport: &Transport, endpoint_url: &str) -> SharedHttpClient {
    built(transport, endpoint_url, true)
        .1
        .expect("built() makes the client when asked for it")
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
pub(crate) struct SettingsError(pub(crate) String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for SettingsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_ca_bundle_is_named_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let err = trust_store(Transport::bundle_for_tests(&missing).ca_bundle.as_ref())
            .expect_err("missing");
        assert!(
            err.contains("missing.pem") && err.contains("AWS_CA_BUNDLE"),
            "{err}"
        );

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "just text\n").expect("write");
        let err =
            trust_store(Transport::bundle_for_tests(&empty).ca_bundle.as_ref()).expect_err("empty");
        assert!(err.contains("holds no certificate"), "{err}");

        let garbage = dir.path().join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let err = trust_store(Transport::bundle_for_tests(&garbage).ca_bundle.as_ref())
            .expect_err("garbage");
        assert!(
            err.contains("trust anchor") && err.contains("garbage.pem"),
            "{err}"
        );

        // The client built from such settings fails every call with that sentence.
        let client = http_client(
            &Transport::bundle_for_tests(&missing),
            "https://example.com",
        );
        assert!(format!("{client:?}").contains("missing.pem"));
    }

    #[test]
    fn the_bundle_is_read_once_per_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("corp.pem");
        std::fs::write(
            &path,
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let first = format!(
            "{:?}",
            http_client(&Transport::bundle_for_tests(&path), "https://a.example")
        );
        assert!(first.contains("trust anchor"), "{first}");
        // Changed on disk afterwards: this process keeps what it read, for every client.
        std::fs::write(&path, "just text\n").expect("write");
        let again = connector(&Transport::bundle_for_tests(&path), "https://b.example")
            .expect_err("the same bundle");
        assert!(again.contains("trust anchor"), "{again}");
    }
}
