//! Role credentials of an SSO profile as the credentials provider of an AWS SDK client (here
//! STS): the cached ones, or fetched with the cached sign-in, never a browser.
//! `cargo run -p aws-sso-role-credentials --example sts_with_provider -- PROFILE`.

use aws_sso_role_credentials::SsoRoleCredentials;

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
    let profile = std::env::args()
        .nth(1)
        .ok_or("usage: sts_with_provider PROFILE")?;
    let provider = SsoRoleCredentials::for_profile(&profile)?;
    // aws-config reads the region (AWS_REGION, else the profile's `region`) and
    // AWS_ENDPOINT_URL_STS; the keys come from the provider.
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .profile_name(&profile)
        .credentials_provider(provider)
        .load()
        .await;
    let me = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await?;
    println!("account: {}", me.account().unwrap_or_default());
    println!("arn:     {}", me.arn().unwrap_or_default());
    Ok(())
}
