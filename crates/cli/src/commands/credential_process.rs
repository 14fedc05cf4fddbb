//! `aws-sso-rs credential-process --profile P [--login]`: the credential_process JSON.

use std::io::Write;

use anyhow::Result;

use crate::commands::credentials::role_credentials;
use crate::settings::CredentialSettings;
use crate::world::World;

pub fn run(settings: &CredentialSettings, world: &World) -> Result<()> {
    let creds = role_credentials(settings, world)?;
    // One write: the SDK reading our stdout gets the document at once.
    std::io::stdout()
        .lock()
        .write_all((creds.to_process_json() + "\n").as_bytes())?;
    Ok(())
}
