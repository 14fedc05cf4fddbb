//! `aws-sso-rs export`: role credentials in the formats of `aws configure export-credentials`.

use std::io::Write;

use anyhow::Result;

use aws_sso_profile_config::{Exported, ExportedCredentials, export_credentials};
use aws_sso_role_credentials::credential_variables;

use crate::cli::{ExportArgs, ExportFormat};
use aws_sso_token_cache::timestamp::isoformat;

use crate::commands::credentials::role_credentials;
use crate::settings::CredentialSettings;
use crate::world::World;

/// `c` in `format`; the variable formats (every shell's, and `json`) also carry `region`, the
/// profile's, as `AWS_REGION` and `AWS_DEFAULT_REGION`, as `exec` sets them.
pub fn render(
    format: ExportFormat,
    c: &aws_sso_token_cache::RoleCredentials,
    region: Option<&str>,
    section: &str,
) -> String {
    let pairs = credential_variables(c, region);
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
        ExportFormat::Process => c.to_process_json() + "\n",
        ExportFormat::Ini => {
            let mut text = format!(
                "[{section}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                c.access_key_id,
                c.secret_access_key.expose(),
            );
            if let Some(token) = c.session_token() {
                text.push_str(&format!("aws_session_token = {token}\n"));
            }
            text
        }
    }
}

pub fn run(settings: &CredentialSettings, args: &ExportArgs, world: &World) -> Result<()> {
    if (args.to_credentials_file || args.section.is_some()) && args.format != ExportFormat::Ini {
        return Err(crate::exit::usage(
            "--to-credentials-file and --as go with --format ini (the credentials file's own format)",
        ));
    }
    if args.to_credentials_file && settings.target.long_term_keys() {
        return Err(crate::exit::usage(format!(
            "--to-credentials-file writes short-lived credentials, and profile '{}' gives keys that do not expire; they are in your files already: use the profile itself",
            settings.profile
        )));
    }
    if args.to_credentials_file && args.section.is_none() && settings.chain.is_some() {
        // Keys in a section of that name win over its role_arn or credential_process, in the
        // AWS CLI and here, and keep winning once they have expired.
        return Err(crate::exit::usage(format!(
            "--to-credentials-file: profile '{}' gets its credentials through {}; name another section with --as NAME (keys in [{}] of the credentials file would take the place of how it gets them, for it and every profile that uses it as source_profile, and fail once they expire)",
            settings.profile,
            settings.chain.as_deref().unwrap_or_default(),
            settings.profile
        )));
    }
    let section = args.section.as_deref().unwrap_or(&settings.profile);
    let creds = role_credentials(settings, world)?;
    if !args.to_credentials_file {
        std::io::stdout().lock().write_all(
            render(args.format, &creds, settings.region.as_deref(), section).as_bytes(),
        )?;
        return Ok(());
    }
    let path = &settings.files.credentials_file;
    let Some(expires) = creds.expiration else {
        return Err(crate::exit::usage(format!(
            "--to-credentials-file writes short-lived credentials, and profile '{}' gives keys that do not expire; they are in your files already: use the profile itself",
            settings.profile
        )));
    };
    let expiration = isoformat(expires);
    let left = aws_sso_token_cache::timestamp::human_duration(expires - world.clock.now());
    let renew = "they are replaced by new ones when you run this in their last 5 minutes or after; `aws-sso-rs logout` removes them";
    let exported = export_credentials(
        path,
        section,
        &ExportedCredentials {
            profile: &settings.profile,
            access_key_id: &creds.access_key_id,
            secret_access_key: creds.secret_access_key.expose(),
            session_token: creds.session_token.expose(),
            expiration: &expiration,
        },
    )
    .map_err(|e| match e.kind() {
        aws_sso_profile_config::ErrorKind::InvalidEdit { reason, .. } => {
            crate::exit::config(format!(
                "cannot write [{section}] in {}: {reason}; choose another name with --as NAME",
                path.display()
            ))
        }
        _ => e.into(),
    })?;
    if let Some(mode) = exported.tightened_from {
        eprintln!(
            "aws-sso-rs: warning: {} let other users read or write it (mode {mode:04o}) and holds keys: it is 0600 now",
            path.display()
        );
    }
    let done = match exported.exported {
        Exported::AlreadyCurrent => {
            eprintln!(
                "[{section}] in {} already holds the current role credentials of profile '{}', valid until {expiration} ({left} left); {renew}.",
                path.display(),
                settings.profile,
            );
            return Ok(());
        }
        Exported::Renewed => "Renewed",
        Exported::Written => "Wrote",
    };
    eprintln!(
        "{done} [{section}] in {} with the role credentials of profile '{}', valid until {expiration} ({left} left); {renew}.",
        path.display(),
        settings.profile,
    );
    Ok(())
}
