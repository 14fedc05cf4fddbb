//! `aws-sso-rs configure populate`: a generated profile for every account and role.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use aws_sso_profile_config::PopulateOptions;
use aws_sso_role_credentials::{ErrorKind, SdkClients};

use crate::commands::directory::Bar;
use crate::settings::PopulateSettings;
use crate::world::World;

pub fn run(
    settings: &PopulateSettings,
    world: &World,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let path = &settings.files.config_file;
    let target = &settings.target;
    let clients = SdkClients::for_listing(target);
    let cache = settings.files.cache();
    let bar = Bar::new(&format!(
        "Listing the accounts and roles of {}",
        target.sign_in.label()
    ));
    let outcome = world
        .runtime()?
        .block_on(clients.resolver(&world.clock, &cache).populate(
            target,
            &settings.files.directory_cache(),
            &bar,
            path,
            &PopulateOptions {
                session: settings.session.clone(),
                template: settings.template.clone(),
                region: settings.region.clone(),
                prune: settings.prune,
                include_covered: settings.include_covered,
            },
            settings.dry_run,
        ));
    drop(bar);
    // A bad --template is a usage error, named by its flag.
    let outcome = outcome.map_err(|e| {
        if let ErrorKind::Config(c) = e.kind()
            && let aws_sso_profile_config::ErrorKind::InvalidEdit {
                what: "profile name template",
                reason,
                ..
            } = c.kind()
        {
            return crate::exit::usage(format!("--template {:?}: {reason}", settings.template));
        }
        e.into()
    })?;
    let plan = &outcome.plan;
    if settings.dry_run {
        let colour = std::io::stdout().is_terminal()
            && world
                .env
                .non_empty(aws_sso_profile_config::env::vars::NO_COLOR)
                .is_none();
        diff(&outcome.before, &outcome.after, path, colour, out)?;
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
            count(outcome.roles, "role"),
            count(outcome.accounts, "account"),
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
