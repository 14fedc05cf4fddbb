//! `aws-sso-rs credential-process --profile P [--login]`: the credential_process JSON.

use std::io::Write;

use anyhow::Result;

use crate::commands::credentials::role_credentials;
use crate::settings::CredentialSettings;
use crate::world::World;

pub fn run(settings: &CredentialSettings, world: &World) -> Result<()> {
    let creds = role_credentials(settings, world)?;
    writeln!(std::io::stdout().lock(), "{}", creds.to_process_json())?;
    Ok(())
}
