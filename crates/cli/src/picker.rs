//! The fuzzy picker: dialoguer's `FuzzySelect` on the terminal (drawn on stderr, so that
//! `$(aws-sso-rs pick)` captures only the answer).

use anyhow::{Result, bail};
use aws_sso_profile_config::{ChainSource, ProfileSet, select_profile};
use aws_sso_role_credentials::selection;
use unicode_width::UnicodeWidthStr;

use crate::exit::Cancelled;
use crate::world::{Files, World};

/// Resolves a command's settings with `profile` (its `--profile`); when that fails because
/// nothing named a profile and a person at the terminal should choose one
/// ([`selection::wants_a_pick`]: `default` is not an IAM Identity Center profile, or the
/// config has several sign-ins), asks which, then resolves again with the answer. Settings
/// never ask: this is the one question they can lead to, asked before the command runs.
pub fn or_pick<T>(
    world: &World,
    files: &Files,
    profile: Option<&str>,
    resolve: impl Fn(Option<&str>) -> Result<T>,
) -> Result<T> {
    let first = resolve(profile);
    let Err(error) = &first else {
        return first;
    };
    let selected = select_profile(profile, world.env.as_ref());
    let wants = world.interactive
        && error.chain().any(|cause| {
            cause
                .downcast_ref::<aws_sso_role_credentials::Error>()
                .is_some_and(|e| selection::wants_a_pick(e, &selected))
        });
    if !wants {
        return first;
    }
    let set = ProfileSet::load(&files.locations())?;
    let picked = choose_profile(&set, world, files, "")?;
    resolve(Some(&picked))
}

/// Asks to choose one of `items` (typing filters them); the index chosen. Esc cancels.
pub fn choose(prompt: &str, items: &[String]) -> Result<usize> {
    choose_from(prompt, items, "")
}

/// [`choose`], with `query` typed already.
fn choose_from(prompt: &str, items: &[String], query: &str) -> Result<usize> {
    if items.is_empty() {
        bail!("nothing to choose from");
    }
    let theme = dialoguer::theme::ColorfulTheme::default();
    let chosen = dialoguer::FuzzySelect::with_theme(&theme)
        .with_prompt(prompt)
        .with_initial_text(query)
        .items(items)
        .default(0)
        .max_length(15)
        .interact_opt()?;
    chosen.ok_or_else(|| Cancelled.into())
}

/// `rows` as lines of aligned columns (two spaces apart; the last column is not padded),
/// measured in terminal columns (a wide character takes two).
pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        // A row's last cell is not padded, so it widens nothing.
        for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            let width = cell.width();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 < row.len() {
                    let pad = widths[i].saturating_sub(cell.width());
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad + 2));
                } else {
                    line.push_str(cell);
                }
            }
            line.trim_end().to_owned()
        })
        .collect()
}

/// Asks to choose a profile of `set`: IAM Identity Center profiles and roles assumed through
/// `source_profile` first, each with its account, role and session (or chain), in aligned
/// columns.
pub fn choose_profile(
    set: &ProfileSet,
    world: &World,
    files: &Files,
    query: &str,
) -> Result<String> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut others: Vec<Vec<String>> = Vec::new();
    for profile in set.profiles() {
        let name = profile.name().to_owned();
        match set.sso_profile(&name) {
            Ok(Some(sso)) => {
                let (account, role) = match sso.role() {
                    Some((account, role)) => (account.to_owned(), role.to_owned()),
                    None => (String::new(), "(sign-in only)".to_owned()),
                };
                let session = sso
                    .session
                    .name
                    .clone()
                    .unwrap_or_else(|| sso.session.start_url.clone());
                rows.push(vec![name, account, role, session]);
            }
            Ok(None) => match set.credential_chain(&name) {
                Ok(chain) => {
                    let via = chain
                        .describe()
                        .strip_prefix(&format!("{name} -> "))
                        .map(str::to_owned)
                        .unwrap_or_default();
                    let arn = match (chain.links.last(), &chain.source) {
                        (Some(link), _) => Some(link.role_arn.as_str()),
                        (None, ChainSource::WebIdentity { role_arn, .. }) => {
                            Some(role_arn.as_str())
                        }
                        (None, _) => None,
                    };
                    match arn {
                        Some(arn) => {
                            let account = arn.split(':').nth(4).unwrap_or_default().to_owned();
                            let role = arn.rsplit('/').next().unwrap_or_default().to_owned();
                            rows.push(vec![name, account, role, format!("via {via}")]);
                        }
                        // Keys or a process: what gives them.
                        None => others.push(vec![name, format!("({via})")]),
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        aws_sso_profile_config::ErrorKind::NoCredentials { .. }
                    ) =>
                {
                    others.push(vec![name, "(no credentials)".to_owned()]);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        aws_sso_profile_config::ErrorKind::LoginSession { .. }
                    ) =>
                {
                    others.push(vec![name, "(aws login)".to_owned()]);
                }
                Err(_) => others.push(vec![
                    name,
                    "(invalid: `aws-sso-rs profiles` says why)".to_owned(),
                ]),
            },
            Err(_) => others.push(vec![
                name,
                "(invalid: `aws-sso-rs profiles` says why)".to_owned(),
            ]),
        }
    }
    rows.extend(others);
    // The profiles used most and last come first (frecency); the rest keep their order.
    let recent = aws_sso_role_credentials::RecentProfiles::new(&files.tool_cache_dir);
    let order = recent.order(world.clock.now());
    rows.sort_by_key(|row| std::cmp::Reverse(order.get(&row[0]).copied().unwrap_or_default()));
    if rows.is_empty() {
        bail!(
            "there are no profiles to choose from; add one to {} (or run `aws-sso-rs configure sso`)",
            set.config_path()
                .map_or_else(|| "~/.aws/config".to_owned(), |p| p.display().to_string())
        );
    }
    let items = columns(&rows);
    let index = choose_from("Profile", &items, query)?;
    let chosen = rows[index][0].clone();
    used(world, files, &chosen);
    Ok(chosen)
}

/// Records that a person used `profile` (for the picker's order); a record that cannot be
/// written is said with `--debug` only.
pub fn used(world: &World, files: &Files, profile: &str) {
    let recent = aws_sso_role_credentials::RecentProfiles::new(&files.tool_cache_dir);
    if let Err(e) = recent.record(profile, world.clock.now()) {
        tracing::debug!("cannot record the use of profile '{profile}': {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_whatever_the_lengths() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let lines = columns(&[
            row(&["dev-ro", "123456789011", "ReadOnly", "corp"]),
            row(&["dev-admin", "123456789011", "Administrator", "corp"]),
            row(&["default", "(not IAM Identity Center)"]),
            row(&["日本", "210987654321", "ReadOnly", "corp"]),
        ]);
        assert_eq!(
            lines,
            [
                "dev-ro     123456789011  ReadOnly       corp",
                "dev-admin  123456789011  Administrator  corp",
                "default    (not IAM Identity Center)",
                "日本       210987654321  ReadOnly       corp",
            ]
        );
    }
}
