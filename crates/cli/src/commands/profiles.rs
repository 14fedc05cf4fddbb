//! `aws-sso-rs profiles`: every profile, how it signs in, and its token state:
//! `aws_sso_role_credentials::profile_report`, rendered.

use std::io::Write;

use anyhow::{Context, Result};
use aws_sso_profile_config::ProfileSet;
use aws_sso_role_credentials::{ProfileAccess, ProfileState, profile_report};
use aws_sso_token_cache::TokenStatus;
use aws_sso_token_cache::timestamp::human_duration;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::Output;
use crate::settings::ProfilesSettings;
use crate::world::World;

/// One row of the listing.
#[derive(Debug, Serialize)]
struct Row {
    name: String,
    kind: &'static str,
    /// For a role assumed through `source_profile`: the chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    chain: Option<String>,
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
    /// `valid`, `refresh-due`, `expired`, `none`, `damaged` or `refused`.
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

fn token_row(status: &TokenStatus, now: OffsetDateTime) -> Token {
    Token {
        state: status.name(),
        expires_at: status
            .token()
            .map(|t| aws_sso_token_cache::timestamp::format(t.expires_at)),
        seconds_left: status.remaining().map(|r| r.whole_seconds()),
        refreshable: status.refreshable(now),
    }
}

fn row(state: &ProfileState, now: OffsetDateTime) -> Row {
    let base = |kind| Row {
        name: state.name.clone(),
        kind,
        chain: None,
        session: None,
        start_url: None,
        sso_region: None,
        account_id: None,
        role_name: None,
        region: state.region.clone(),
        token: None,
        error: None,
    };
    match &state.access {
        ProfileAccess::Other => base("other"),
        // `aws login`'s sign-in: its identity in the chain column.
        ProfileAccess::LoginSession { session } => Row {
            chain: Some(format!("aws login: {session}")),
            ..base("login-session")
        },
        ProfileAccess::Chain {
            chain,
            role_arn,
            sso,
        } => Row {
            chain: Some(chain.clone()),
            account_id: role_arn.split(':').nth(4).map(str::to_owned),
            role_name: role_arn.rsplit('/').next().map(str::to_owned),
            session: sso.as_ref().and_then(|(p, _)| p.session.name.clone()),
            start_url: sso.as_ref().map(|(p, _)| p.session.start_url.clone()),
            sso_region: sso.as_ref().map(|(p, _)| p.session.region.clone()),
            token: sso.as_ref().map(|(_, t)| token_row(t, now)),
            ..base("assume-role")
        },
        ProfileAccess::Invalid(why) => Row {
            error: Some(why.clone()),
            ..base("invalid")
        },
        ProfileAccess::Sso { profile, token } => Row {
            token: Some(token_row(token, now)),
            session: profile.session.name.clone(),
            start_url: Some(profile.session.start_url.clone()),
            sso_region: Some(profile.session.region.clone()),
            account_id: profile.account_id.clone(),
            role_name: profile.role_name.clone(),
            ..base(if profile.session.is_legacy() {
                "legacy-sso"
            } else {
                "sso-session"
            })
        },
    }
}

/// Lists the profiles on `stdout`, warnings on `stderr`.
pub fn run(
    settings: &ProfilesSettings,
    world: &World,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<()> {
    let set = ProfileSet::load(&settings.files.locations()).context("cannot list profiles")?;
    let set = aws_sso_role_credentials::selection::with_sso_variables(set, world.env.as_ref());
    if settings.names {
        for profile in set.profiles() {
            writeln!(stdout, "{}", profile.name())?;
        }
        return Ok(());
    }
    let now = world.clock.now();
    let report = profile_report(&set, &settings.files.cache(), now);
    for warning in &report.warnings {
        writeln!(stderr, "aws-sso-rs: warning: {warning}")?;
    }
    let rows: Vec<Row> = report.profiles.iter().map(|p| row(p, now)).collect();
    match settings.output {
        Output::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&rows)?)?,
        Output::Table if rows.is_empty() && set.config_missing() => writeln!(
            stderr,
            "The config file {} does not exist. Create it with a [profile NAME] section with sso_session, sso_account_id and sso_role_name, and an [sso-session NAME] section (the README of aws-sso-rs shows one).",
            settings.files.config_file.display()
        )?,
        Output::Table if rows.is_empty() => writeln!(
            stderr,
            "No profiles in {} or {}. Add a [profile NAME] section with sso_session, sso_account_id and sso_role_name (the README of aws-sso-rs shows one).",
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
    use aws_sso_token_cache::{ManualClock, Secret, SsoToken, TokenCache, TokenKey};
    use time::Duration;
    use time::macros::datetime;

    use crate::cli::{Output, ProfilesArgs};
    use crate::settings::ProfilesSettings;
    use crate::world::World;

    /// The command in a fake world: a temporary home, only `HOME` set, a clock that stands
    /// still, so what is printed is exact.
    #[test]
    fn lists_every_profile_with_its_exact_time_left() {
        let home = aws_sso_e2e::TempHome::with_example_config();
        let now = datetime!(2030-01-01 9:00 UTC);
        let world = World::new(
            std::sync::Arc::new(
                aws_sso_profile_config::MapEnv::new().with("HOME", home.path().to_string_lossy()),
            ),
            aws_sso_profile_config::Platform::Unix,
            std::sync::Arc::new(ManualClock::new(now)),
            false,
        );
        let cache = TokenCache::new(home.path());
        let mut token = SsoToken::new(Secret::new("aoa"), now + Duration::hours(8));
        token.region = Some("ap-northeast-1".into());
        cache
            .store_token(&TokenKey::new("my-sso"), &token)
            .expect("store");
        let mut expired = token.clone();
        expired.expires_at = now - Duration::minutes(1);
        cache
            .store_token(
                &TokenKey::new("https://d-XXXXXXXXX.awsapps.com/start"),
                &expired,
            )
            .expect("store");
        let settings = ProfilesSettings::resolve(
            &ProfilesArgs {
                output: Output::Table,
                names: false,
            },
            crate::world::Files::resolve(&world).expect("files"),
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        super::run(&settings, &world, &mut out, &mut err).expect("run");
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
        insta::assert_snapshot!(String::from_utf8(out).expect("utf-8"), @r"
        PROFILE            KIND         SESSION  ACCOUNT       ROLE           REGION          TOKEN
        default            other        -        -             -              us-east-1       -
        dev-account-ro     sso-session  my-sso   123456789011  ReadOnly       ap-northeast-1  valid, 8h00m left
        dev-account-admin  sso-session  my-sso   123456789011  Administrator  ap-northeast-1  valid, 8h00m left
        legacy-ro          legacy-sso   -        123456789011  ReadOnly       -               expired
        ");

        // An hour and 59 seconds later, rounded down, never up.
        world_later(
            &world,
            &settings,
            now + Duration::hours(1) + Duration::seconds(59),
        );
    }

    fn world_later(world: &World, settings: &ProfilesSettings, at: time::OffsetDateTime) {
        let later = World::new(
            std::sync::Arc::new(aws_sso_profile_config::MapEnv::new()),
            world.platform,
            std::sync::Arc::new(ManualClock::new(at)),
            false,
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        super::run(settings, &later, &mut out, &mut err).expect("run");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("valid, 6h59m left"), "{text}");
    }
}
