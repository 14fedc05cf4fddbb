//! The one way the credential commands get credentials. The cached path reads the config and
//! one small file and builds nothing else (no runtime, no SDK client, no TLS); only a miss
//! starts the slow path, which is one library call.

use anyhow::Result;
use aws_sso_device_auth::LoginOptions;
use aws_sso_role_credentials::{
    CredentialTarget, MfaCode, cached_credentials, credentials_for, link_key,
};
use aws_sso_token_cache::{ExpiryPolicy, RoleCredentials};

use crate::exit::Interrupted;
use crate::presenter::CliPresenter;
use crate::settings::CredentialSettings;
use crate::world::World;

/// The MFA codes a chain will need, asked on the terminal (stdin and stderr both terminals),
/// as the AWS CLI does, before any network call: a person can still press Ctrl-C at the
/// prompt, which the async runtime would otherwise hold. Nobody to ask: none.
struct TerminalMfa {
    codes: Vec<(String, String)>,
}

impl TerminalMfa {
    /// Asks for the code of every link of `target` with `mfa_serial` above the highest link
    /// still cached (those below are not assumed again).
    fn ask(
        target: &CredentialTarget,
        cache: &aws_sso_token_cache::TokenCache,
        policy: &ExpiryPolicy,
        now: time::OffsetDateTime,
        interactive: bool,
    ) -> Result<Self> {
        use std::io::IsTerminal;
        let mut codes = Vec::new();
        let CredentialTarget::Chain(chain) = target else {
            return Ok(Self { codes });
        };
        if !interactive || !std::io::stderr().is_terminal() {
            return Ok(Self { codes });
        }
        for link in chain.chain.links.iter().rev() {
            let cached = cache
                .load_assumed_role(&link_key(link))
                .ok()
                .flatten()
                .is_some_and(|c| policy.role_credentials_fresh(&c, now));
            if cached {
                break;
            }
            if let Some(serial) = &link.mfa_serial {
                let code = dialoguer::Password::new()
                    .with_prompt(format!(
                        "MFA code for {serial} (profile '{}')",
                        link.profile
                    ))
                    .interact()?;
                codes.push((link.profile.clone(), code));
            }
        }
        Ok(Self { codes })
    }
}

impl MfaCode for TerminalMfa {
    fn code(&self, profile: &str, _serial: &str) -> Option<String> {
        self.codes
            .iter()
            .find(|(p, _)| p == profile)
            .map(|(_, code)| code.clone())
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
    let mfa = TerminalMfa::ask(
        target,
        &cache,
        &policy,
        world.clock.now(),
        world.interactive,
    )?;
    let runtime = world.runtime()?;
    let note = std::sync::Mutex::new(settings.device_code_instead.clone());
    runtime.block_on(async {
        let presenter = settings
            .login
            .then(|| target.sign_in())
            .flatten()
            .map(|sign_in| {
                // Where none can be opened, none is tried (why was said when the flow changed).
                let open = crate::browser::can_open(world.env.as_ref()).is_ok();
                CliPresenter::new(world, sign_in, open, false, false).with_note(&note)
            });
        let sign_in = presenter.as_ref().map(|p| (p, LoginOptions::default()));
        // The presenter's spinner stops when it is dropped, Ctrl-C or not.
        tokio::select! {
            r = credentials_for(target, &cache, &world.clock, policy, sign_in, &mfa) => Ok(r?),
            _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
        }
    })
}
