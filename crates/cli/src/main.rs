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

use clap::Parser;

/// The user pressed Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted; no token was written")]
pub struct Interrupted;

/// `--debug`: the libraries' and the AWS SDK's `tracing` events at debug level on stderr.
/// Secrets never reach them: the libraries trace no secret (they are `Secret`s, which print
/// as `<redacted>`), and the SDK's request interceptor traces method, path and status only.
fn init_debug_log() {
    // Ours, and the SDK's endpoint resolution, attempts, timeouts and retries; not its
    // phase-by-phase chatter.
    let filter = tracing_subscriber::EnvFilter::new(
        "warn,aws_sso_rs=debug,aws_sso_rs_cli=debug,aws_sso_device_auth=debug,\
         aws_sso_role_credentials=debug,aws_smithy_runtime::client::orchestrator::endpoints=debug,\
         aws_smithy_runtime::client::retries=debug",
    );
    let _ = tracing_subscriber::fmt()
        .compact()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .without_time()
        .try_init();
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if cli.global.debug {
        init_debug_log();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let code = exit::code_for(&error);
            let _ = writeln!(
                std::io::stderr().lock(),
                "aws-sso-rs: error: {}",
                exit::message(&error)
            );
            ExitCode::from(code)
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
                commands::profiles::run(
                    &s,
                    &world,
                    &mut std::io::stdout().lock(),
                    &mut std::io::stderr().lock(),
                )
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
                commands::status::run(
                    &s,
                    &world,
                    &mut std::io::stdout().lock(),
                    &mut std::io::stderr().lock(),
                )
            }
        }
    }
}
