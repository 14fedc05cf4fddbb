//! `aws-sso-rs`: the command-line tool. It parses flags, resolves settings once, calls
//! `commands::<verb>::run`, and maps errors to exit codes here, in one place. Everything
//! else lives in the library crates.
// The doc comments of the clap types are the command's --help text, which clap prints as
// written; rustdoc's link and URL rules do not apply to them.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls)]

mod browser;
mod cli;
mod commands;
mod exit;
mod picker;
mod presenter;
mod settings;
mod world;

use std::io::Write;
use std::process::ExitCode;

use aws_sso_profile_config::ProfileSet;
use aws_sso_profile_config::env::vars::COMPLETE;
use clap::Parser;

/// `--debug`: the libraries' and the AWS SDK's `tracing` events at debug level on stderr.
/// Secrets never reach them: the libraries trace no secret (they are `Secret`s, which print
/// as `<redacted>`), and the SDK's request interceptor traces method, path, operation, status
/// and time taken, never headers, query strings or bodies.
fn init_debug_log() {
    // Ours, and the SDK's endpoint resolution, attempts, timeouts and retries; not its
    // phase-by-phase chatter.
    use tracing_subscriber::filter::{LevelFilter, Targets};
    let filter = Targets::new().with_default(LevelFilter::WARN).with_targets(
        [
            "aws_sso_rs",
            "aws_sso_rs_cli",
            "aws_sso_device_auth",
            "aws_sso_role_credentials",
            "aws_smithy_runtime::client::retries",
            "aws_smithy_runtime::client::orchestrator::endpoints",
        ]
        .map(|t| (t, LevelFilter::DEBUG)),
    );
    use tracing_subscriber::layer::SubscriberExt;
    let layer = tracing_subscriber::fmt::layer()
        .compact()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .without_time();
    let _ = tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(layer).with(filter),
    );
}

/// The arguments after the program's name, when the command line may skip clap: not while
/// the shell asks for completions (`COMPLETE=...`, which clap_complete answers whatever the
/// arguments), and only for `command`.
fn fast_args(world: &world::World, command: &str) -> Option<std::iter::Skip<std::env::ArgsOs>> {
    if world.env.non_empty(COMPLETE).is_some_and(|v| v != "0") {
        return None;
    }
    let mut args = std::env::args_os().skip(1);
    (args.next()? == command).then_some(args)
}

/// `aws-sso-rs prompt [--format F]` runs on every shell prompt: it skips building the whole
/// command line (clap) when its arguments are that simple. Anything else (`--help`, a typo)
/// goes through clap as usual.
fn fast_prompt(world: &world::World) -> Option<()> {
    let mut args = fast_args(world, "prompt")?;
    let mut format = None;
    while let Some(arg) = args.next() {
        let arg = arg.into_string().ok()?;
        format = Some(match arg.strip_prefix("--format=") {
            Some(f) => f.to_owned(),
            None if arg == "--format" => args.next()?.into_string().ok()?,
            None => return None,
        });
    }
    let format = format.unwrap_or_else(|| commands::prompt::DEFAULT_FORMAT.to_owned());
    let _ = commands::prompt::run(&format, world, &mut std::io::stdout().lock());
    Some(())
}

/// `aws-sso-rs credential-process --profile P [--login]` runs for every AWS SDK client that
/// uses the profile, and most often answers from the cache: like `prompt`, it skips clap when
/// its arguments are that simple (building clap's command line was a sixth of its time).
/// Anything else (`--debug`, `--show-settings`, a value clap would refuse or read otherwise,
/// such as an empty one or one starting with `-`) goes through clap as usual.
fn fast_credential_process(world: &world::World) -> Option<anyhow::Result<()>> {
    let mut args = fast_args(world, "credential-process")?;
    let (mut profile, mut login) = (None, false);
    while let Some(arg) = args.next() {
        let arg = arg.into_string().ok()?;
        match arg.as_str() {
            "--login" if !login => login = true,
            "--profile" if profile.is_none() => profile = Some(args.next()?.into_string().ok()?),
            _ => match arg.strip_prefix("--profile=") {
                Some(value) if profile.is_none() => profile = Some(value.to_owned()),
                _ => return None,
            },
        }
    }
    if profile
        .as_ref()
        .is_some_and(|p| p.is_empty() || p.starts_with('-'))
    {
        return None;
    }
    let profile = credential_process_profile(world, profile.as_deref()).ok()?;
    Some(
        credential_settings(world, Some(&profile), login, false)
            .and_then(|s| commands::credential_process::run(&s, world)),
    )
}

