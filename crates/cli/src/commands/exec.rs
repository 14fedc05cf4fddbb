//! `aws-sso-rs exec -- CMD`: runs CMD with the profile's role credentials in its environment.
//! On Unix the program replaces aws-sso-rs, so its stdin, stdout, stderr, exit status and
//! signals are its own.

use std::process::Command;

use anyhow::{Result, bail};
use aws_sso_profile_config::env::vars;

use crate::commands::credentials::{iso, role_credentials};
use crate::settings::{CredentialSettings, World};

/// Variables that would make an SDK pick other credentials than the ones we set.
const REMOVED: [&str; 6] = [
    vars::AWS_PROFILE,
    vars::AWS_DEFAULT_PROFILE,
    vars::AWS_CONTAINER_CREDENTIALS_FULL_URI,
    vars::AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
    vars::AWS_CONTAINER_AUTHORIZATION_TOKEN,
    vars::AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
];

pub fn run(
    settings: &CredentialSettings,
    command: &[String],
    force: bool,
    world: &World,
) -> Result<()> {
    if let Some(outer) = world
        .env
        .non_empty(vars::AWS_SSO_RS_PROFILE)
        .filter(|_| !force)
    {
        bail!(
            "already inside `aws-sso-rs exec` for profile '{outer}' ({} is set); exit that shell first, or pass --force to nest",
            vars::AWS_SSO_RS_PROFILE
        );
    }
    let creds = role_credentials(settings, world)?;
    let (program, args) = command.split_first().expect("clap requires a command");
    let mut cmd = Command::new(program);
    cmd.args(args);
    for var in REMOVED {
        cmd.env_remove(var);
    }
    cmd.env(vars::AWS_ACCESS_KEY_ID, &creds.access_key_id)
        .env(
            vars::AWS_SECRET_ACCESS_KEY,
            creds.secret_access_key.expose(),
        )
        .env(vars::AWS_SESSION_TOKEN, creds.session_token.expose())
        .env(vars::AWS_CREDENTIAL_EXPIRATION, iso(creds.expiration))
        .env(vars::AWS_SSO_RS_PROFILE, &settings.profile);
    if let Some(region) = &settings.region {
        cmd.env(vars::AWS_REGION, region)
            .env(vars::AWS_DEFAULT_REGION, region);
    }
    crate::debug(format_args!(
        "running {program} with the credentials of profile '{}'",
        settings.profile
    ));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = cmd.exec();
        bail!("cannot run {program}: {error}");
    }
    #[cfg(not(unix))]
    {
        let status = cmd
            .status()
            .map_err(|e| anyhow::anyhow!("cannot run {program}: {e}"))?;
        std::process::exit(status.code().unwrap_or(1));
    }
}
