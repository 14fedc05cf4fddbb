//! `aws-sso-rs configure sso`: the guided set-up of one profile, as `aws configure sso` does.
//! It asks (or takes from flags), signs in, lists the accounts and roles, and writes through
//! the lossless editor (`aws_sso_profile_config::write_sso_profile`).

use anyhow::Result;
use aws_sso_device_auth::{NamedBy, SignInTarget};
use aws_sso_profile_config::{
    ClientEndpointConfig, ConfigDocument, DEFAULT_SCOPE, FileKind, Service, SsoProfileSpec,
    SsoSession, check_region, check_section_name, check_start_url, write_sso_profile,
};
use aws_sso_role_credentials::{Choice, Freshness, SessionTarget};

use crate::cli::ConfigureSsoArgs;
use crate::commands::directory::directory;
use crate::commands::login::{SignInChoices, sign_in};
use crate::world::{Files, World};

/// Asks a person, or says which flag was missing when nobody can answer.
struct Asker {
    interactive: bool,
}

impl Asker {
    /// `given`, else the answer to `prompt` (with `default` offered), else `default`; an
    /// error naming `flag` when there is none.
    fn text(
        &self,
        given: Option<&str>,
        prompt: &str,
        default: Option<&str>,
        flag: &str,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> Result<String> {
        if let Some(v) = given {
            check(v).map_err(|e| crate::exit::usage(format!("{flag} {v:?}: {e}")))?;
            return Ok(v.to_owned());
        }
        if !self.interactive {
            return match default {
                Some(d) => Ok(d.to_owned()),
                None => Err(crate::exit::usage(format!(
                    "{prompt}: no answer; pass {flag} (nothing is asked without a terminal, or with --yes)"
                ))),
            };
        }
        let theme = dialoguer::theme::ColorfulTheme::default();
        let mut input = dialoguer::Input::<String>::with_theme(&theme)
            .with_prompt(prompt)
            .validate_with(|v: &String| check(v));
        match default {
            Some("") => input = input.allow_empty(true),
            Some(d) => input = input.default(d.to_owned()),
            None => {}
        }
        Ok(input.interact_text()?)
    }
}

fn anything(_: &str) -> Result<(), String> {
    Ok(())
}

pub fn run(args: &ConfigureSsoArgs, world: &World) -> Result<()> {
    let files = Files::resolve(world)?;
    let path = &files.config_file;
    let mut doc = ConfigDocument::load(path, FileKind::Config)?;
    let set = doc.profile_set()?;
    let ask = Asker {
        interactive: world.interactive && !args.yes,
    };
    let session_name = ask.text(
        args.session_name.as_deref(),
        "SSO session name",
        None,
        "--session-name",
        check_section_name,
    )?;
    let existing = set.sso_session_named(&session_name).ok();
    let start_url = ask.text(
        args.start_url.as_deref(),
        "SSO start URL",
        existing.as_ref().map(|s| s.start_url.as_str()),
        "--start-url",
        check_start_url,
    )?;
    let sso_region = ask.text(
        args.region.as_deref(),
        "SSO region",
        existing.as_ref().map(|s| s.region.as_str()),
        "--region",
        check_region,
    )?;
    let scopes_default = existing
        .as_ref()
        .map(|s| s.registration_scopes.join(","))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_SCOPE.to_owned());
    let scopes = ask.text(
        args.scopes.as_deref(),
        "SSO registration scopes",
        Some(&scopes_default),
        "--scopes",
        anything,
    )?;
    let session = SsoSession {
        name: Some(session_name.clone()),
        start_url,
        region: sso_region.clone(),
        registration_scopes: scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Some(change) = set.session_change(&session) {
        let what = change.describe(path);
        let agreed = args.yes
            || (ask.interactive
                && dialoguer::Confirm::with_theme(&dialoguer::theme::ColorfulTheme::default())
                    .with_prompt(format!("{what}; go on"))
                    .default(false)
                    .interact()?);
        if !agreed {
            return Err(crate::exit::usage(format!(
                "{what}: pass --yes to change it, or choose another --session-name"
            )));
        }
    }
    let env = world.env.as_ref();
    // The wizard cannot read a pasted callback address (its questions need stdin after the
    // sign-in), so without a browser it signs in with a device code.
    // Nothing is pasted here: without a browser to open, only the device code can finish.
    let no_browser = crate::browser::can_open(env).err();
    if let Some(why) = no_browser
        .as_ref()
        .filter(|_| !args.use_device_code && !args.no_browser)
    {
        eprintln!(
            "aws-sso-rs: no browser can be started here ({why}), so the sign-in uses the device code."
        );
    }
    let device = args.use_device_code || args.no_browser || no_browser.is_some();
    let sign_in_target = SignInTarget::resolve(
        NamedBy::SsoSession(session_name.clone()),
        session.clone(),
        &set,
        env,
        device,
    );
    sign_in(
        std::slice::from_ref(&sign_in_target),
        &files.cache(),
        &SignInChoices {
            open_browser: !args.no_browser,
            redirect_port: 0,
            force: args.force,
            accept_paste: false,
        },
        world,
    )?;
    let target = SessionTarget {
        portal: set.endpoint(
            None,
            &Service::Sso,
            &sso_region,
            env,
            ClientEndpointConfig::default(),
        ),
        sign_in: sign_in_target,
    };
    // The list `list` cached (up to an hour old) lets the pickers open at once.
    let dir = directory(&target, &files, world, Freshness::default())?;
    let account = match dir.choose_account(args.account_id.as_deref()) {
        Choice::Named(account) => account,
        Choice::NotThere => {
            return Err(crate::exit::access(format!(
                "you have no access to account {} through {} (or it was assigned in the last hour: `aws-sso-rs list --refresh --sso-session {session_name}` fetches the list anew); `aws-sso-rs list accounts --sso-session {session_name}` lists yours",
                args.account_id.as_deref().unwrap_or_default(),
                session.start_url
            )));
        }
        Choice::NoneAtAll => {
            return Err(crate::exit::access(format!(
                "no AWS account is assigned to you through {}; ask your administrator to assign you one",
                session.start_url
            )));
        }
        Choice::Only(only) => {
            eprintln!(
                "The only AWS account available to you: {} ({}).",
                only.account.account_name, only.account.account_id
            );
            only
        }
        Choice::Several(all) if ask.interactive => {
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|a| {
                    vec![
                        a.account.account_id.clone(),
                        a.account.account_name.clone(),
                        a.account.email.clone(),
                    ]
                })
                .collect();
            let items = crate::picker::columns(&rows);
            &all[crate::picker::choose("Account", &items)?]
        }
        Choice::Several(all) => {
            return Err(crate::exit::usage(format!(
                "{} AWS accounts are available to you; pass --account-id, one of: {}",
                all.len(),
                all.iter()
                    .map(|a| format!("{} ({})", a.account.account_id, a.account.account_name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let account_id = account.account.account_id.clone();
    let role = match account.choose_role(args.role_name.as_deref()) {
        Choice::Named(role) => role.clone(),
        Choice::NotThere => {
            return Err(crate::exit::access(format!(
                "you have no role {} in account {account_id}; `aws-sso-rs list roles --sso-session {session_name} --account {account_id}` lists yours",
                args.role_name.as_deref().unwrap_or_default()
            )));
        }
        Choice::NoneAtAll => {
            return Err(crate::exit::access(format!(
                "you have no role in account {account_id}; choose another account, or ask your administrator to assign you one"
            )));
        }
        Choice::Only(only) => {
            eprintln!("The only role available to you in {account_id}: {only}.");
            only.clone()
        }
        Choice::Several(roles) if ask.interactive => {
            roles[crate::picker::choose("Role", roles)?].clone()
        }
        Choice::Several(roles) => {
            return Err(crate::exit::usage(format!(
                "{} roles are available to you in account {account_id}; pass --role-name ({})",
                roles.len(),
                roles.join(", ")
            )));
        }
    };
    // An existing profile's own region and output are the defaults when it is named.
    let current = args.profile_name.as_deref().and_then(|p| set.profile(p));
    let region_default = current
        .and_then(|p| p.get("region"))
        .unwrap_or(&sso_region)
        .to_owned();
    let default_region = ask.text(
        args.default_region.as_deref(),
        "Default client region",
        Some(&region_default),
        "--default-region",
        check_region,
    )?;
    let output_default = current.and_then(|p| p.get("output")).unwrap_or("");
    let output = ask.text(
        args.output_format.as_deref(),
        "Default output format (empty for none)",
        Some(output_default),
        "--output-format",
        anything,
    )?;
    let suggested = format!("{role}-{account_id}");
    let profile = ask.text(
        args.profile_name.as_deref(),
        "Profile name",
        Some(&suggested),
        "--profile-name",
        check_section_name,
    )?;
    if set.profile(&profile).is_some() && !args.yes {
        let overwrite = ask.interactive
            && dialoguer::Confirm::with_theme(&dialoguer::theme::ColorfulTheme::default())
                .with_prompt(format!(
                    "Profile '{profile}' exists in {}; update it",
                    path.display()
                ))
                .default(false)
                .interact()?;
        if !overwrite {
            return Err(crate::exit::usage(format!(
                "profile '{profile}' already exists in {}; choose another --profile-name, or pass --yes to update it",
                path.display()
            )));
        }
    }
    let written = write_sso_profile(
        &mut doc,
        &SsoProfileSpec {
            profile: &profile,
            session: &session,
            account_id: &account_id,
            role_name: &role,
            region: Some(&default_region),
            output: (!output.is_empty()).then_some(output.as_str()),
        },
    )?;
    doc.save()?;
    eprintln!(
        "{} profile '{profile}' ({role} in {account_id}) and {} [sso-session {session_name}] in {}.\nUse it with --profile, as in: aws-sso-rs whoami --profile {profile}",
        if written.profile_updated {
            "Updated"
        } else {
            "Wrote"
        },
        if written.session_added {
            "added"
        } else if written.session_updated {
            "updated"
        } else {
            "kept"
        },
        path.display()
    );
    Ok(())
}
