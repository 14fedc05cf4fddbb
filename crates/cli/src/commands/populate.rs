//! `aws-sso-rs configure populate`: a generated profile for every account and role.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use aws_sso_profile_config::{Assignment, ConfigDocument, FileKind, PopulateOptions, populate};
use aws_sso_role_credentials::Freshness;

use crate::commands::directory::directory;
use crate::settings::PopulateSettings;
use crate::world::World;

pub fn run(
    settings: &PopulateSettings,
    world: &World,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let path = &settings.files.config_file;
    let original = ConfigDocument::load(path, FileKind::Config)?;
    // Always the current assignments: pruning on an hour-old list could remove a new role's
    // neighbour or keep a removed one.
    let dir = directory(&settings.target, &settings.files, world, Freshness::Refetch)?;
    let assignments: Vec<Assignment> = dir
        .roles()
        .map(|(account, role)| Assignment {
            account_id: account.account_id.clone(),
            account_name: account.account_name.clone(),
            role_name: role.to_owned(),
        })
        .collect();
    let mut doc = original.clone();
    let plan = populate(
        &mut doc,
        &assignments,
        &PopulateOptions {
            session: settings.session.clone(),
            template: settings.template.clone(),
            region: settings.region.clone(),
            prune: settings.prune,
            include_covered: settings.include_covered,
        },
    )
    .map_err(|e| match e.kind() {
        aws_sso_profile_config::ErrorKind::InvalidEdit {
            what: "profile name template",
            reason,
            ..
        } => crate::exit::usage(format!("--template {:?}: {reason}", settings.template)),
        _ => e.into(),
    })?;
    if settings.dry_run {
        let colour = std::io::stdout().is_terminal()
            && world
                .env
                .non_empty(aws_sso_profile_config::env::vars::NO_COLOR)
                .is_none();
        diff(original.as_str(), doc.as_str(), path, colour, out)?;
    } else if plan.changes() {
        doc.save()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let verb = |done: &str, planned: &str| if settings.dry_run { planned } else { done }.to_owned();
    let mut parts = Vec::new();
    if !plan.added.is_empty() {
        parts.push(format!(
            "{} {}",
            verb("added", "would add"),
            profiles(plan.added.len())
        ));
    }
    if !plan.updated.is_empty() {
        parts.push(format!(
            "{} {}",
            verb("updated", "would update"),
            profiles(plan.updated.len())
        ));
    }
    if !plan.removed.is_empty() {
        parts.push(format!(
            "{} {} ({})",
            verb("removed", "would remove"),
            profiles(plan.removed.len()),
            plan.removed.join(", ")
        ));
    }
    if parts.is_empty() && plan.unchanged == 0 {
        writeln!(
            err,
            "Nothing to change in {}: no generated profiles of sso-session '{}'.",
            path.display(),
            settings.session,
        )?;
    } else if parts.is_empty() {
        writeln!(
            err,
            "Nothing to change in {}: {} of sso-session '{}' {} up to date.",
            path.display(),
            profiles(plan.unchanged).replace("profile", "generated profile"),
            settings.session,
            if plan.unchanged == 1 { "is" } else { "are" },
        )?;
    } else {
        writeln!(
            err,
            "{} in {} of sso-session '{}' ({}{}): {}; {} unchanged.",
            count(assignments.len(), "role"),
            count(dir.accounts.len(), "account"),
            settings.session,
            path.display(),
            if settings.dry_run {
                ", dry run: nothing written"
            } else {
                ""
            },
            parts.join(", "),
            plan.unchanged
        )?;
    }
    if !plan.kept_names.is_empty() {
        writeln!(
            err,
            "{} keep the names they were written with (scripts refer to them): {}; --template names new profiles only.",
            profiles(plan.kept_names.len()).replace("profile", "generated profile"),
            plan.kept_names.join(", ")
        )?;
    }
    if !plan.covered.is_empty() {
        let mut covering: Vec<&str> = plan.covered.iter().map(|c| c.profile.as_str()).collect();
        covering.sort_unstable();
        covering.dedup();
        writeln!(
            err,
            "{} already covered by your own {} ({}): not generated again; --include-covered generates {} too.",
            match plan.covered.len() {
                1 => "1 role is".to_owned(),
                n => format!("{n} roles are"),
            },
            if covering.len() == 1 {
                "profile"
            } else {
                "profiles"
            },
            covering.join(", "),
            if plan.covered.len() == 1 {
                "it"
            } else {
                "them"
            }
        )?;
    }
    if !plan.gone.is_empty() {
        writeln!(
            err,
            "{} {} an account or role you no longer have: {}; --prune removes {}.",
            profiles(plan.gone.len()).replace("profile", "generated profile"),
            if plan.gone.len() == 1 {
                "names"
            } else {
                "name"
            },
            plan.gone.join(", "),
            if plan.gone.len() == 1 { "it" } else { "them" }
        )?;
    }
    Ok(())
}

/// `1 role`, `3 roles`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `1 profile`, `3 profiles`.
fn profiles(n: usize) -> String {
    if n == 1 {
        "1 profile".to_owned()
    } else {
        format!("{n} profiles")
    }
}

/// A unified diff of the config file, coloured when `colour` (on a terminal, unless
/// `NO_COLOR` is set and not empty).
fn diff(
    old: &str,
    new: &str,
    path: &std::path::Path,
    colour: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let name = path.display().to_string();
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&name, &name)
        .to_string();
    for line in text.lines() {
        let paint = match line.as_bytes().first() {
            _ if !colour => None,
            Some(b'+') if !line.starts_with("+++") => Some("32"),
            Some(b'-') if !line.starts_with("---") => Some("31"),
            Some(b'@') => Some("36"),
            _ => None,
        };
        match paint {
            Some(code) => writeln!(out, "\x1b[{code}m{line}\x1b[0m")?,
            None => writeln!(out, "{line}")?,
        }
    }
    Ok(())
}
