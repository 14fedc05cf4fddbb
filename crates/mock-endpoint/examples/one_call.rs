//! Starts the mock, signs a device-code login through it with the AWS SDK for Rust, and prints
//! what the mock counted: `cargo run -p aws-sso-mock-endpoint --example one_call`.

use aws_sso_mock::{MockServer, Scenario};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    // Errors as sentences (their Display), as a program of yours would show them.
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(Scenario::default())?;
    let conf = aws_sdk_ssooidc::Config::builder()
        .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
        .region(aws_sdk_ssooidc::config::Region::new("ap-northeast-1"))
        .endpoint_url(server.url())
        .build();
    let oidc = aws_sdk_ssooidc::Client::from_conf(conf);
    let client = oidc
        .register_client()
        .client_name("example")
        .client_type("public")
        .send()
        .await?;
    println!(
        "registered client {} at {}",
        client.client_id().unwrap_or_default(),
        server.url()
    );
    println!(
        "RegisterClient calls counted: {}",
        server.count("RegisterClient")
    );
    Ok(())
}