/// The profile of `credential-process`: `--profile`, else the `AWS_SSO_*` variables'. Never
/// `AWS_PROFILE`: an SDK sets it to the profile whose `credential_process` runs this.
fn credential_process_profile(
    world: &world::World,
    profile: Option<&str>,
) -> anyhow::Result<String> {
    match profile {
        Some(p) => Ok(p.to_owned()),
        None if aws_sso_profile_config::SsoVariables::any_set(world.env.as_ref()) => {
            Ok(aws_sso_profile_config::SSO_VARIABLES_PROFILE.to_owned())
        }
        None => Err(exit::usage(
            "credential-process needs --profile NAME (AWS_PROFILE is not read here: an SDK \
             sets it to the profile whose credential_process runs this), or the AWS_SSO_* \
             variables",
        )),
    }
}

fn main() -> ExitCode {
    // The environment, read once for the whole command.
    let world = world::World::real();
    if fast_prompt(&world).is_some() {
        return ExitCode::SUCCESS;
    }
    if let Some(result) = fast_credential_process(&world) {
        return exit_code(result);
    }
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .var(COMPLETE)
        .complete();
    let cli = cli::Cli::parse();
    if cli.global.debug {
        init_debug_log();
    }
    exit_code(run(cli, &world))
}

/// The exit code of a command's result, its error (if any) printed on stderr.
fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`aws-sso-rs ... | head -1`): nothing more to say, as for any
        // Unix tool.
        Err(error)
            if error.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
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

/// This executable's absolute path, for the code `shell-init` and `completions` print.
fn this_binary() -> std::path::PathBuf {
    std::env::current_exe().unwrap_or_else(|_| "aws-sso-rs".into())
}

/// The settings of a credential command for `profile` (else the environment's); with
/// `may_pick`, a person at the terminal picks a profile when none is named and `default`
/// will not do (`picker::or_pick`).
fn credential_settings(
    world: &world::World,
    profile: Option<&str>,
    login: bool,
    may_pick: bool,
) -> anyhow::Result<settings::CredentialSettings> {
    let files = world::Files::resolve(world)?;
    let env = world.env.as_ref();
    if !may_pick {
        return settings::CredentialSettings::resolve(
            profile,
            login,
            env,
            world.interactive,
            files,
        );
    }
    picker::or_pick(world, &files, profile, |profile| {
        settings::CredentialSettings::resolve(profile, login, env, world.interactive, files.clone())
    })
}

