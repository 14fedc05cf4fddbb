//! `aws-sso-rs serve`: the credential server for IDEs, containers and long jobs,
//! `aws_sso_role_credentials::ProfileServer` behind a `ContainerServer`, until SIGTERM, SIGHUP
//! or Ctrl-C (a second one ends it at once). This file binds, writes the token file, prints the
//! lines to use and what the server reports.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use aws_sso_profile_config::env::vars;
use aws_sso_role_credentials::{
    ContainerServer, ProfileServer, ServeEvents, TokenFile, default_token_file, new_token,
};

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

    fn renewal_failed(&self, profile: &str, message: &str) {
        eprintln!("aws-sso-rs serve: profile '{profile}': {message}");
    }

    fn renewed_again(&self, profile: &str, until: Option<time::OffsetDateTime>) {
        let until = until.map(aws_sso_token_cache::timestamp::format);
        eprintln!(
            "aws-sso-rs serve: profile '{profile}' is renewed again (until {})",
            until.as_deref().unwrap_or("-")
        );
    }

    fn unauthorized(&self, peer: SocketAddr) {
        eprintln!(
            "aws-sso-rs serve: a request from {peer} came without the right token (401): a program must send the token of the file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names (the later ones are not said; --debug shows each)"
        );
    }
}

/// Completes on the first of SIGTERM, SIGHUP and SIGINT (Ctrl-C); its number.
#[cfg(unix)]
async fn any_stop(signals: &mut Option<[tokio::signal::unix::Signal; 3]>) -> i32 {
    match signals {
        Some([term, hup, int]) => {
            tokio::select! {
                _ = term.recv() => 15,
                _ = hup.recv() => 1,
                _ = int.recv() => 2,
            }
        }
        None => {
            let _ = tokio::signal::ctrl_c().await;
            2
        }
    }
}

/// Completes on a stop signal; a second one then ends the process at once, removing
/// `token_file`.
async fn stop_signal(token_file: PathBuf) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut signals = match (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(term), Ok(hup), Ok(int)) => Some([term, hup, int]),
            _ => None,
        };
        any_stop(&mut signals).await;
        eprintln!(
            "aws-sso-rs serve: stopping (finishing the requests under way, for at most {} s; again to stop at once)",
            aws_sso_role_credentials::DRAIN.as_secs()
        );
        tokio::spawn(async move {
            let signal = any_stop(&mut signals).await;
            aws_sso_role_credentials::remove_token_file(&token_file);
            eprintln!("aws-sso-rs serve: stopped at once");
            // As a shell reports a program a signal ended.
            std::process::exit(128 + signal);
        });
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        let _ = token_file;
    }
}

/// Removes the token file however `run` ends once it is written.
struct RemoveOnDrop(Option<TokenFile>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(file) = self.0.take() {
            file.remove();
        }
    }
}

/// Whether the AWS SDKs take a plain-HTTP credentials endpoint on `ip`: loopback, or the
/// addresses of the ECS and EKS agents.
fn sdks_accept(ip: IpAddr) -> bool {
    ip.is_loopback()
        || ip == IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2))
        || ip == IpAddr::V4(Ipv4Addr::new(169, 254, 170, 23))
        || ip == IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23))
}

/// The address programs on this machine use to reach `addr`: loopback for a server on every
/// address.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port())
        }
        _ => addr,
    }
}

pub fn run(settings: &ServeSettings, world: &World) -> Result<()> {
    let runtime = world.runtime_with_workers(2)?;
    let token = new_token().context("cannot make the server's token")?;
    // Bound before the token file is written: a second server on a busy port leaves the
    // first one's token alone.
    let server = runtime.block_on(ContainerServer::bind_to(settings.listen, token.clone()))?;
    let addr = server.local_addr();
    let (path, own_folder) = match &settings.token_file {
        Some(path) => (path.clone(), false),
        None => (
            default_token_file(world.env.as_ref(), &settings.files.tool_cache_dir, addr),
            true,
        ),
    };
    let token_file = TokenFile::write(path.clone(), token, own_folder).with_context(|| {
        format!(
            "cannot write the token file {} (choose another with --token-file)",
            path.display()
        )
    })?;
    let token_file = RemoveOnDrop(Some(token_file));

    let shown = reachable(addr);
    let example = settings.example_profile.as_deref().unwrap_or("NAME");
    let profile_path = ProfileServer::<Stderr>::path_of(example);
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}=http://{shown}{profile_path}",
            vars::AWS_CONTAINER_CREDENTIALS_FULL_URI,
        )?;
        writeln!(
            out,
            "{}={}",
            vars::AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
            path.display()
        )?;
        // On the ECS agent's address and port, containers may use the relative form.
        if shown.ip() == IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2)) && shown.port() == 80 {
            writeln!(
                out,
                "{}={profile_path}",
                vars::AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
            )?;
        }
        out.flush()?;
    }
    let served = match settings.profiles.as_slice() {
        [] => "every profile of the config".to_owned(),
        [one] => format!("profile {one}"),
        several => format!("profiles {}", several.join(", ")),
    };
    eprintln!(
        "aws-sso-rs serve: serving {served} on http://{shown}/profile/NAME (the token is in {}); stop with Ctrl-C or SIGTERM",
        path.display()
    );
    if addr.ip().is_unspecified() {
        eprintln!(
            "aws-sso-rs serve: listening on every address of this machine ({addr}): whoever reaches one may ask, and the token is the only guard (docs/security.md)"
        );
    }
    if settings.example_profile.is_none() {
        eprintln!(
            "aws-sso-rs serve: no profile is named here: replace NAME in the URI with the profile a program should get"
        );
    }
    if !sdks_accept(shown.ip()) {
        eprintln!(
            "aws-sso-rs serve: warning: the AWS SDKs take a plain-HTTP credentials endpoint only on loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23; they refuse http://{shown} (\"Unsupported host\"): listen on one of those (docs/guide.md, \"Containers and IDEs\")"
        );
    }
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
    if !profiles.config_exists() {
        eprintln!(
            "aws-sso-rs serve: warning: the config file {} does not exist: every profile asked for is answered 404 until it does",
            settings.files.config_file.display()
        );
    }
    runtime.block_on(async {
        let renewing = profiles.clone();
        tokio::select! {
            () = server.serve(profiles, stop_signal(path.clone())) => {}
            () = async move { renewing.renew().await } => {}
        }
    });
    // The token is of no use once the server is gone.
    drop(token_file);
    eprintln!("aws-sso-rs serve: stopped");
    Ok(())
}
