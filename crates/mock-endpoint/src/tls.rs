//! HTTPS for the mock: a test certificate authority made at start (rcgen), a server
//! certificate it signs for `127.0.0.1` and `localhost`, served with rustls.
//!
//! Clients trust the mock only when told to (`AWS_CA_BUNDLE`, a profile's `ca_bundle`, or
//! `SSL_CERT_FILE` for the platform's trust store): exactly what a corporate TLS-inspecting
//! proxy asks of its users.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The test authority's certificate (PEM) and the server's TLS settings.
pub(crate) struct TestTls {
    pub ca_pem: String,
    pub config: Arc<rustls::ServerConfig>,
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("cannot make the mock's test certificates: {e}"))
}

/// A fresh authority and a server certificate signed by it.
pub(crate) fn make() -> std::io::Result<TestTls> {
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(io)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "aws-sso-rs mock test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().map_err(io)?).map_err(io)?;

    let mut leaf =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).map_err(io)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "aws-sso-rs mock");
    let leaf_key = KeyPair::generate().map_err(io)?;
    let leaf = leaf.signed_by(&leaf_key, &ca).map_err(io)?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io)?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .map_err(io)?;
    Ok(TestTls {
        ca_pem: ca.pem(),
        config: Arc::new(config),
    })
}

/// Serves `router` over TLS on `listener` until `shutdown` fires.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    config: Arc<rustls::ServerConfig>,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::pin!(shutdown);
    loop {
        let (tcp, _) = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => continue,
            },
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            // A client that does not trust the test authority hangs up here: that is the
            // point of the test, not the mock's problem.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(router);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                .await;
        });
    }
}
