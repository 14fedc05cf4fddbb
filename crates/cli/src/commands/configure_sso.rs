//! `aws-sso-rs configure sso`: the guided set-up of one profile, as `aws configure sso` does.
//! The questions, defaults and rules are `aws_sso_role_credentials::SsoSetup`'s; this file
//! asks them on the terminal, signs in between the session and the account, and says what
//! was written.

use anyhow::Result;
use aws_sso_device_auth::{NamedBy, SignInTarget};
use aws_sso_profile_config::{ClientEndpointConfig, ConfigDocument, FileKind, Service};
use aws_sso_role_credentials::{
    Freshness, Question, Questions, SessionTarget, SetupAnswers, SetupError, SsoSetup,
};

use crate::cli::ConfigureSsoArgs;
use crate::commands::directory::directory;
use crate::commands::login::{SignInChoices, sign_in};
use crate::world::{Files, World};

/// The set-up's questions on a terminal (dialoguer); nobody answers without one, or with
/// `--yes`.
struct Terminal {
    interactive: bool,
}

fn io(e: dialoguer::Error) -> std::io::Error {
    let dialoguer::Error::IO(e) = e;
    e
}

impl Questions for Terminal {
    fn ask(&self, question: Question, default: Option<&str>) -> std::io::Result<Option<String>> {
        if !self.interactive {
            return Ok(None);
        }
        let theme = dialoguer::theme::ColorfulTheme::default();
        let mut input = dialoguer::Input::<String>::with_theme(&theme)
            .with_prompt(question.prompt())
            .validate_with(|v: &String| question.check(v));
        match default {
            Some("") => input = input.allow_empty(true),
            Some(d) => input = input.default(d.to_owned()),
            None => {}
        }
        input.interact_text().map(Some).map_err(io)
    }

    fn confirm(&self, prompt: &str) -> std::io::Result<bool> {
        if !self.interactive {
            return Ok(false);
        }
        dialoguer::Confirm::with_theme(&dialoguer::theme::ColorfulTheme::default())
            .with_prompt(prompt)
            .default(false)
            .interact()
            .map_err(io)
    }

    fn pick(&self, title: &str, rows: &[Vec<String>]) -> std::io::Result<Option<usize>> {
        if !self.interactive {
            return Ok(None);
        }
        let items = crate::picker::columns(rows);
        crate::picker::choose(title, &items).map(Some).map_err(|e| {
            // Escape: the person chose nothing (exit 130, as every picker).
            if e.downcast_ref::<crate::exit::Cancelled>().is_some() {
                std::io::Error::new(std::io::ErrorKind::Interrupted, e.to_string())
            } else {
                std::io::Error::other(e)
            }
        })
    }

    fn note(&self, text: &str) {
        eprintln!("{text}");
    }
}

/// A set-up error with its exit code: access (8) when the person lacks the account or role,
/// usage (2) otherwise.
fn refused(e: SetupError) -> anyhow::Error {
    match e {
        SetupError::Terminal(e) if e.kind() == std::io::ErrorKind::Interrupted => {
            crate::exit::Cancelled.into()
        }
        SetupError::Terminal(e) => e.into(),
        e if e.is_access() => crate::exit::access(e.to_string()),
        e => crate::exit::usage(e.to_string()),
    }
}

pub fn run(args: &ConfigureSsoArgs, world: &World) -> Result<()> {
    let files = Files::resolve(world)?;
    let path = &files.config_file;
    let mut doc = ConfigDocument::load(path, FileKind::Config)?;
    let set = doc.profile_set()?;
    let answers = SetupAnswers {
        session_name: args.session_name.clone(),
        start_url: args.start_url.clone(),
        sso_region: args.region.clone(),
        scopes: args.scopes.clone(),
        account_id: args.account_id.clone(),
        role_name: args.role_name.clone(),
        default_region: args.default_region.clone(),
        output_format: args.output_format.clone(),
        profile_name: args.profile_name.clone(),
        yes: args.yes,
    };
    let terminal = Terminal {
        interactive: world.interactive && !args.yes,
    };
    let setup = SsoSetup::new(&set, path, &answers, &terminal);
    let session = setup.session().map_err(refused)?;
    let session_name = session.name.clone().unwrap_or_default();
    let sso_region = session.region.clone();
    let env = world.env.as_ref();
    // The wizard cannot read a pasted callback address (its questions need stdin after the
    // sign-in), so without a browser it signs in with a device code.
    let no_browser = crate::browser::can_open(env).err();
    let device_code_instead = no_browser
        .as_ref()
        .filter(|_| !args.use_device_code && !args.no_browser)
        .map(|why| {
            format!("no browser can be opened here ({why}), so the sign-in uses the device code")
        });
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
            // Where none can be opened, the device code's address is enough said.
            open_browser: !args.no_browser && no_browser.is_none(),
            redirect_port: 0,
            force: args.force,
            accept_paste: false,
            device_code_instead,
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
    let (account_id, role) = setup.account_and_role(&session, &dir).map_err(refused)?;
    let plan = setup.plan(session, account_id, role).map_err(refused)?;
    let written = plan.write(&mut doc)?;
    doc.save()?;
    eprintln!(
        "{} profile '{profile}' ({role} in {account}) and {} [sso-session {session_name}] in {}.\nUse it with --profile, as in: aws-sso-rs whoami --profile {profile}",
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
        path.display(),
        profile = plan.profile,
        role = plan.role_name,
        account = plan.account_id,
    );
    Ok(())
}
