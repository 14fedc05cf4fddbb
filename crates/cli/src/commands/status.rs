//! `aws-sso-rs status`: each IAM Identity Center session (from the config, and any other
//! cached token) with its token state.

use std::io::Write;

use anyhow::Result;
use aws_sso_profile_config::ProfileSet;
use aws_sso_token_cache::{ExpiryPolicy, SsoToken, TokenKey, TokenState, timestamp};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::Output;
use crate::settings::{StatusSettings, World};

#[derive(Debug, Serialize)]
struct Row {
    session: String,
    start_url: String,
    region: String,
    /// `valid`, `refresh-due`, `expired`, `none`.
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
    session: String,
    start_url: String,
    region: String,
    token: Option<&SsoToken>,
    now: OffsetDateTime,
    in_config: bool,
) -> Row {
    let (state, left) = match token.map(|t| ExpiryPolicy::default().token_state(t, now)) {
        None => ("none", None),
        Some(TokenState::Valid { remaining }) => ("valid", Some(remaining.whole_seconds())),
        Some(TokenState::RefreshDue { remaining }) => {
            ("refresh-due", Some(remaining.whole_seconds()))
        }
        Some(TokenState::Expired) => ("expired", None),
    };
    Row {
        session,
        start_url,
        region,
        state,
        expires_at: token.map(|t| timestamp::format(t.expires_at)),
        seconds_left: left,
        refreshable: token.is_some_and(|t| t.can_refresh(now)),
        registration_expires_at: token
            .and_then(|t| t.registration_expires_at)
            .map(timestamp::format),
        in_config,
    }
}

fn left(seconds: Option<i64>) -> String {
    seconds.map_or_else(
        || "-".into(),
        |s| {
            if s >= 3600 {
                format!("{}h{:02}m", s / 3600, s % 3600 / 60)
            } else {
                format!("{}m", s / 60)
            }
        },
    )
}

pub fn run(settings: &StatusSettings, world: &World) -> Result<()> {
    let set = ProfileSet::load(&settings.files.locations())?;
    let cache = settings.files.cache();
    let now = (world.now)();
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let sessions = set
        .sso_sessions()
        .filter_map(|s| set.sso_session_named(s.name()).ok());
    let legacy = set
        .profiles()
        .filter_map(|p| set.sso_profile(p.name()).ok().flatten())
        .map(|p| p.session)
        .filter(|s| s.is_legacy());
    for session in sessions.chain(legacy) {
        let path = cache.token_path(&TokenKey::new(session.cache_key_source()));
        if !seen.insert(path.clone()) {
            continue;
        }
        let token = cache
            .load_token(&TokenKey::new(session.cache_key_source()))
            .ok()
            .flatten();
        let name = session.name.clone().unwrap_or_else(|| "(legacy)".into());
        rows.push(row(
            name,
            session.start_url,
            session.region,
            token.as_ref(),
            now,
            true,
        ));
    }
    for cached in cache
        .tokens()?
        .tokens
        .into_iter()
        .filter(|t| !seen.contains(&t.path))
    {
        let t = &cached.token;
        rows.push(row(
            "(not in config)".into(),
            t.start_url.clone().unwrap_or_default(),
            t.region.clone().unwrap_or_default(),
            Some(t),
            now,
            false,
        ));
    }
    let mut out = std::io::stdout().lock();
    match settings.output {
        Output::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        Output::Table if rows.is_empty() => eprintln!(
            "No IAM Identity Center sessions in {} and no cached tokens.",
            settings.files.config_file.display()
        ),
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
                table.add_row([
                    r.session.clone(),
                    r.start_url.clone(),
                    r.region.clone(),
                    r.state.to_owned(),
                    left(r.seconds_left),
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
