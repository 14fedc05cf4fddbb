//! `aws-sso-rs logout`: ends the server-side sessions, deletes cached tokens and the SSO role
//! credentials, and says what it removed. Without flags it signs out of everything, as
//! `aws sso logout` does; other cache files are left alone.

use anyhow::Result;
use aws_sso_role_credentials::{PortalApi, PortalError, SdkPortal};
use aws_sso_token_cache::{CachedToken, TokenKey};

use crate::debug;
use crate::settings::{LogoutSettings, World};

async fn end_session(settings: &LogoutSettings, world: &World, cached: &CachedToken) -> String {
    let Some(region) = cached.token.region.as_deref() else {
        return "no region in the token file, so the server session was left to expire".into();
    };
    let endpoint = settings.portal_endpoint(region, world);
    debug(format_args!(
        "Logout at {} for {}",
        endpoint.url,
        cached.path.display()
    ));
    let portal = SdkPortal::with_log(
        region,
        &endpoint.url,
        endpoint.source == aws_sso_profile_config::EndpointSource::Default,
        crate::request_log(),
    );

    match portal.logout(&cached.token.access_token).await {
        Ok(()) => "server session ended".into(),
        Err(PortalError::Unauthorized) => "the token had already expired or been revoked".into(),
        Err(e) => {
            format!("the server session could not be ended ({e}); it ends when the token expires")
        }
    }
}

pub fn run(settings: &LogoutSettings, world: &World) -> Result<()> {
    let cache = settings.files.cache();
    let listing = cache.tokens()?;
    let wanted = settings.only.as_ref().map(|t| {
        cache.token_path(&TokenKey::new(
            t.session_name.as_deref().unwrap_or(&t.start_url),
        ))
    });
    let tokens: Vec<&CachedToken> = listing
        .tokens
        .iter()
        .filter(|t| wanted.as_ref().is_none_or(|w| *w == t.path))
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut removed_any = false;
    for cached in tokens {
        let what = runtime.block_on(end_session(settings, world, cached));
        std::fs::remove_file(&cached.path).or_else(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Ok(())
            } else {
                Err(e)
            }
        })?;
        let url = cached
            .token
            .start_url
            .as_deref()
            .unwrap_or("unknown start URL");
        println!(
            "Signed out of {url}: {what}; token removed ({}).",
            cached.path.display()
        );
        removed_any = true;
    }
    let roles = match &settings.only {
        None => cache.remove_sso_role_credentials()?.len(),
        Some(_) => {
            let mut n = 0;
            for key in &settings.role_keys {
                n += usize::from(cache.remove_role_credentials(key)?);
            }
            n
        }
    };
    if roles > 0 {
        println!(
            "Removed {roles} cached role credential file{}.",
            if roles == 1 { "" } else { "s" }
        );
    }
    if !removed_any && roles == 0 {
        let scope = settings
            .only
            .as_ref()
            .map_or_else(|| "any session".to_owned(), |t| t.label.clone());
        println!("Nothing to sign out of: no cached token for {scope}.");
    }
    for bad in &listing.unreadable {
        eprintln!("aws-sso-rs: warning: {}", bad.error);
    }
    Ok(())
}
