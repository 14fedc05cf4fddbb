//! `aws-sso-rs export`: role credentials in the formats of `aws configure export-credentials`.

use std::io::Write;

use anyhow::Result;
use aws_sso_profile_config::env::vars;

use crate::cli::ExportFormat;
use crate::commands::credentials::{iso, process_json, role_credentials};
use crate::settings::{CredentialSettings, World};

pub fn render(format: ExportFormat, c: &aws_sso_token_cache::RoleCredentials) -> String {
    let pairs = [
        (vars::AWS_ACCESS_KEY_ID, c.access_key_id.clone()),
        (
            vars::AWS_SECRET_ACCESS_KEY,
            c.secret_access_key.expose().to_owned(),
        ),
        (vars::AWS_SESSION_TOKEN, c.session_token.expose().to_owned()),
        (vars::AWS_CREDENTIAL_EXPIRATION, iso(c.expiration)),
    ];
    let lines = |f: &dyn Fn(&str, &str) -> String| {
        pairs
            .iter()
            .map(|(k, v)| f(k, v) + "\n")
            .collect::<String>()
    };
    match format {
        ExportFormat::Env => lines(&|k, v| format!("export {k}={v}")),
        ExportFormat::EnvNoExport => lines(&|k, v| format!("{k}={v}")),
        ExportFormat::Powershell => lines(&|k, v| format!("$Env:{k}=\"{v}\"")),
        ExportFormat::WindowsCmd => lines(&|k, v| format!("set {k}={v}")),
        ExportFormat::Fish => lines(&|k, v| format!("set -gx {k} \"{v}\"")),
        ExportFormat::Json => {
            let map: serde_json::Map<String, serde_json::Value> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone().into()))
                .collect();
            serde_json::to_string_pretty(&map).unwrap_or_default() + "\n"
        }
        ExportFormat::Process => process_json(c) + "\n",
    }
}

pub fn run(settings: &CredentialSettings, format: ExportFormat, world: &World) -> Result<()> {
    let creds = role_credentials(settings, world)?;
    std::io::stdout()
        .lock()
        .write_all(render(format, &creds).as_bytes())?;
    Ok(())
}