fn run(cli: cli::Cli, world: &world::World) -> anyhow::Result<()> {
    let show = cli.global.show_settings;
    let has_settings = !matches!(
        cli.command,
        cli::Command::ShellInit(_)
            | cli::Command::Completions(_)
            | cli::Command::Manpage(_)
            | cli::Command::Pick(_)
            | cli::Command::Prompt(_)
            | cli::Command::Configure(cli::ConfigureCommand::Sso(_))
            | cli::Command::Storage(_)
            | cli::Command::Configure(cli::ConfigureCommand::CredentialProcess(_))
            | cli::Command::Token(_)
    );
    if show && !has_settings {
        return Err(exit::usage(
            "--show-settings: this command has no resolved settings to show",
        ));
    }
    let env = world.env.as_ref();
    let files = || world::Files::resolve(world);
    match cli.command {
        cli::Command::Profiles(args) => {
            let s = settings::ProfilesSettings::resolve(&args, files()?);
            if show {
                settings::show(&s)
            } else {
                commands::profiles::run(
                    &s,
                    world,
                    &mut std::io::stdout().lock(),
                    &mut std::io::stderr().lock(),
                )
            }
        }
        cli::Command::Login(args) => {
            let files = files()?;
            let set = ProfileSet::load(&files.locations())?;
            let s = picker::or_pick(world, &files, args.profile.as_deref(), |profile| {
                settings::LoginSettings::resolve(
                    &args,
                    profile,
                    env,
                    world.interactive,
                    files.clone(),
                    &set,
                )
            })?;
            if show {
                settings::show(&s)
            } else {
                commands::login::run(&s, world)
            }
        }
        cli::Command::Logout(args) => {
            let files = files()?;
            let set = ProfileSet::load(&files.locations())?;
            let s = settings::LogoutSettings::resolve(&args, files, set)?;
            if show {
                settings::show(&s)
            } else {
                commands::logout::run(&s, world)
            }
        }
        cli::Command::CredentialProcess(args) => {
            let profile = credential_process_profile(world, args.profile.as_deref())?;
            let s = credential_settings(world, Some(&profile), args.login, false)?;
            if show {
                settings::show(&s)
            } else {
                commands::credential_process::run(&s, world)
            }
        }
        cli::Command::Export(args) => {
            let s = credential_settings(world, args.profile.as_deref(), false, false)?;
            if show {
                settings::show(&s)
            } else {
                commands::export::run(&s, &args, world)
            }
        }
        cli::Command::Exec(args) => {
            let s = credential_settings(world, args.profile.as_deref(), args.login, true)?;
            if show {
                settings::show(&s)
            } else {
                commands::exec::run(&s, &args.command, args.force, args.server, world)
            }
        }
        cli::Command::Serve(args) => {
            let s = settings::ServeSettings::resolve(&args, env, files()?)?;
            if show {
                settings::show(&s)
            } else {
                commands::serve::run(&s, world)
            }
        }
        cli::Command::Whoami(args) => {
            let s = credential_settings(world, args.profile.as_deref(), false, true)?;
            if show {
                settings::show(&s)
            } else {
                commands::whoami::run(&s, args.output, world)
            }
        }
        cli::Command::List(args) => {
            let files = files()?;
            let set = ProfileSet::load(&files.locations())?;
            let s = settings::ListSettings::resolve(&args, env, files, set)?;
            if show {
                settings::show(&s)
            } else {
                commands::list::run(&s, world, &mut std::io::stdout().lock())
            }
        }
        cli::Command::Console(args) => {
            let credentials = credential_settings(world, args.profile.as_deref(), false, true)?;
            let s = settings::ConsoleSettings::resolve(&args, credentials, env);
            if show {
                settings::show(&s)
            } else {
                commands::console::run(&s, world)
            }
        }
        cli::Command::ShellInit(args) => {
            print!(
                "{}",
                commands::shell_init::script(args.shell, &this_binary(), args.prompt)
            );
            Ok(())
        }
        cli::Command::Completions(args) => commands::completions::write(
            args.shell,
            &args.binary.unwrap_or_else(this_binary),
            &mut std::io::stdout().lock(),
        ),
        cli::Command::Manpage(args) => commands::manpage::run(&args, &mut std::io::stdout().lock()),
        cli::Command::Pick(args) => commands::pick::run(args.query.as_deref(), world),
        cli::Command::Prompt(args) => {
            commands::prompt::run(&args.format, world, &mut std::io::stdout().lock())
        }
        cli::Command::Configure(cli::ConfigureCommand::CredentialProcess(args)) => {
            commands::storage::process_profiles(&args, &files()?)
        }
        cli::Command::Storage(cli::StorageCommand::Migrate(args)) => {
            commands::storage::migrate(&args, &files()?)
        }
        cli::Command::Token(cli::TokenCommand::Export(args)) => {
            commands::storage::export_token(&args, world, &files()?)
        }
        cli::Command::Configure(cli::ConfigureCommand::Sso(args)) => {
            commands::configure_sso::run(&args, world)
        }
        cli::Command::Configure(cli::ConfigureCommand::Populate(args)) => {
            let files = files()?;
            let set = ProfileSet::load(&files.locations())?;
            let s = settings::PopulateSettings::resolve(&args, env, files, &set)?;
            if show {
                settings::show(&s)
            } else {
                commands::populate::run(
                    &s,
                    world,
                    &mut std::io::stdout().lock(),
                    &mut std::io::stderr().lock(),
                )
            }
        }
        cli::Command::Doctor(args) => {
            // A settings file doctor cannot read is one of its checks, not a stop.
            let files = world::Files::resolve_lenient(world)?;
            let s = settings::DoctorSettings::resolve(&args, env, world.platform, files)?;
            if show {
                settings::show(&s)
            } else {
                commands::doctor::run(&s, world, &mut std::io::stdout().lock())
            }
        }
        cli::Command::Status(args) => {
            let s = settings::StatusSettings::resolve(&args, files()?);
            if show {
                settings::show(&s)
            } else {
                commands::status::run(
                    &s,
                    world,
                    &mut std::io::stdout().lock(),
                    &mut std::io::stderr().lock(),
                )
            }
        }
    }
}
