//! The one way the credential commands get role credentials. The cached path reads the
//! config and two small files and builds nothing else (no runtime, no SDK client, no TLS);
//! only a miss starts the slow path.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use anyhow::{Result, bail};
use aws_sso_device_auth::{SdkOidc, SystemClock, TokioSleeper};
use aws_sso_role_credentials::{ErrorKind, Resolver, SdkPortal, cached};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials, TokenKey};

use crate::commands::login::{LoginOptions, login};
use crate::settings::{CredentialSettings, World};

/// No new browser for this long after a `--login` sign-in failed or was abandoned.
pub const LOGIN_COOLDOWN: Duration = Duration::from_secs(300);

fn cooldown_marker(settings: &CredentialSettings) -> PathBuf {
    let key = TokenKey::new(settings.target.session.cache_key_source());
    settings
        .files
        .lock_dir
        .join(format!("login-failed-{}", key.hash()))
}

/// Role credentials for the profile of `settings`.
pub fn role_credentials(settings: &CredentialSettings, world: &World) -> Result<RoleCredentials> {
    let cache = settings.files.cache();
    let policy = ExpiryPolicy::default();
    if let Some(c) = cached(&cache, &settings.target, &policy, (world.now)()) {
        return Ok(c);
    }
    crate::debug(format_args!(
        "no fresh role credentials cached for profile '{}'; fetching",
        settings.profile
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let t = &settings.target;
        let oidc = SdkOidc::with_log(&t.session.region, &t.oidc.url, t.oidc_is_default(), crate::request_log());
        let portal = SdkPortal::with_log(&t.session.region, &t.portal.url, t.portal_is_default(), crate::request_log());
        let resolver = Resolver::new(&oidc, &portal, &SystemClock, &TokioSleeper, &cache).with_policy(policy);
        match resolver.credentials(t).await {
            Err(e) if settings.login && matches!(e.kind(), ErrorKind::NeedsLogin { .. }) => {
                let marker = cooldown_marker(settings);
                let failed_at = std::fs::metadata(&marker).and_then(|m| m.modified()).ok();
                if let Some(age) = failed_at.and_then(|t| SystemTime::now().duration_since(t).ok()).filter(|a| *a < LOGIN_COOLDOWN) {
                    bail!(
                        "a sign-in for profile '{}' failed or was abandoned {} s ago; no new browser opens for {} more seconds. Run: aws-sso-rs login --profile {}",
                        settings.profile,
                        age.as_secs(),
                        (LOGIN_COOLDOWN - age).as_secs(),
                        settings.profile
                    );
                }
                let options = LoginOptions { force: false, open_browser: true, redirect_port: 0 };
                if let Err(e) = login(&options, &settings.login_target(), world, &cache).await {
                    let _ = aws_sso_profile_config::atomic::write_atomic(&marker, b"", 0o600);
                    return Err(e);
                }
                let _ = std::fs::remove_file(&marker);
                Ok(resolver.credentials(t).await?)
            }
            other => Ok(other?),
        }
    })
}

/// `Expiration` as the AWS CLI writes it (`datetime.isoformat()` of a UTC time).
pub fn iso(t: time::OffsetDateTime) -> String {
    let fmt =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    t.to_offset(time::UtcOffset::UTC)
        .format(fmt)
        .unwrap_or_default()
}

/// The credential_process document, as `aws configure export-credentials` prints it.
pub fn process_json(c: &RoleCredentials) -> String {
    let doc = serde_json::json!({
        "Version": 1,
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key.expose(),
        "SessionToken": c.session_token.expose(),
        "Expiration": iso(c.expiration),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
