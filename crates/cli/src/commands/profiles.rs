//! `aws-sso-rs profiles`: every profile, how it signs in, and its token state.

use std::io::Write;

use anyhow::{Context, Result};
use aws_sso_profile_config::{ProfileSet, SsoProfile};
use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey, TokenState};
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
    /// `valid`, `refresh-due`, `expired`, `none` or `unreadable`.
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds_left: Option<i64>,
    refreshable: bool,
}

impl Token {
    fn describe(&self) -> String {
        let left = self.seconds_left.map(human_duration);
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

/// `7h05m`, `12m`, `40s`.
fn human_duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

fn token_of(sso: &SsoProfile, cache: &TokenCache, now: OffsetDateTime) -> Token {
    let none = |state| Token {
        state,
        expires_at: None,
        seconds_left: None,
        refreshable: false,
    };
    let token = match cache.load_token(&TokenKey::new(sso.session.cache_key_source())) {
        Ok(Some(token)) => token,
        Ok(None) => return none("none"),
        Err(_) => return none("unreadable"),
    };
    let (state, remaining) = match ExpiryPolicy::default().token_state(&token, now) {
        TokenState::Valid { remaining } => ("valid", Some(remaining)),
        TokenState::RefreshDue { remaining } => ("refresh-due", Some(remaining)),
        TokenState::Expired => ("expired", None),
    };
    Token {
        state,
        expires_at: Some(aws_sso_token_cache::timestamp::format(token.expires_at)),
        seconds_left: remaining.map(|r| r.whole_seconds()),
        refreshable: token.can_refresh(now),
    }
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
                Ok(Some(sso)) => Row {
                    kind: if sso.session.is_legacy() {
                        "legacy-sso"
                    } else {
                        "sso-session"
                    },
                    token: Some(token_of(&sso, cache, now)),
                    session: sso.session.name,
                    start_url: Some(sso.session.start_url),
                    sso_region: Some(sso.session.region),
                    account_id: sso.account_id,
                    role_name: sso.role_name,
                    ..base("")
                },
            }
        })
        .collect()
}

pub fn run(settings: &ProfilesSettings, world: &World) -> Result<()> {
    let set = ProfileSet::load(&settings.files.locations()).context("cannot list profiles")?;
    let rows = rows(&set, &settings.files.cache(), (world.now)());
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
            "no profiles in {} or {}; add one with: aws configure sso",
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

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(human_duration(40), "40s");
        assert_eq!(human_duration(12 * 60 + 5), "12m");
        assert_eq!(human_duration(7 * 3600 + 5 * 60), "7h05m");
    }
}
