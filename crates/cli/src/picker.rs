//! The fuzzy picker: dialoguer's `FuzzySelect` on the terminal (drawn on stderr, so that
//! `$(aws-sso-rs pick)` captures only the answer).

use anyhow::{Result, bail};
use aws_sso_profile_config::ProfileSet;

use crate::Cancelled;

/// Asks to choose one of `items` (typing filters them); the index chosen. Esc cancels.
pub fn choose(prompt: &str, items: &[String]) -> Result<usize> {
    if items.is_empty() {
        bail!("nothing to choose from");
    }
    let theme = dialoguer::theme::ColorfulTheme::default();
    let chosen = dialoguer::FuzzySelect::with_theme(&theme)
        .with_prompt(prompt)
        .items(items)
        .default(0)
        .max_length(15)
        .interact_opt()?;
    chosen.ok_or_else(|| Cancelled.into())
}

/// Asks to choose a profile of `set`: IAM Identity Center profiles first, each with its
/// account, role and session.
pub fn choose_profile(set: &ProfileSet) -> Result<String> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut others: Vec<(String, String)> = Vec::new();
    for profile in set.profiles() {
        let name = profile.name().to_owned();
        match set.sso_profile(&name) {
            Ok(Some(sso)) => {
                let role = match sso.role() {
                    Some((account, role)) => format!("{account} {role}"),
                    None => "(sign-in only)".to_owned(),
                };
                let session = sso
                    .session
                    .name
                    .clone()
                    .unwrap_or_else(|| sso.session.start_url.clone());
                rows.push((name, format!("{role}  {session}")));
            }
            Ok(None) => others.push((name, "(not IAM Identity Center)".to_owned())),
            Err(_) => others.push((name, "(invalid: `aws-sso-rs profiles` says why)".to_owned())),
        }
    }
    rows.extend(others);
    if rows.is_empty() {
        bail!(
            "there are no profiles to choose from; add one to {} (or run `aws-sso-rs configure sso`)",
            set.config_path()
                .map_or_else(|| "~/.aws/config".to_owned(), |p| p.display().to_string())
        );
    }
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let items: Vec<String> = rows
        .iter()
        .map(|(name, what)| format!("{name:<width$}  {what}"))
        .collect();
    let index = choose("Profile", &items)?;
    Ok(rows[index].0.clone())
}
