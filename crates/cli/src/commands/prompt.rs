//! `aws-sso-rs prompt`: the active profile and how long it lasts, for shell prompts. Reads
//! the environment, the config and one cache file; never the network; never fails loudly
//! (a prompt must not fill the screen with errors): it prints what it knows.

use std::io::Write;

use aws_sso_role_credentials::{ActiveProfile, Lasting, active_profile};
use aws_sso_token_cache::timestamp::human_duration;

use crate::world::{Files, World};

pub use crate::cli::DEFAULT_PROMPT_FORMAT as DEFAULT_FORMAT;

/// `{remaining}`: `7h12m`, `expired`, `renewable`, `signed-out`, `refused`, `invalid`,
/// `no-such-profile`, or nothing.
fn remaining(active: &ActiveProfile) -> String {
    match &active.lasting {
        Lasting::For(left) => human_duration(*left),
        Lasting::Renewable
        | Lasting::Expired
        | Lasting::SignedOut
        | Lasting::Refused
        | Lasting::Invalid
        | Lasting::NoSuchProfile { .. } => active.lasting.name().into(),
        Lasting::NotSso | Lasting::Unknown => String::new(),
    }
}

/// `format` with the placeholders of `active` filled in; unknown placeholders stay as they are.
pub fn render(format: &str, active: &ActiveProfile) -> String {
    let seconds = match &active.lasting {
        Lasting::For(left) => left.whole_seconds().to_string(),
        Lasting::Expired | Lasting::Renewable | Lasting::SignedOut | Lasting::Refused => "0".into(),
        Lasting::NotSso | Lasting::Invalid | Lasting::NoSuchProfile { .. } | Lasting::Unknown => {
            String::new()
        }
    };
    let closest = match &active.lasting {
        Lasting::NoSuchProfile { closest } => closest.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let fields: [(&str, String); 12] = [
        ("{state}", active.lasting.name().to_owned()),
        ("{warning}", active.warning().unwrap_or_default()),
        ("{profile}", active.profile.clone()),
        ("{remaining}", remaining(active)),
        ("{seconds}", seconds),
        (
            "{refreshable}",
            if active.refreshable { "yes" } else { "no" }.into(),
        ),
        ("{account}", active.account_id.clone().unwrap_or_default()),
        ("{role}", active.role_name.clone().unwrap_or_default()),
        ("{session}", active.session.clone().unwrap_or_default()),
        ("{region}", active.region.clone().unwrap_or_default()),
        ("{login}", active.login_command.clone()),
        ("{closest}", closest),
    ];
    let mut out = format.to_owned();
    for (key, value) in fields {
        if out.contains(key) {
            out = out.replace(key, &value);
        }
    }
    out.trim().to_owned()
}

/// Prints the active profile in `format`, or nothing when no profile is active.
pub fn run(format: &str, world: &World, out: &mut dyn Write) -> anyhow::Result<()> {
    let Ok(files) = Files::resolve(world) else {
        return Ok(());
    };
    let Some(active) = active_profile(
        world.env.as_ref(),
        &files.locations(),
        &files.cache(),
        world.clock.now(),
    ) else {
        return Ok(());
    };
    let line = render(format, &active);
    if !line.is_empty() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sso_role_credentials::ActiveSource;

    fn active(lasting: Lasting) -> ActiveProfile {
        ActiveProfile {
            profile: "dev-ro".into(),
            source: ActiveSource::AwsProfile,
            account_id: Some("123456789011".into()),
            role_name: Some("ReadOnly".into()),
            session: Some("corp".into()),
            region: None,
            lasting,
            refreshable: false,
            renewed_from_sign_in: false,
            login_command: "aws-sso-rs login --sso-session corp".into(),
        }
    }

    #[test]
    fn renders_each_state() {
        let t = |l| render(DEFAULT_FORMAT, &active(l));
        assert_eq!(
            t(Lasting::For(time::Duration::seconds(
                7 * 3600 + 12 * 60 + 59
            ))),
            "dev-ro 7h12m"
        );
        assert_eq!(t(Lasting::Expired), "dev-ro expired");
        assert_eq!(t(Lasting::SignedOut), "dev-ro signed-out");
        assert_eq!(t(Lasting::Refused), "dev-ro refused");
        assert_eq!(
            t(Lasting::NoSuchProfile { closest: None }),
            "dev-ro no-such-profile",
            "a name the config does not define is marked"
        );
        assert_eq!(t(Lasting::Invalid), "dev-ro invalid");
        assert_eq!(t(Lasting::Unknown), "dev-ro");
        assert_eq!(t(Lasting::NotSso), "dev-ro");
        let w = |l| render("{warning}", &active(l));
        assert_eq!(
            w(Lasting::For(time::Duration::minutes(12))),
            "aws-sso-rs: the sign-in of profile 'dev-ro' has 12m left and cannot be renewed without a browser; run: aws-sso-rs login --sso-session corp"
        );
        assert_eq!(w(Lasting::For(time::Duration::minutes(16))), "");
        assert_eq!(
            render(
                "{warning}",
                &ActiveProfile {
                    refreshable: true,
                    ..active(Lasting::For(time::Duration::minutes(12)))
                }
            ),
            "",
            "a refresh renews it"
        );
        assert_eq!(
            render(
                "{state} {closest}",
                &active(Lasting::NoSuchProfile {
                    closest: Some("dev-rw".into())
                })
            ),
            "no-such-profile dev-rw"
        );
        assert_eq!(
            w(Lasting::Refused),
            "aws-sso-rs: IAM Identity Center refused the sign-in of profile 'dev-ro' (ended or revoked on the server); run: aws-sso-rs login --sso-session corp"
        );
        assert_eq!(
            render(
                "{account}/{role} {seconds}s {refreshable} {region}",
                &active(Lasting::For(time::Duration::seconds(90)))
            ),
            "123456789011/ReadOnly 90s no"
        );
    }
}
