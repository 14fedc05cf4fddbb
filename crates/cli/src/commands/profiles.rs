//! `aws-sso-rs profiles`: every profile, how it signs in, and its token state.

use std::io::Write;

use anyhow::{Context, Result};
use aws_sso_profile_config::{ProfileSet, SsoProfile};
use aws_sso_token_cache::timestamp::human_duration;
use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey, TokenStatus};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::Output;
use crate::settings::{ProfilesSettings, World};

/// One row of the listing.
#[derive(Debug, Serialize)]
struct Row {
    name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sso_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<Token>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The cached token of an SSO profile.
#[derive(Debug, Serialize)]
struct Token {
    /// `valid`, `refresh-due`, `expired`, `none` or `damaged`.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds_left: Option<i64>,
    refreshable: bool,
}

impl Token {
    fn describe(&self) -> String {
        let left = self
            .seconds_left
            .map(|s| human_duration(time::Duration::seconds(s)));
        let refreshable = if self.refreshable {
            ", refreshable"
        } else {
            ""
        };
        match (self.state, left) {
            ("valid", Some(left)) => format!("valid, {left} left"),
            ("refresh-due", Some(left)) => format!("refresh due, {left} left{refreshable}"),
            ("expired", _) => format!("expired{refreshable}"),
            (state, _) => state.to_owned(),
        }
    }
}

fn token_of(sso: &SsoProfile, cache: &TokenCache, now: OffsetDateTime) -> (Token, Option<String>) {
    let key = TokenKey::for_session(&sso.session);
    let status = cache
        .token_status(&key, &ExpiryPolicy::default(), now)
        .unwrap_or_else(TokenStatus::Damaged);
    let problem = match &status {
        TokenStatus::Damaged(e) => Some(e.to_string()),
        _ => None,
    };
    let token = status.token();
    let seconds_left = match &status {
        TokenStatus::Present { state, .. } => state.remaining().map(|r| r.whole_seconds()),
        _ => None,
    };
    (
        Token {
            state: status.name(),
            expires_at: token.map(|t| aws_sso_token_cache::timestamp::format(t.expires_at)),
            seconds_left,
            refreshable: token.is_some_and(|t| t.can_refresh(now)),
        },
        problem,
    )
}

fn rows(set: &ProfileSet, cache: &TokenCache, now: OffsetDateTime) -> Vec<Row> {
    set.profiles()
        .map(|profile| {
            let name = profile.name().to_owned();
            let region = profile.get("region").map(str::to_owned);
            let base = |kind| Row {
                name: name.clone(),
                kind,
                session: None,
                start_url: None,
                sso_region: None,
                account_id: None,
                role_name: None,
                region: region.clone(),
                token: None,
                error: None,
            };
            match set.sso_profile(profile.name()) {
                Ok(None) => base("other"),
                Err(e) => Row {
                    error: Some(e.to_string()),
                    ..base("invalid")
                },
                Ok(Some(sso)) => {
                    let (token, problem) = token_of(&sso, cache, now);
                    Row {
                        kind: if sso.session.is_legacy() {
                            "legacy-sso"
                        } else {
                            "sso-session"
                        },
                        token: Some(token),
                        error: problem,
                        session: sso.session.name,
                        start_url: Some(sso.session.start_url),
                        sso_region: Some(sso.session.region),
                        account_id: sso.account_id,
                        role_name: sso.role_name,
                        ..base("")
                    }
                }
            }
        })
        .collect()
}

pub fn run(settings: &ProfilesSettings, world: &World) -> Result<()> {
    let set = ProfileSet::load(&settings.files.locations()).context("cannot list profiles")?;
    let rows = rows(&set, &settings.files.cache(), world.clock.now());
    let mut stderr = std::io::stderr().lock();
    for warning in set.warnings() {
        writeln!(stderr, "aws-sso-rs: warning: {warning}")?;
    }
    for row in &rows {
        if let Some(error) = &row.error {
            writeln!(stderr, "aws-sso-rs: warning: {error}")?;
        }
    }
    let mut stdout = std::io::stdout().lock();
    match settings.output {
        Output::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&rows)?)?,
        Output::Table if rows.is_empty() => writeln!(
            stderr,
            "no profiles in {} or {}; add a [profile NAME] section with sso_session, sso_account_id and sso_role_name (the README of aws-sso-rs shows one)",
            settings.files.config_file.display(),
            settings.files.credentials_file.display()
        )?,
        Output::Table => {
            for line in table(&rows).lines() {
                writeln!(stdout, "{}", line.trim_end())?;
            }
        }
    }
    Ok(())
}

fn table(rows: &[Row]) -> comfy_table::Table {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header([
        "PROFILE", "KIND", "SESSION", "ACCOUNT", "ROLE", "REGION", "TOKEN",
    ]);
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    for row in rows {
        table.add_row([
            row.name.clone(),
            row.kind.to_owned(),
            dash(&row.session),
            dash(&row.account_id),
            dash(&row.role_name),
            dash(&row.region),
            row.token
                .as_ref()
                .map_or_else(|| "-".into(), Token::describe),
        ]);
    }
    table
}
