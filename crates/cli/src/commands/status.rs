//! `aws-sso-rs status`: each IAM Identity Center sign-in of the config (and any other cached
//! token) with its token state.

use std::io::Write;

use anyhow::Result;
use aws_sso_profile_config::ProfileSet;
use aws_sso_token_cache::{
    ExpiryPolicy, SsoToken, TokenKey, TokenStatus, timestamp, timestamp::human_duration,
};
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
    /// `valid`, `refresh-due`, `expired`, `none`, `damaged`, `refused`.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds_left: Option<i64>,
    refreshable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    in_config: bool,
}

fn row(
    session: Option<String>,
    kind: &'static str,
    start_url: String,
    region: String,
    status: &TokenStatus,
    now: OffsetDateTime,
    in_config: bool,
) -> Row {
    let token: Option<&SsoToken> = status.token();
    Row {
        session,
        kind,
        start_url,
        region,
        state: status.name(),
        expires_at: token.map(|t| timestamp::format(t.expires_at)),
        seconds_left: match status {
            TokenStatus::Present { state, .. } => state.remaining().map(|r| r.whole_seconds()),
            _ => None,
        },
        refreshable: status.refreshable(now),
        registration_expires_at: token
            .and_then(|t| t.registration_expires_at)
            .map(timestamp::format),
        in_config,
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
    let cache = settings.files.cache();
    let policy = ExpiryPolicy::default();
    let now = world.clock.now();
    let list = set.sessions();
    for problem in &list.problems {
        writeln!(stderr, "aws-sso-rs: warning: {problem}")?;
    }
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for configured in &list.sessions {
        let session = &configured.session;
        let key = TokenKey::for_session(session);
        seen.insert(cache.token_path(&key));
        let status = cache.token_status(&key, &policy, now)?;
        if let TokenStatus::Damaged(e) = &status {
            let first = configured.profiles.first().map(|p| p.profile.as_str());
            writeln!(
                stderr,
                "aws-sso-rs: warning: {}",
                super::damaged_token(session, first, e)
            )?;
        }
        let kind = if session.is_legacy() {
            "legacy-sso"
        } else {
            "sso-session"
        };
        rows.push(row(
            session.name.clone(),
            kind,
            session.start_url.clone(),
            session.region.clone(),
            &status,
            now,
            true,
        ));
    }
    let listing = cache.tokens()?;
    for bad in listing
        .unreadable
        .iter()
        .filter(|b| !seen.contains(&b.path))
    {
        writeln!(stderr, "aws-sso-rs: warning: {}", bad.error)?;
    }
    for cached in listing
        .tokens
        .into_iter()
        .filter(|t| !seen.contains(&t.path))
    {
        let t = &cached.token;
        let status = TokenStatus::Present {
            state: policy.token_state(t, now),
            token: Box::new(t.clone()),
        };
        rows.push(row(
            None,
            "not-in-config",
            t.start_url.clone().unwrap_or_default(),
            t.region.clone().unwrap_or_default(),
            &status,
            now,
            false,
        ));
    }
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
        }
    }
    Ok(())
}
