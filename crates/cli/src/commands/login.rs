//! `aws-sso-rs login`: signs in to each target and says how it went. The use case (lock,
//! reuse, refresh, flow, cache; one target after another) is `aws_sso_device_auth::login_each`;
//! what the person sees during it is the terminal presenter (`crate::presenter`).

use std::io::IsTerminal;

use anyhow::Result;
use aws_sso_device_auth::{LoginOptions, PkceOptions, SignInTarget, login_each};
use aws_sso_token_cache::TokenCache;

use crate::exit::Interrupted;
use crate::presenter::{CliPresenter, say, stdin_lines, tighten_cache_folders};
use crate::settings::LoginSettings;
use crate::world::World;

/// How `login` (and the `configure sso` wizard) signs in.
pub struct SignInChoices {
    pub open_browser: bool,
    pub redirect_port: u16,
    pub force: bool,
    /// Whether a pasted callback address is read from stdin (PKCE). The reader keeps stdin
    /// until the process ends, so a command that asks more questions afterwards says no.
    pub accept_paste: bool,
    /// Why the sign-in uses the device code instead of the browser, said when one starts.
    pub device_code_instead: Option<String>,
}

pub fn run(settings: &LoginSettings, world: &World) -> Result<()> {
    for skipped in &settings.skipped {
        say(format_args!("aws-sso-rs: warning: skipped: {skipped}"));
    }
    sign_in(
        &settings.targets,
        &settings.files.cache(),
        &SignInChoices {
            open_browser: settings.open_browser,
            redirect_port: settings.redirect_port,
            force: settings.force,
            accept_paste: true,
            device_code_instead: settings.device_code_instead.clone(),
        },
        world,
    )
}

/// Signs in to each of `targets` in turn (reusing a valid token unless forced), saying what
/// happened (`aws_sso_device_auth::login_each`, shown by the terminal presenter).
pub fn sign_in(
    targets: &[SignInTarget],
    cache: &TokenCache,
    choices: &SignInChoices,
    world: &World,
) -> Result<()> {
    tighten_cache_folders(cache);
    let runtime = world.runtime()?;
    // A pasted callback is accepted on a terminal in every mode, and always with --no-browser.
    let paste = choices.accept_paste && (!choices.open_browser || std::io::stdin().is_terminal());
    let note = std::sync::Mutex::new(choices.device_code_instead.clone());
    let presenter_for = |target: &SignInTarget| {
        CliPresenter::new(world, target, choices.open_browser, paste, true).with_note(&note)
    };
    let options_for = |_: &SignInTarget| LoginOptions {
        force: choices.force,
        pkce: PkceOptions {
            redirect_port: choices.redirect_port,
            wait: None,
            pasted: paste.then(stdin_lines),
        },
    };
    runtime.block_on(async {
        tokio::select! {
            r = login_each(targets, cache, &world.clock, presenter_for, options_for) => {
                r.map(drop).map_err(Into::into)
            }
            _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
        }
    })
}
