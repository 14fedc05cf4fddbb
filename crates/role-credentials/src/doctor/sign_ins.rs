//! Each IAM Identity Center sign-in of the config (and each other cached token): its state
//! and what renews it.

use aws_sso_profile_config::ProfileSet;
use aws_sso_token_cache::timestamp::{self, human_duration};
use aws_sso_token_cache::{TokenState, TokenStatus};

use super::{Area, Check, Examination};
use crate::report::{SignInKind, sign_in_report};

/// The checks of the sign-ins; `storage` is the storage's check ([`super::files::storage`]):
/// when it failed, no token can be read, and one row says so.
pub(super) fn checks(exam: &Examination<'_>, set: &ProfileSet, storage: &Check) -> Vec<Check> {
    let now = exam.clock.now();
    // Settings that cannot be read leave the storage unknown, and a keyring that cannot be
    // used (locked, unreachable) gives no token: one row (the storage check says why), not
    // one a sign-in.
    if storage.status == super::Status::Fail {
        return vec![Check::fail(
            Area::SignIn,
            "sign-ins",
            "their state cannot be read while the storage cannot be used (the storage check says why)",
            storage.fix.clone().unwrap_or_default(),
        )];
    }
    let report = sign_in_report(set, &exam.cache, now);
    let sessions = set.sessions();
    let mut checks = Vec::new();
    // The AWS_SSO_* variables' sign-in, when they make one: its token is cached as a legacy
    // profile's, so the report sees it as a token of no profile.
    let variables = aws_sso_profile_config::SsoVariables::from_env(exam.env)
        .ok()
        .flatten();
    if let Some(v) = &variables {
        let policy = aws_sso_token_cache::ExpiryPolicy::default();
        let key = aws_sso_token_cache::TokenKey::for_session(&v.session);
        let token = exam
            .cache
            .token_status(&key, &policy, now)
            .unwrap_or_else(TokenStatus::Unreadable);
        checks.extend(verdict(
            format!("{} (the AWS_SSO_* variables)", v.session.start_url),
            &format!("{} login", exam.binary),
            &token,
            false,
            now,
        ));
    }
    for sign_in in &report.sign_ins {
        if sign_in.kind == SignInKind::NotInConfig
            && variables
                .as_ref()
                .is_some_and(|v| v.session.start_url == sign_in.start_url)
        {
            continue;
        }
        let (subject, login) = match (&sign_in.session, sign_in.kind) {
            (Some(name), _) => (
                format!("sso-session '{name}'"),
                format!("{} login --sso-session {name}", exam.binary),
            ),
            (None, SignInKind::LegacySso) => {
                let profile = sessions
                    .sessions
                    .iter()
                    .find(|c| c.session.is_legacy() && c.session.start_url == sign_in.start_url)
                    .and_then(|c| c.profiles.first())
                    .map(|p| p.profile.clone())
                    .unwrap_or_default();
                (
                    format!("{} (legacy profile '{profile}')", sign_in.start_url),
                    format!("{} login --profile {profile}", exam.binary),
                )
            }
            (None, _) => (
                format!("{} (a token no profile uses)", sign_in.start_url),
                format!("{} logout", exam.binary),
            ),
        };
        let not_in_config = sign_in.kind == SignInKind::NotInConfig;
        checks.extend(verdict(subject, &login, &sign_in.token, not_in_config, now));
    }
    // The other warnings of the report: invalid sections are the config's checks, damaged
    // tokens of the config's sign-ins have their rows; what is left are unreadable files.
    let problems: Vec<String> = sessions.problems.iter().map(ToString::to_string).collect();
    let damaged: Vec<String> = report
        .sign_ins
        .iter()
        .filter_map(|s| match &s.token {
            TokenStatus::Damaged(e) => match e.kind() {
                aws_sso_token_cache::ErrorKind::Corrupt { path, .. } => {
                    Some(path.display().to_string())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    // Unreadable tokens of the config's sign-ins have their rows too.
    let unreadable: Vec<String> = report
        .sign_ins
        .iter()
        .filter_map(|s| match &s.token {
            TokenStatus::Unreadable(e) => Some(e.to_string()),
            _ => None,
        })
        .collect();
    // What the storage lost is a warning (entries left in a keyring no longer in use are the
    // storage check's).
    for note in &report.notes {
        if let crate::report::StorageNote::Lost(_) = note {
            checks.push(Check::warn(
                Area::SignIn,
                "cache",
                note.to_string(),
                format!(
                    "sign in again; `{} logout` drops the lost names",
                    exam.binary
                ),
            ));
        }
    }
    for warning in report.warnings {
        if !problems.contains(&warning)
            && !unreadable.contains(&warning)
            && !damaged.iter().any(|p| warning.contains(p.as_str()))
        {
            checks.push(Check::fail(
                Area::SignIn,
                "cache",
                warning,
                "run the command the message names",
            ));
        }
    }
    checks
}

/// The check of one sign-in, `subject`, whose token is `token` (`login` signs in again);
/// `None` for an expired token no profile uses.
fn verdict(
    subject: String,
    login: &str,
    token: &TokenStatus,
    not_in_config: bool,
    now: time::OffsetDateTime,
) -> Option<Check> {
    let renews = |token: &aws_sso_token_cache::SsoToken| {
        match token.registration_expires_at {
        Some(until) if token.can_refresh(now) => format!(
            "renews itself from its refresh token until {} (then a browser sign-in)",
            timestamp::format(until)
        ),
        _ => "cannot renew itself (no refresh token: a legacy profile's sign-in, or a copy `token export` or another tool wrote): sign in again when it ends".to_owned(),
    }
    };
    Some(match token {
        TokenStatus::Present { token, state } => match state {
            TokenState::Valid { remaining } | TokenState::RefreshDue { remaining } => Check::pass(
                Area::SignIn,
                subject,
                format!(
                    "signed in, {} left; {}",
                    human_duration(*remaining),
                    renews(token)
                ),
            ),
            TokenState::Expired if token.can_refresh(now) => Check::pass(
                Area::SignIn,
                subject,
                format!(
                    "the token expired at {}; renewed from its refresh token at the next use",
                    timestamp::format(token.expires_at)
                ),
            ),
            TokenState::Expired if not_in_config => return None,
            TokenState::Expired => Check::warn(
                Area::SignIn,
                subject,
                format!(
                    "signed out: the token expired at {} and cannot renew itself",
                    timestamp::format(token.expires_at)
                ),
                format!("run `{login}`"),
            ),
        },
        TokenStatus::Missing => Check::warn(
            Area::SignIn,
            subject,
            "not signed in (no token cached)",
            format!("run `{login}`"),
        ),
        TokenStatus::Refused { at, .. } => Check::warn(
            Area::SignIn,
            subject,
            format!(
                "IAM Identity Center refused this sign-in at {} (ended or revoked on the server)",
                timestamp::format(*at)
            ),
            format!("run `{login}`"),
        ),
        TokenStatus::Damaged(e) => Check::fail(
            Area::SignIn,
            subject,
            e.to_string(),
            format!("run `{login}`, which replaces the file"),
        ),
        TokenStatus::Unreadable(e) => Check::fail(
            Area::SignIn,
            subject,
            e.to_string(),
            match e.kind() {
                aws_sso_token_cache::ErrorKind::Keyring { .. } => {
                    "start and unlock the keyring of this session".to_owned()
                }
                _ => "make the cache file yours and readable by you (chmod 600)".to_owned(),
            },
        ),
    })
}
