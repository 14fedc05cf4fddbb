//! `aws-sso-rs`: the command-line tool. It parses flags, resolves settings once, calls
//! `commands::<verb>::run`, and maps errors to exit codes here, in one place. Everything
//! else lives in the library crates.

mod browser;
mod cli;
mod commands;
mod exit;
mod settings;

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;

static DEBUG: AtomicBool = AtomicBool::new(false);

/// Prints a `--debug` line on stderr. Callers pass no secrets: tokens, client secrets, codes
/// and verifiers are `Secret`s, which print as `<redacted>`.
pub fn debug(line: std::fmt::Arguments<'_>) {
    if DEBUG.load(Ordering::Relaxed) {
        let _ = writeln!(std::io::stderr().lock(), "aws-sso-rs: debug: {line}");
    }
}

/// The SDK request log for `--debug`, when it is on.
pub fn request_log() -> Option<aws_sso_device_auth::RequestLog> {
    DEBUG
        .load(Ordering::Relaxed)
        .then_some(aws_sso_device_auth::RequestLog(debug))
}

/// The user pressed Ctrl-C.

#[derive(Debug, thiserror::Error)]
#[error("interrupted; nothing was written to the cache")]
pub struct Interrupted;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    DEBUG.store(cli.global.debug, Ordering::Relaxed);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let code = exit::code_for(&error);
            let _ = writeln!(
                std::io::stderr().lock(),
                "aws-sso-rs: error: {}",
                exit::message(&error)
            );
            ExitCode::from(code as u8)
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let world = settings::World::real();
    let show = cli.global.show_settings;
    match cli.command {
        cli::Command::Profiles(args) => {
            let s = settings::ProfilesSettings::resolve(&args, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::profiles::run(&s, &world)
            }
        }
        cli::Command::Login(args) => {
            let s = settings::LoginSettings::resolve(&args, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::login::run(&s, &world)
            }
        }
        cli::Command::Logout(args) => {
            let s = settings::LogoutSettings::resolve(&args, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::logout::run(&s, &world)
            }
        }
        cli::Command::CredentialProcess(args) => {
            let s = settings::CredentialSettings::resolve(Some(&args.profile), args.login, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::credential_process::run(&s, &world)
            }
        }
        cli::Command::Export(args) => {
            let s = settings::CredentialSettings::resolve(args.profile.as_deref(), false, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::export::run(&s, args.format, &world)
            }
        }
        cli::Command::Exec(args) => {
            let s =
                settings::CredentialSettings::resolve(args.profile.as_deref(), args.login, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::exec::run(&s, &args.command, args.force, args.server, &world)
            }
        }
        cli::Command::Whoami(args) => {
            let s = settings::CredentialSettings::resolve(args.profile.as_deref(), false, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::whoami::run(&s, args.output, &world)
            }
        }
        cli::Command::Status(args) => {
            let s = settings::StatusSettings::resolve(&args, &world)?;
            if show {
                settings::show(&s)
            } else {
                commands::status::run(&s, &world)
            }
        }
    }
}
