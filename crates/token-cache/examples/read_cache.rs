//! Shows what the AWS CLI's SSO cache holds for a sign-in, without printing the token:
//! `cargo run -p aws-sso-token-cache --example read_cache -- SESSION_OR_START_URL`.

use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey, TokenStatus};

fn main() -> std::process::ExitCode {
    // Errors as sentences (their Display), as a program of yours would show them.
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::args()
        .nth(1)
        .ok_or("usage: read_cache SESSION_NAME_OR_START_URL")?;
    let home = std::env::var_os("HOME").ok_or("HOME is not set")?;
    let cache = TokenCache::new(std::path::Path::new(&home));
    let key = TokenKey::new(&key);
    println!("file:  {}", cache.token_path(&key).display());
    let now = time::OffsetDateTime::now_utc();
    let status = cache.token_status(&key, &ExpiryPolicy::default(), now)?;
    match &status {
        TokenStatus::Missing => println!("state: none (sign in first)"),
        TokenStatus::Damaged(e) => println!("state: damaged ({e})"),
        TokenStatus::Unreadable(e) => println!("state: unreadable ({e})"),
        TokenStatus::Present { token, .. } => {
            let left = aws_sso_token_cache::timestamp::human_duration(token.expires_at - now);
            println!("state: {} ({left} left)", status.name());
            println!(
                "expires: {}",
                aws_sso_token_cache::timestamp::format(token.expires_at)
            );
            println!("refreshable: {}", token.can_refresh(now));
        }
        TokenStatus::Refused { at, .. } => println!(
            "state: refused by the service at {} (sign in again)",
            aws_sso_token_cache::timestamp::format(*at)
        ),
    }
    Ok(())
}
