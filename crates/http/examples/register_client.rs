//! Registers an OIDC client with IAM Identity Center through the HTTP client aws-sso-http
//! builds (the CA bundle and proxies of the environment and the active profile), and reads a
//! failure the way every client of aws-sso-rs does:
//! `cargo run -p aws-sso-http --example register_client -- REGION`.

use aws_sso_http::{Failure, Transport, classify, sdk_client, sdk_config};
use aws_sso_profile_config::{
    ClientEndpointConfig, FileLocations, ProcessEnv, ProfileSet, Service,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let region = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "us-east-1".to_owned());
    let set = match FileLocations::from_process_env().and_then(|l| ProfileSet::load(&l)) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // `AWS_ENDPOINT_URL_SSO_OIDC` and the config's `[services]` decide the endpoint.
    let endpoint = set.endpoint(
        None,
        &Service::SsoOidc,
        &region,
        &ProcessEnv,
        ClientEndpointConfig::default(),
    );
    let transport = Transport::for_profile(&set, None, &ProcessEnv);
    let config = sdk_config(&region, &endpoint, &transport).build();
    let oidc: aws_sdk_ssooidc::Client = sdk_client!(aws_sdk_ssooidc, &config);
    let answer = oidc
        .register_client()
        .client_name("aws-sso-http-example")
        .client_type("public")
        .send()
        .await;
    match answer {
        Ok(out) => {
            println!(
                "registered client {} at {} (its secret expires at {})",
                out.client_id().unwrap_or_default(),
                endpoint.url,
                out.client_secret_expires_at()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            match classify(&e, &transport, &endpoint.url) {
                Failure::Service { code, message } => eprintln!("refused: {code}: {message}"),
                Failure::Unreachable(why) => eprintln!("cannot reach {}: {why}", endpoint.url),
                Failure::Malformed(why) => {
                    eprintln!(
                        "{} sent no answer of IAM Identity Center: {why}",
                        endpoint.url
                    );
                }
            }
            std::process::ExitCode::FAILURE
        }
    }
}
