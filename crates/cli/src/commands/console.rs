//! `aws-sso-rs console`: the AWS Management Console as the profile's role.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use aws_sso_role_credentials::{
    ConsoleRequest, federation_token, federation_url, portal_console_url,
};

use crate::browser;
use crate::commands::credentials::role_credentials;
use crate::settings::ConsoleSettings;
use crate::world::World;

pub fn run(settings: &ConsoleSettings, world: &World) -> Result<()> {
    let c = &settings.credentials;
    let sso = c.target.sso_role();
    // The console's "issuer" (where its sign-out sends the person): the portal when there
    // is one.
    let start_url = sso.map_or("", |r| r.sign_in.session.start_url.as_str());
    let url = if settings.via_portal {
        let Some(role) = c.target.sso_role().filter(|_| c.chain.is_none()) else {
            let chain = c.chain.as_deref().unwrap_or_default();
            return Err(crate::exit::usage(if c.target.assumes_a_role() {
                format!(
                    "--via-portal: profile '{}' assumes {} ({chain}), a role the AWS access portal does not list; leave out --via-portal to open the console by federation",
                    c.profile, c.role_name
                )
            } else {
                format!(
                    "--via-portal: profile '{}' gets its credentials from {chain}, not from the AWS access portal; leave out --via-portal to open the console by federation",
                    c.profile
                )
            }));
        };
        portal_console_url(
            &role.sign_in.session.start_url,
            &c.account_id,
            &c.role_name,
            settings
                .destination_chosen
                .then_some(settings.destination.as_str()),
        )
    } else {
        let mut creds = role_credentials(c, world)?;
        let runtime = world.runtime()?;
        let federated = creds.session_token().is_none();
        if federated {
            // An IAM user's long-term keys: the console takes short-lived ones, which
            // GetFederationToken gives for as long as the console session asks.
            creds = runtime.block_on(federation_token(
                &creds,
                &c.profile,
                settings
                    .duration_seconds
                    .map_or(Duration::from_secs(3600), Duration::from_secs),
                &c.sts_region,
                &c.sts_endpoint,
                c.target.transport(),
            ))?;
        }
        runtime.block_on(federation_url(
            &creds,
            &settings.signin_endpoint,
            c.target.transport(),
            &ConsoleRequest {
                destination: settings.destination.clone(),
                issuer: start_url.to_owned(),
                // A federated user's session lasts as its token does; the sign-in endpoint
                // takes SessionDuration only with a role's credentials.
                duration: settings
                    .duration_seconds
                    .filter(|_| !federated)
                    .map(Duration::from_secs),
            },
            &aws_sso_device_auth::TokioSleeper,
        ))?
    };
    crate::picker::used(world, &c.files, &c.profile);
    if settings.print {
        writeln!(std::io::stdout().lock(), "{url}")?;
        return Ok(());
    }
    let what = if c.role_name.is_empty() {
        format!("the AWS Management Console (profile '{}')", c.profile)
    } else {
        format!(
            "the AWS Management Console as {} in account {} (profile '{}')",
            c.role_name, c.account_id, c.profile
        )
    };
    let opened = match &settings.browser_profile {
        Some(profile) => {
            match browser::open_in_profile(&url, profile, settings.browser, world.env.as_ref()) {
                Ok(()) => Ok(format!("Opened {what} in browser profile '{profile}'.")),
                Err(browser::ProfileOpenError::Unknown(why)) => {
                    return Err(crate::exit::usage(why));
                }
                Err(browser::ProfileOpenError::NotOpened(why)) => Err(why),
            }
        }
        None => browser::open(&url, world.env.as_ref())
            .map(|()| format!("Opened {what} in your browser."))
            .map_err(|why| why.to_string()),
    };
    match opened {
        Ok(said) => eprintln!("{said}"),
        // As login does: the address, and why no browser opened it.
        Err(why) => {
            let within = if settings.via_portal {
                ""
            } else {
                " within 15 minutes (the sign-in token in it expires then)"
            };
            eprintln!(
                "No browser could be opened: {why}.\nOpen this address in a browser{within} for {what}:"
            );
            writeln!(std::io::stdout().lock(), "{url}")?;
        }
    }
    Ok(())
}
