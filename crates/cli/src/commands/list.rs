//! `aws-sso-rs list`: the accounts a sign-in reaches and the roles in each.

use std::io::Write;

use anyhow::Result;
use aws_sso_role_credentials::{Directory, DirectoryAccount};
use serde::Serialize;

use crate::cli::{ListWhat, Output};
use crate::commands::directory::directory;
use crate::settings::ListSettings;
use crate::world::World;

/// An account as `aws sso list-accounts` names its fields, with its roles.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountRow<'a> {
    account_id: &'a str,
    account_name: &'a str,
    email_address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a [String]>,
}

/// A role, as `aws sso list-account-roles` names its fields, with the account's name and the
/// profiles of the config that use it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleRow<'a> {
    account_id: &'a str,
    account_name: &'a str,
    role_name: &'a str,
    profiles: Vec<String>,
}

/// The profiles of `set` that use `account` and `role` through the session of `start_url`.
fn sign_in_flag(settings: &ListSettings) -> String {
    match &settings.target.sign_in.named_by {
        aws_sso_device_auth::NamedBy::SsoSession(s) => format!("--sso-session {s}"),
        aws_sso_device_auth::NamedBy::Profile(p) => format!("--profile {p}"),
    }
}

fn accounts<'a>(
    dir: &'a Directory,
    only: Option<&str>,
    flag: &str,
) -> Result<Vec<&'a DirectoryAccount>> {
    match only {
        None => Ok(dir.accounts.iter().collect()),
        Some(id) => dir.account(id).map(|a| vec![a]).ok_or_else(|| {
            crate::exit::access(format!(
                "you have no access to account {id} through {} (or it was assigned in the last hour: add --refresh); `aws-sso-rs list accounts {flag}` shows the accounts you have",
                dir.start_url
            ))
        }),
    }
}

pub fn run(settings: &ListSettings, world: &World, out: &mut dyn Write) -> Result<()> {
    let dir = directory(
        &settings.target,
        &settings.files,
        world,
        settings.freshness(),
    )?;
    let accounts = accounts(&dir, settings.account.as_deref(), &sign_in_flag(settings))?;
    match settings.what {
        Some(ListWhat::Roles) => {
            let sessions = settings.set.sessions();
            let rows: Vec<RoleRow> = accounts
                .iter()
                .flat_map(|a| {
                    a.roles.iter().map(|role| RoleRow {
                        account_id: &a.account.account_id,
                        account_name: &a.account.account_name,
                        role_name: role,
                        profiles: sessions.profiles_for_role(
                            &dir.start_url,
                            &a.account.account_id,
                            role,
                        ),
                    })
                })
                .collect();
            match settings.output {
                Output::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
                Output::Table => print_table(
                    out,
                    &["ACCOUNT", "NAME", "ROLE", "PROFILES"],
                    rows.iter().map(|r| {
                        vec![
                            r.account_id.to_owned(),
                            r.account_name.to_owned(),
                            r.role_name.to_owned(),
                            if r.profiles.is_empty() {
                                "-".to_owned()
                            } else {
                                r.profiles.join(",")
                            },
                        ]
                    }),
                )?,
            }
        }
        what => {
            let with_roles = what.is_none();
            let rows: Vec<AccountRow> = accounts
                .iter()
                .map(|a| AccountRow {
                    account_id: &a.account.account_id,
                    account_name: &a.account.account_name,
                    email_address: &a.account.email,
                    roles: with_roles.then_some(a.roles.as_slice()),
                })
                .collect();
            match settings.output {
                Output::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
                Output::Table if with_roles => print_table(
                    out,
                    &["ACCOUNT", "NAME", "E-MAIL", "ROLES"],
                    rows.iter().map(|r| {
                        vec![
                            r.account_id.to_owned(),
                            r.account_name.to_owned(),
                            r.email_address.to_owned(),
                            r.roles.unwrap_or_default().join(","),
                        ]
                    }),
                )?,
                Output::Table => print_table(
                    out,
                    &["ACCOUNT", "NAME", "E-MAIL"],
                    rows.iter().map(|r| {
                        vec![
                            r.account_id.to_owned(),
                            r.account_name.to_owned(),
                            r.email_address.to_owned(),
                        ]
                    }),
                )?,
            }
        }
    }
    Ok(())
}

/// Aligned columns without borders, as `profiles` and `status` print them.
pub fn print_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
