//! The config files, the environment variables that choose or override a profile, and the
//! programs profiles run.

use aws_sso_profile_config::env::vars;
use aws_sso_profile_config::{ProfileSet, SsoVariables, closest_name};

use super::{Area, Check, Examination};
use crate::report::{ProfileAccess, profile_report};

/// The config and credentials files, read as every command reads them; the set when it
/// could be read.
pub(super) fn checks(exam: &Examination<'_>) -> (Vec<Check>, Option<ProfileSet>) {
    let path = exam.locations.config.display().to_string();
    let set = match ProfileSet::load(&exam.locations) {
        Ok(set) => set,
        Err(e) => {
            let check = Check::fail(
                Area::Config,
                &path,
                e.to_string(),
                "make the file readable by you (or point AWS_CONFIG_FILE at the one to use)",
            );
            return (vec![check], None);
        }
    };
    let mut checks = Vec::new();
    let variables = SsoVariables::any_set(exam.env);
    if set.config_missing() {
        checks.push(match variables {
            true => Check::pass(
                Area::Config,
                &path,
                "no config file; the AWS_SSO_* variables are the profile (the environment's check says whether they are right)",
            ),
            false => Check::fail(
                Area::Config,
                &path,
                "the config file does not exist: no profile can be used",
                format!(
                    "run `{} configure sso`, or write the file as the README shows",
                    exam.binary
                ),
            ),
        });
    }
    let now = exam.clock.now();
    let report = profile_report(&set, &exam.cache, now);
    let (mut sso, mut chained, mut other) = (0, 0, 0);
    for profile in &report.profiles {
        match &profile.access {
            ProfileAccess::Sso { .. } => sso += 1,
            ProfileAccess::Chain { .. } => chained += 1,
            ProfileAccess::Other | ProfileAccess::LoginSession { .. } => other += 1,
            ProfileAccess::Invalid(why) => checks.push(Check::fail(
                Area::Config,
                format!("profile '{}'", profile.name),
                why.clone(),
                "correct the line it names (`aws-sso-rs profiles` lists every profile)",
            )),
        }
    }
    if !set.config_missing() {
        let sessions = set.sso_sessions().len();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let detail = format!(
            "{} ({sso} IAM Identity Center, {chained} assuming a role, {other} other), {}",
            plural(report.profiles.len(), "profile", "profiles"),
            plural(sessions, "[sso-session] section", "[sso-session] sections"),
        );
        checks.insert(0, Check::pass(Area::Config, &path, detail));
        let invalid = report
            .profiles
            .iter()
            .any(|p| matches!(p.access, ProfileAccess::Invalid(_)));
        if sso + chained == 0 && !variables && !invalid && set.misspelt_keys().is_empty() {
            checks.push(Check::warn(
                Area::Config,
                &path,
                "no profile signs in with IAM Identity Center",
                format!("run `{} configure sso` to add one", exam.binary),
            ));
        }
    }
    for problem in &set.sessions().problems {
        let text = problem.to_string();
        if !checks.iter().any(|c| c.detail == text) {
            checks.push(Check::fail(
                Area::Config,
                "sign-ins",
                text,
                "correct the line it names",
            ));
        }
    }
    for warning in set.warnings() {
        checks.push(Check::warn(
            Area::Config,
            warning.location.to_string(),
            warning.message.clone(),
            "rewrite that line as the message says, so every AWS tool reads it alike",
        ));
    }
    for misspelt in set.misspelt_keys() {
        let fix = match misspelt.kind() {
            aws_sso_profile_config::ErrorKind::MisspeltKey {
                key, suggestion, ..
            } => format!("rename {key} to {suggestion}: every AWS tool ignores it as it is"),
            _ => "rename it".to_owned(),
        };
        let text = misspelt.to_string();
        if !checks.iter().any(|c| c.detail == text) {
            checks.push(Check::warn(Area::Config, "keys", text, fix));
        }
    }
    credentials_file(exam, &mut checks);
    (checks, Some(set))
}

/// The credentials file's mode: it holds keys, so only its owner may read it.
fn credentials_file(exam: &Examination<'_>, checks: &mut Vec<Check>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = &exam.locations.credentials;
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let mode = meta.permissions().mode() & 0o777;
        let subject = path.display().to_string();
        checks.push(if mode & 0o077 == 0 {
            Check::pass(Area::Config, subject, format!("mode {mode:o}, yours alone"))
        } else {
            Check::warn(
                Area::Config,
                subject.clone(),
                format!("mode {mode:o}: other users may read the keys it holds"),
                format!("chmod 600 {subject}"),
            )
        });
    }
    #[cfg(not(unix))]
    let _ = (exam, checks);
}

