//! Integration tests of the mock: the real AWS SDK for Rust against it, malformed requests,
//! the browser pages over plain HTTP.

mod bad_requests;
mod binary;
mod examples;
mod pages;
mod sdk;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_sso_mock::MockServer;

/// An SDK config pointed at `server`, with static credentials (the OIDC and portal calls are
/// unsigned; STS tests bring their own).
pub fn sdk_config(server: &MockServer, credentials: Option<Credentials>) -> SdkConfig {
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("ap-northeast-1"))
        .endpoint_url(server.url());
    if let Some(c) = credentials {
        builder = builder.credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(c),
        );
    }
    builder.build()
}

/// A current-thread runtime for one test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}
