//! `aws-sso-rs`: the command-line tool. It parses flags, resolves settings once, calls
//! `commands::<verb>::run`, and maps errors to exit codes here, in one place. Everything
//! else lives in the library crates.

mod cli;
mod commands;
mod exit;
mod settings;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = run(cli);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let code = exit::code_for(&error);
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "aws-sso-rs: error: {}", exit::message(&error));
            ExitCode::from(code as u8)
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let world = settings::World::real();
    match cli.command {
        cli::Command::Profiles(args) => {
            let settings = settings::ProfilesSettings::resolve(&args, &world)?;
            if cli.global.show_settings {
                return settings::show(&settings);
            }
            commands::profiles::run(&settings, &world)
        }
    }
}
