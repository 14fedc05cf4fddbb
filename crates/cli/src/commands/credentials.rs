//! The one way the credential commands get credentials. The cached path reads the config and
//! one small file and builds nothing else (no runtime, no SDK client, no TLS); only a miss
//! starts the slow path, which is one library call.

use anyhow::Result;
use aws_sso_device_auth::LoginOptions;
use aws_sso_role_credentials::{MfaCode, cached_credentials, credentials_for};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials};

use crate::exit::Interrupted;
use crate::presenter::CliPresenter;
use crate::settings::CredentialSettings;
use crate::world::World;

/// Asks for an MFA code on the terminal (stdin and stderr both terminals), as the AWS CLI
/// does; nobody to ask otherwise.
struct TerminalMfa {
    interactive: bool,
}

impl MfaCode for TerminalMfa {
    fn code(&self, profile: &str, serial: &str) -> Option<String> {
        use std::io::IsTerminal;
        if !self.interactive || !std::io::stderr().is_terminal() {
            return None;
        }
        dialoguer::Password::new()
            .with_prompt(format!("MFA code for {serial} (profile '{profile}')"))
            .interact()
            .ok()
    }
}

/// Credentials for the profile of `settings` (its role, or the role it assumes through
/// `source_profile`); with `--login`, signing in first when needed (the cooldown and the
/// one-browser rule are the library's).
pub fn role_credentials(settings: &CredentialSettings, world: &World) -> Result<RoleCredentials> {
    let cache = settings.files.cache();
    let policy = ExpiryPolicy::default();
    let target = &settings.target;
    if let Some(c) = cached_credentials(&cache, target, &policy, world.clock.now()) {
        tracing::debug!(
            "credentials of profile '{}' from the cache, valid until {:?}",
            settings.profile,
            c.expiration
        );
        return Ok(c);
    }
    tracing::debug!(
        "no fresh credentials cached for profile '{}'; fetching",
        settings.profile
    );
    crate::presenter::tighten_cache_folders(&cache);
    let runtime = world.runtime()?;
    let mfa = TerminalMfa {
        interactive: world.interactive,
    };
    let note = std::sync::Mutex::new(settings.device_code_instead.clone());
    runtime.block_on(async {
        let presenter = settings
            .login
            .then(|| target.sign_in())
            .flatten()
            .map(|sign_in| CliPresenter::new(world, sign_in, true, false, false).with_note(&note));
        let sign_in = presenter.as_ref().map(|p| (p, LoginOptions::default()));
        // The presenter's spinner stops when it is dropped, Ctrl-C or not.
        tokio::select! {
            r = credentials_for(target, &cache, &world.clock, policy, sign_in, &mfa) => Ok(r?),
            _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
        }
    })
}
