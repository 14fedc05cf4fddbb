//! `aws-sso-rs logout`: the library's `logout` and `remove_leftovers`, and a line per
//! sign-in saying what was ended and removed.

use anyhow::Result;
use aws_sso_role_credentials::{LogoutScope, ServerLogout, sign_out};

use crate::settings::LogoutSettings;
use crate::world::World;

fn server(outcome: &ServerLogout) -> String {
    match outcome {
        ServerLogout::Ended => "server session ended".into(),
        ServerLogout::AlreadyEnded => "the token had already expired or been revoked".into(),
        ServerLogout::NoRegion => {
            "no region in the cached token, so the server session was left to expire".into()
        }
        ServerLogout::Damaged => "the cached token was damaged".into(),
        ServerLogout::Failed(e) => {
            format!("the server session could not be ended ({e}); it ends when the token expires")
        }
    }
}

pub fn run(settings: &LogoutSettings, world: &World) -> Result<()> {
    let cache = settings.files.cache();
    let scope = match &settings.session {
        None => LogoutScope::Everything,
        Some(s) => LogoutScope::Session(s),
    };
    let (report, leftovers) = world.runtime()?.block_on(sign_out(
        &cache,
        &settings.set,
        &settings.sessions,
        world.env.as_ref(),
        scope,
        &settings.files.directory_cache(),
        &settings.files.credentials_file,
    ))?;
    for t in &report.tokens {
        let shown = if t.in_keyring {
            cache.entry_shown(&t.token_file)
        } else {
            t.token_file.clone()
        };
        println!(
            "Signed out of {}: {}; token removed ({}){}.",
            t.label,
            server(&t.server),
            shown.display(),
            if t.exported_copy {
                format!(", and its exported copy {}", t.token_file.display())
            } else {
                String::new()
            }
        );
    }
    let roles = report.role_credentials_removed.len();
    if roles > 0 {
        let plural = if roles == 1 { "" } else { "s" };
        match cache.keyring() {
            None => println!("Removed {roles} cached role credential file{plural}."),
            Some(_) => println!(
                "Removed {roles} cached role credential{plural} from {}.",
                aws_sso_token_cache::KEYRING_BACKEND
            ),
        }
    }
    let assumed = leftovers.assumed_roles_removed;
    if assumed > 0 {
        println!(
            "Removed {assumed} cached role{} assumed through source_profile.",
            if assumed == 1 { "" } else { "s" }
        );
    }
    for warning in &leftovers.warnings {
        eprintln!("aws-sso-rs: warning: {warning}");
    }
    let exports_removed = !leftovers.exports_removed.is_empty();
    if exports_removed {
        println!(
            "Removed the exported credentials [{}] from {}.",
            leftovers.exports_removed.join("], ["),
            settings.files.credentials_file.display()
        );
    }
    if report.tokens.is_empty() && roles == 0 && !exports_removed && assumed == 0 {
        let scope = settings
            .session
            .as_ref()
            .map_or_else(|| "any session".to_owned(), |s| s.session.label());
        println!("Nothing to sign out of: no cached token for {scope}.");
    }
    for bad in &report.unreadable {
        eprintln!("aws-sso-rs: warning: {}", bad.error);
    }
    Ok(())
}
