//! `aws-sso-rs status`: each IAM Identity Center sign-in of the config (and any other cached
//! token) with its token state: `aws_sso_role_credentials::sign_in_report`, rendered.

use std::io::Write;

use anyhow::Result;
use aws_sso_profile_config::ProfileSet;
use aws_sso_role_credentials::{SignInKind, SignInState, sign_in_report};
use aws_sso_token_cache::{SsoToken, timestamp, timestamp::human_duration};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::Output;
use crate::settings::StatusSettings;
use crate::world::World;

#[derive(Debug, Serialize)]
struct Row {
    /// The sso-session's name; none for a legacy profile's sign-in or a token not in the config.
    session: Option<String>,
    /// `sso-session`, `legacy-sso` or `not-in-config`.
    kind: &'static str,
    start_url: String,
    region: String,
    /// `valid`, `refresh-due`, `expired`, `none`, `damaged`, `unreadable`, `refused`.
    state: &'static str,
    /// Where the token is kept: `file` or `keyring`.
    storage: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds_left: Option<i64>,
    refreshable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    in_config: bool,
}

fn row(sign_in: &SignInState, storage: &'static str, now: OffsetDateTime) -> Row {
    let status = &sign_in.token;
    let token: Option<&SsoToken> = status.token();
    Row {
        session: sign_in.session.clone(),
        kind: sign_in.kind.name(),
        start_url: sign_in.start_url.clone(),
        region: sign_in.region.clone(),
        state: status.name(),
        storage,
        expires_at: token.map(|t| timestamp::format(t.expires_at)),
        seconds_left: status.remaining().map(|r| r.whole_seconds()),
        refreshable: status.refreshable(now),
        registration_expires_at: token
            .and_then(|t| t.registration_expires_at)
            .map(timestamp::format),
        in_config: sign_in.kind != SignInKind::NotInConfig,
    }
}

/// The sessions on `out`, warnings on `stderr`.
pub fn run(
    settings: &StatusSettings,
    world: &World,
    out: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<()> {
    let set = ProfileSet::load(&settings.files.locations())?;
    let now = world.clock.now();
    let cache = settings.files.cache();
    let report = sign_in_report(&set, &cache, now);
    for warning in &report.warnings {
        writeln!(stderr, "aws-sso-rs: warning: {warning}")?;
    }
    for note in &report.notes {
        writeln!(stderr, "aws-sso-rs: warning: {note}")?;
    }
    let storage = if cache.keyring().is_some() {
        "keyring"
    } else {
        "file"
    };
    let rows: Vec<Row> = report
        .sign_ins
        .iter()
        .map(|s| row(s, storage, now))
        .collect();
    match settings.output {
        Output::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        Output::Table if rows.is_empty() && set.config_missing() => writeln!(
            stderr,
            "The config file {} does not exist, and no token is cached.",
            settings.files.config_file.display()
        )?,
        Output::Table if rows.is_empty() => writeln!(
            stderr,
            "No IAM Identity Center sessions in {} and no cached tokens.",
            settings.files.config_file.display()
        )?,
        Output::Table => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::NOTHING);
            table.set_header([
                "SESSION",
                "START URL",
                "REGION",
                "TOKEN",
                "EXPIRES IN",
                "REFRESHABLE",
                "REGISTRATION EXPIRES",
            ]);
            for column in table.column_iter_mut() {
                column.set_padding((0, 2));
            }
            for r in &rows {
                let session = match (r.kind, &r.session) {
                    (_, Some(name)) => name.clone(),
                    ("legacy-sso", None) => "(legacy)".to_owned(),
                    _ => "(not in config)".to_owned(),
                };
                table.add_row([
                    session,
                    r.start_url.clone(),
                    r.region.clone(),
                    r.state.to_owned(),
                    r.seconds_left.map_or_else(
                        || "-".into(),
                        |s| human_duration(time::Duration::seconds(s)),
                    ),
                    if r.refreshable { "yes" } else { "no" }.to_owned(),
                    r.registration_expires_at
                        .clone()
                        .unwrap_or_else(|| "-".into()),
                ]);
            }
            for line in table.lines() {
                writeln!(out, "{}", line.trim_end())?;
            }
            writeln!(out, "\nSecrets are kept in {}.", cache.describe_storage())?;
        }
    }
    Ok(())
}
