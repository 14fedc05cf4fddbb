//! `aws-sso-rs logout`: one library call (`aws_sso_role_credentials::logout`), and a line
//! per sign-in saying what was ended and removed.

use anyhow::Result;
use aws_sso_profile_config::{ConfigDocument, FileKind, remove_exported_credentials};
use aws_sso_role_credentials::{LogoutScope, ServerLogout, logout};

use crate::settings::LogoutSettings;
use crate::world::World;

fn server(outcome: &ServerLogout) -> String {
    match outcome {
        ServerLogout::Ended => "server session ended".into(),
        ServerLogout::AlreadyEnded => "the token had already expired or been revoked".into(),
        ServerLogout::NoRegion => {
            "no region in the token file, so the server session was left to expire".into()
        }
        ServerLogout::Damaged => "the token file was damaged".into(),
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
    let runtime = world.runtime()?;
    let report = runtime.block_on(logout(
        &cache,
        &settings.set,
        &settings.sessions,
        world.env.as_ref(),
        scope,
    ))?;
    for t in &report.tokens {
        println!(
            "Signed out of {}: {}; token removed ({}).",
            t.label,
            server(&t.server),
            t.token_file.display()
        );
    }
    let roles = report.role_credentials_removed.len();
    if roles > 0 {
        println!(
            "Removed {roles} cached role credential file{}.",
            if roles == 1 { "" } else { "s" }
        );
    }
    // What else aws-sso-rs left: the directory cache, and keys exported to the credentials file.
    let directories = settings.files.directory_cache();
    let cleared = match &settings.session {
        None => directories.clear().map(|_| ()),
        Some(s) => directories
            .remove(&aws_sso_token_cache::TokenKey::for_session(&s.session))
            .map(|_| ()),
    };
    if let Err(e) = cleared {
        eprintln!(
            "aws-sso-rs: warning: the cached account list in {} may remain: {e}",
            directories.dir().display()
        );
    }
    let path = &settings.files.credentials_file;
    let cleaned = ConfigDocument::load(path, FileKind::Credentials).and_then(|mut doc| {
        let removed = remove_exported_credentials(&mut doc, |profile| match &settings.session {
            None => true,
            Some(s) => s.profiles.iter().any(|p| p.profile == profile),
        });
        if !removed.is_empty() {
            doc.save()?;
        }
        Ok(removed)
    });
    let exports_removed = matches!(&cleaned, Ok(removed) if !removed.is_empty());
    match cleaned {
        Ok(removed) if !removed.is_empty() => println!(
            "Removed the exported credentials [{}] from {}.",
            removed.join("], ["),
            path.display()
        ),
        Ok(_) => {}
        Err(e) => eprintln!(
            "aws-sso-rs: warning: exported credentials may remain in {}: {e}",
            path.display()
        ),
    }
    if report.tokens.is_empty() && roles == 0 && !exports_removed {
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