/// The variables that choose a profile (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, the
/// `AWS_SSO_*` variables), keys that win over every profile, and `AWS_CA_BUNDLE`.
pub(super) fn environment(exam: &Examination<'_>, set: Option<&ProfileSet>) -> Vec<Check> {
    let mut checks = Vec::new();
    for variable in [vars::AWS_PROFILE, vars::AWS_DEFAULT_PROFILE] {
        let Some(name) = exam.env.non_empty(variable) else {
            continue;
        };
        let Some(set) = set else { continue };
        if set.profile(&name).is_some() {
            checks.push(Check::pass(
                Area::Environment,
                variable,
                format!("{variable} = {name}, a profile of the config"),
            ));
        } else {
            let hint = closest_name(set.profiles().map(|p| p.name()), &name)
                .map(|c| format!(" (did you mean '{c}'?)"))
                .unwrap_or_default();
            checks.push(Check::fail(
                Area::Environment,
                variable,
                format!("{variable} = {name}, which no config or credentials file defines{hint}"),
                format!("set {variable} to a profile `aws-sso-rs profiles` lists, or unset it"),
            ));
        }
    }
    match SsoVariables::from_env(exam.env) {
        Ok(Some(v)) => checks.push(Check::pass(
            Area::Environment,
            "AWS_SSO_*",
            format!(
                "the AWS_SSO_* variables sign in to {} ({}){}",
                v.session.start_url,
                v.session.region,
                if v.has_role() {
                    format!(
                        " as {} in {}",
                        v.role_name.as_deref().unwrap_or_default(),
                        v.account_id.as_deref().unwrap_or_default()
                    )
                } else {
                    String::new()
                }
            ),
        )),
        Ok(None) => {}
        Err(e) => checks.push(Check::fail(
            Area::Environment,
            "AWS_SSO_*",
            e.to_string(),
            "correct the variable it names, or unset the AWS_SSO_* variables to use a profile of the config",
        )),
    }
    // Keys in the environment win over every profile in the AWS CLI and the SDKs; inside
    // `aws-sso-rs exec` they are the profile's own.
    if exam.env.non_empty(vars::AWS_ACCESS_KEY_ID).is_some()
        && exam.env.non_empty(vars::AWS_SSO_RS_PROFILE).is_none()
    {
        checks.push(Check::warn(
            Area::Environment,
            "AWS_ACCESS_KEY_ID",
            "keys are set in the environment: the AWS CLI and the SDKs use them before any profile (AWS_PROFILE too)",
            "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN, unless you mean to use them",
        ));
    }
    if let Some(bundle) = exam.env.non_empty(vars::AWS_CA_BUNDLE) {
        let path = aws_sso_profile_config::expand_tilde(&bundle, exam.env, exam.platform)
            .unwrap_or_else(|_| bundle.clone().into());
        checks.push(if path.is_file() {
            Check::pass(
                Area::Environment,
                vars::AWS_CA_BUNDLE,
                format!(
                    "{} is trusted instead of the system's authorities",
                    path.display()
                ),
            )
        } else {
            Check::fail(
                Area::Environment,
                vars::AWS_CA_BUNDLE,
                format!("{} names no file", path.display()),
                "point AWS_CA_BUNDLE at your organisation's PEM bundle, or unset it",
            )
        });
    }
    checks
}

/// Each profile's `credential_process`: its program can be found.
pub(super) fn programs(exam: &Examination<'_>, set: &ProfileSet) -> Vec<Check> {
    let mut checks = Vec::new();
    for section in set.profiles() {
        let Some(prop) = section.property("credential_process") else {
            continue;
        };
        let subject = format!("profile '{}'", section.name());
        let at = prop.location();
        let Some(program) = crate::process_program(prop.value()) else {
            checks.push(Check::fail(
                Area::Programs,
                subject,
                format!(
                    "{at}: credential_process cannot be split into words (an unmatched quote?)"
                ),
                "correct that line",
            ));
            continue;
        };
        checks.push(match crate::find_program(&program, exam.env) {
            Some(found) => Check::pass(
                Area::Programs,
                subject,
                format!("credential_process runs {}", found.display()),
            ),
            None if program.contains('/') => Check::fail(
                Area::Programs,
                subject,
                format!("{at}: credential_process runs {program}, and no program is there (or it is not executable)"),
                "install it there, or correct the path in that line".to_owned(),
            ),
            None => Check::fail(
                Area::Programs,
                subject,
                format!("{at}: credential_process runs {program}, which is not found on PATH (or not executable)"),
                format!("install {program}, or write its full path in that line"),
            ),
        });
    }
    checks
}
