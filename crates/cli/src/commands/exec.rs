//! `aws-sso-rs exec -- CMD`: runs CMD with the profile's role credentials in its environment.
//! On Unix the program replaces aws-sso-rs, so its stdin, stdout, stderr, exit status and
//! signals are its own. With `--server` the credentials are served on 127.0.0.1 instead
//! (the container-credentials protocol), always fresh; aws-sso-rs then stays as the parent
//! and exits with the program's status.

use std::process::Command;

use anyhow::{Context, Result, bail};
use aws_sso_profile_config::env::vars;
use aws_sso_role_credentials::{
    ContainerServer, Handover, ProgramEnvironment, outer_exec, program_environment,
};

use crate::commands::credentials::role_credentials;
use crate::exit::CannotRun;
use crate::settings::CredentialSettings;
use crate::world::World;

/// `command` with the environment changes `env` says.
fn command_with(command: &[String], env: ProgramEnvironment) -> Command {
    let (program, args) = command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(args);
    for var in env.remove {
        cmd.env_remove(var);
    }
    cmd.envs(env.set);
    cmd
}

pub fn run(
    settings: &CredentialSettings,
    command: &[String],
    force: bool,
    server: bool,
    world: &World,
) -> Result<()> {
    if let Some(outer) = outer_exec(world.env.as_ref()).filter(|_| !force) {
        bail!(
            "already inside `aws-sso-rs exec` for profile '{outer}' ({} is set); exit that shell first, or pass --force to nest",
            vars::AWS_SSO_RS_PROFILE
        );
    }
    // Fail before starting the program when there are no credentials to give it.
    let creds = role_credentials(settings, world)?;
    // A person's use, for the picker's order.
    crate::picker::used(world, &settings.files, &settings.profile);
    let program = &command[0];
    if server {
        return run_with_server(settings, command, world);
    }
    let mut cmd = command_with(
        command,
        program_environment(
            &settings.profile,
            settings.region.as_deref(),
            Handover::Keys(&creds),
        ),
    );
    tracing::debug!(
        "running {program} with the credentials of profile '{}'",
        settings.profile
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = cmd.exec();
        Err(CannotRun::new(program, error).into())
    }
    #[cfg(not(unix))]
    {
        let status = cmd.status().map_err(|e| CannotRun::new(program, e))?;
        std::process::exit(status.code().unwrap_or(1));
    }
}

fn run_with_server(settings: &CredentialSettings, command: &[String], world: &World) -> Result<()> {
    if settings.target.long_term_keys() {
        return Err(crate::exit::usage(format!(
            "--server serves short-lived credentials (the AWS SDKs need their token and expiry), and profile '{}' holds long-term keys; run exec without --server",
            settings.profile
        )));
    }
    let runtime = world.runtime()?;
    let server = runtime
        .block_on(ContainerServer::bind())
        .context("cannot listen on 127.0.0.1 for the credential server")?;
    let (url, token) = (server.url().to_owned(), server.token().clone());
    runtime.spawn(server.serve_target(
        settings.target.clone(),
        settings.files.cache(),
        world.clock.clone(),
    ));
    // Ctrl-C reaches the program from the terminal; aws-sso-rs waits for it to end.
    runtime.spawn(async { while tokio::signal::ctrl_c().await.is_ok() {} });
    let mut cmd = command_with(
        command,
        program_environment(
            &settings.profile,
            settings.region.as_deref(),
            Handover::Endpoint {
                url: &url,
                token: &token,
            },
        ),
    );
    tracing::debug!("serving credentials at {url} for {}", command[0]);
    let mut child = cmd.spawn().map_err(|e| CannotRun::new(&command[0], e))?;
    // SIGTERM or SIGHUP sent to aws-sso-rs alone (a service manager, a closed terminal) is
    // passed on: the program never runs on against a server that is gone.
    #[cfg(unix)]
    {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
        runtime.spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut hup)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
            ) else {
                return;
            };
            loop {
                let passed = tokio::select! {
                    _ = term.recv() => nix::sys::signal::Signal::SIGTERM,
                    _ = hup.recv() => nix::sys::signal::Signal::SIGHUP,
                };
                let _ = nix::sys::signal::kill(pid, passed);
            }
        });
    }
    let status = child.wait().map_err(|e| CannotRun::new(&command[0], e))?;
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        std::process::exit(128 + signal);
    }
    std::process::exit(status.code().unwrap_or(1));
}
