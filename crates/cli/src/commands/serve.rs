//! `aws-sso-rs serve`: the credential server for IDEs, containers and long jobs,
//! `aws_sso_role_credentials::ProfileServer` behind a `ContainerServer`, until SIGTERM or
//! Ctrl-C. This file binds, writes the token file, prints the lines to use and what the server
//! reports.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result};
use aws_sso_profile_config::env::vars;
use aws_sso_role_credentials::{ContainerServer, ProfileServer, ServeEvents, TokenFile, new_token};

use crate::settings::ServeSettings;
use crate::world::World;

/// What the server reports, on stderr.
struct Stderr;

impl ServeEvents for Stderr {
    fn unavailable(&self, profile: &str, message: &str) {
        eprintln!("aws-sso-rs serve: profile '{profile}' cannot be served: {message}");
    }

    fn recovered(&self, profile: &str) {
        eprintln!("aws-sso-rs serve: profile '{profile}' is served again");
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn run(settings: &ServeSettings, world: &World) -> Result<()> {
    let runtime = world.runtime_with_workers(2)?;
    let token = new_token().context("cannot make the server's token")?;
    // Bound before the token file is written: a second server on a busy port leaves the
    // first one's token alone.
    let server = runtime.block_on(ContainerServer::bind_to(settings.listen, token.clone()))?;
    let token_file = TokenFile::write(settings.token_file.clone(), token).with_context(|| {
        format!(
            "cannot write the token file {} (choose another with --token-file)",
            settings.token_file.display()
        )
    })?;

    let addr = server.local_addr();
    // A server on every address is reached on loopback from here.
    let host = if addr.ip().is_unspecified() {
        format!("127.0.0.1:{}", addr.port())
    } else {
        addr.to_string()
    };
    let example = settings.example_profile.as_deref().unwrap_or("NAME");
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}=http://{host}{}",
            vars::AWS_CONTAINER_CREDENTIALS_FULL_URI,
            ProfileServer::<Stderr>::path_of(example)
        )?;
        writeln!(
            out,
            "{}={}",
            vars::AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
            token_file.path().display()
        )?;
        out.flush()?;
    }
    let served = if settings.profiles.is_empty() {
        "every profile of the config".to_owned()
    } else {
        format!("profiles {}", settings.profiles.join(", "))
    };
    eprintln!(
        "aws-sso-rs serve: serving {served} on http://{addr}/profile/NAME (the token is in {}); stop with Ctrl-C or SIGTERM",
        token_file.path().display()
    );

    let files = &settings.files;
    let only = (!settings.profiles.is_empty())
        .then(|| settings.profiles.iter().cloned().collect::<BTreeSet<_>>());
    let profiles = Arc::new(ProfileServer::new(
        files.locations(),
        world.env.clone(),
        files.cache(),
        world.clock.clone(),
        only,
        Stderr,
    ));
    runtime.block_on(async {
        let renewing = profiles.clone();
        tokio::select! {
            () = server.serve(profiles, stop_signal()) => {}
            () = async move { renewing.renew().await } => {}
        }
    });
    // The token is of no use once the server is gone.
    token_file.remove();
    eprintln!("aws-sso-rs serve: stopped");
    Ok(())
}
