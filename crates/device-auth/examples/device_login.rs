//! Signs in to an `[sso-session]` of `~/.aws/config` with the device code, as
//! `aws sso login --use-device-code` does, caching the token where the AWS CLI finds it:
//! `cargo run -p aws-sso-device-auth --example device_login -- SESSION`.

use aws_sso_device_auth::{
    LoginOptions, NamedBy, PrintPresenter, SignInTarget, SystemClock, login,
};
use aws_sso_profile_config::{FileLocations, Platform, ProcessEnv, ProfileSet, home_dir};
use aws_sso_token_cache::TokenCache;

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
    let name = std::env::args()
        .nth(1)
        .ok_or("usage: device_login SESSION")?;
    let set = ProfileSet::load(&FileLocations::from_process_env()?)?;
    let session = set.sso_session_named(&name)?;
    // `true`: the device code, not the browser redirect.
    let target = SignInTarget::resolve(NamedBy::SsoSession(name), session, &set, &ProcessEnv, true);
    let cache = TokenCache::new(&home_dir(&ProcessEnv, Platform::current())?);
    let outcome = login(
        &target,
        &cache,
        &SystemClock,
        &PrintPresenter,
        LoginOptions::default(),
    )
    .await?;
    println!(
        "signed in; the token is valid until {}",
        outcome.token().expires_at
    );
    Ok(())
}
