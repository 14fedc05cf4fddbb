//! Settings, resolved once per command with one precedence: flag > environment > profile >
//! default. The hidden `--show-settings` flag prints them (snapshot-tested).

use anyhow::Result;
use aws_sso_device_auth::{NamedBy, SignInTarget};
use aws_sso_profile_config::{
    ClientEndpointConfig, ConfiguredSession, Endpoint, ProfileSet, ProfileSource, SelectedProfile,
    Service, SessionList, select_profile,
};
use aws_sso_role_credentials::{Freshness, RoleTarget, SessionTarget};
use aws_sso_token_cache::TokenKey;
use serde::Serialize;

use crate::cli::{
    ConsoleArgs, ListArgs, ListWhat, LoginArgs, LogoutArgs, Output, PopulateArgs, ProfilesArgs,
    SignInArgs, StatusArgs,
};
use crate::world::{Files, World};

/// The profile to use (`--profile` > `AWS_SSO_RS_PROFILE` > `AWS_PROFILE` > `AWS_DEFAULT_PROFILE` >
/// `default`); when
/// none is named, `default` is not an IAM Identity Center profile and a person is at the
/// terminal, the one they pick instead.
fn selected_or_picked(
    profile: Option<&str>,
    files: &Files,
    world: &World,
    may_pick: bool,
) -> Result<SelectedProfile> {
    let selected = select_profile(profile, world.env.as_ref());
    if !(may_pick && world.interactive && selected.source == ProfileSource::Default) {
        return Ok(selected);
    }
    let set = ProfileSet::load(&files.locations())?;
    if matches!(set.sso_profile(&selected.name), Ok(Some(_))) {
        return Ok(selected);
    }
    Ok(SelectedProfile {
        name: crate::picker::choose_profile(&set)?,
        source: ProfileSource::Flag,
    })
}

/// Prints settings as pretty JSON.
pub fn show(settings: &impl Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(settings)?);
    Ok(())
}

/// Settings of `aws-sso-rs profiles`.
#[derive(Debug, Serialize)]
pub struct ProfilesSettings {
    pub files: Files,
    pub output: Output,
    pub names: bool,
}

impl ProfilesSettings {
    pub fn resolve(args: &ProfilesArgs, world: &World) -> Result<Self> {
        Ok(Self {
            files: Files::resolve(world)?,
            output: args.output,
            names: args.names,
        })
    }
}

/// Settings of `aws-sso-rs login`.
#[derive(Debug, Serialize)]
pub struct LoginSettings {
    pub files: Files,
    pub targets: Vec<SignInTarget>,
    /// Sections `--all` skipped, each with its problem.
    pub skipped: Vec<String>,
    pub open_browser: bool,
    pub redirect_port: u16,
    pub force: bool,
}

/// The sign-in of the selected profile (`--profile` > `AWS_SSO_RS_PROFILE` > `AWS_PROFILE` >
/// `AWS_DEFAULT_PROFILE`).
fn profile_target(
    profile: Option<&str>,
    files: &Files,
    world: &World,
    device: bool,
) -> Result<SignInTarget> {
    let env = world.env.as_ref();
    // No profile named and `default` is not an IAM Identity Center profile: the config's only
    // sign-in, as `list` takes it; with several, the picker on a terminal, else the list.
    if select_profile(profile, env).source == ProfileSource::Default {
        let set = ProfileSet::load(&files.locations())?;
        let list = set.sessions();
        // With no sign-in at all, the profile's own message (it says how to add one).
        if !list.sessions.is_empty() && !matches!(set.sso_profile("default"), Ok(Some(_))) {
            match list.only_sign_in(&files.config_file) {
                Ok(only) => {
                    return Ok(SignInTarget::resolve(
                        named_by(only),
                        only.session.clone(),
                        &set,
                        env,
                        device,
                    ));
                }
                Err(several) if !world.interactive => return Err(several.into()),
                Err(_) => {}
            }
        }
    }
    let selected = selected_or_picked(profile, files, world, true)?;
    let set = ProfileSet::load_profile(&files.locations(), &selected.name)?;
    let sso = set
        .require_sso_profile(&selected.name)
        .map_err(|e| explain_selection(e.into(), &selected, files))?;
    Ok(SignInTarget::resolve(
        NamedBy::Profile(selected.name),
        sso.session,
        &set,
        world.env.as_ref(),
        device,
    ))
}

/// Whether `error` says that the selected profile is not in the config.
fn is_profile_not_found(error: &anyhow::Error) -> bool {
    let not_found = |e: &aws_sso_profile_config::Error| {
        matches!(
            e.kind(),
            aws_sso_profile_config::ErrorKind::ProfileNotFound { .. }
        )
    };
    error.chain().any(|cause| {
        cause
            .downcast_ref::<aws_sso_profile_config::Error>()
            .is_some_and(not_found)
            || cause
                .downcast_ref::<aws_sso_role_credentials::Error>()
                .is_some_and(|e| {
                    matches!(e.kind(), aws_sso_role_credentials::ErrorKind::Config(c) if not_found(c))
                })
    })
}

/// A selected profile that is not in the config, explained: with the whole file read (the
/// fast path reads only that profile) the message lists the profiles and suggests the
/// closest, and it says where the name came from when not from `--profile`.
fn explain_selection(
    error: anyhow::Error,
    selected: &SelectedProfile,
    files: &Files,
) -> anyhow::Error {
    if !is_profile_not_found(&error) {
        return error;
    }
    let full = match ProfileSet::load(&files.locations())
        .map(|set| set.require_profile(&selected.name).err())
    {
        Ok(Some(complete)) => anyhow::Error::from(complete),
        _ => error,
    };
    let from = match selected.source {
        ProfileSource::Flag => return full,
        ProfileSource::AwsProfile => {
            format!("the profile '{}' comes from AWS_PROFILE", selected.name)
        }
        ProfileSource::AwsDefaultProfile => format!(
            "the profile '{}' comes from AWS_DEFAULT_PROFILE",
            selected.name
        ),
        ProfileSource::OuterExec => format!(
            "the profile '{}' comes from AWS_SSO_RS_PROFILE (this runs inside `aws-sso-rs exec`)",
            selected.name
        ),
        ProfileSource::Default => "no --profile given and neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, so the profile is 'default'".to_owned(),
    };
    full.context(from)
}

/// How `login --all` names a configured sign-in: by its session, or by the first profile of a
/// legacy start URL.
fn named_by(configured: &ConfiguredSession) -> NamedBy {
    match (&configured.session.name, configured.profiles.first()) {
        (Some(name), _) => NamedBy::SsoSession(name.clone()),
        (None, Some(profile)) => NamedBy::Profile(profile.profile.clone()),
        (None, None) => NamedBy::SsoSession(configured.session.start_url.clone()),
    }
}

impl LoginSettings {
    pub fn resolve(args: &LoginArgs, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        let env = world.env.as_ref();
        let device = args.use_device_code;
        let mut skipped = Vec::new();
        let targets = if let Some(name) = &args.sso_session {
            let set = ProfileSet::load(&files.locations())?;
            let session = set.sso_session_named(name)?;
            vec![SignInTarget::resolve(
                NamedBy::SsoSession(name.clone()),
                session,
                &set,
                env,
                device,
            )]
        } else if args.all {
            let set = ProfileSet::load(&files.locations())?;
            let list = set.require_sessions()?;
            skipped = list.problems.iter().map(ToString::to_string).collect();
            list.sessions
                .iter()
                .map(|c| SignInTarget::resolve(named_by(c), c.session.clone(), &set, env, device))
                .collect()
        } else {
            vec![profile_target(
                args.profile.as_deref(),
                &files,
                world,
                device,
            )?]
        };
        Ok(Self {
            files,
            targets,
            skipped,
            open_browser: !args.no_browser,
            redirect_port: args.redirect_port.unwrap_or(0),
            force: args.force,
        })
    }
}

/// Settings of `aws-sso-rs logout`.
#[derive(Debug, Serialize)]
pub struct LogoutSettings {
    pub files: Files,
    /// The sign-in to log out of, as its token's cache key; `None`: everything.
    pub only: Option<String>,
    #[serde(skip)]
    pub set: ProfileSet,
    /// Every sign-in of the config, read once.
    #[serde(skip)]
    pub sessions: SessionList,
    #[serde(skip)]
    pub session: Option<ConfiguredSession>,
}

impl LogoutSettings {
    pub fn resolve(args: &LogoutArgs, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        let set = ProfileSet::load(&files.locations())?;
        let session = match (&args.profile, &args.sso_session) {
            (None, None) => None,
            (_, Some(name)) => Some(set.sso_session_named(name)?),
            (Some(profile), None) => Some(set.require_sso_profile(profile)?.session),
        };
        let sessions = set.sessions();
        let session = session.map(|s| {
            sessions
                .find(s.cache_key_source())
                .cloned()
                .unwrap_or(ConfiguredSession {
                    session: s,
                    profiles: Vec::new(),
                })
        });
        Ok(Self {
            files,
            only: session
                .as_ref()
                .map(|s| TokenKey::for_session(&s.session).source().to_owned()),
            set,
            sessions,
            session,
        })
    }
}

/// Settings of `aws-sso-rs status`.
#[derive(Debug, Serialize)]
pub struct StatusSettings {
    pub files: Files,
    pub output: Output,
}

impl StatusSettings {
    pub fn resolve(args: &StatusArgs, world: &World) -> Result<Self> {
        Ok(Self {
            files: Files::resolve(world)?,
            output: args.output,
        })
    }
}

/// Settings of the commands that need one profile's role credentials.
#[derive(Debug, Serialize)]
pub struct CredentialSettings {
    pub files: Files,
    pub profile: String,
    pub account_id: String,
    pub role_name: String,
    pub region: Option<String>,
    pub portal_endpoint: String,
    pub oidc_endpoint: String,
    /// STS for `whoami`: `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile's `region` > `sso_region`.
    pub sts_region: String,
    pub sts_endpoint: Endpoint,
    /// Sign in interactively when needed.
    pub login: bool,
    #[serde(skip)]
    pub target: RoleTarget,
    /// The config as read (the selected profile and every session), for commands that need
    /// more of it without reading the files again.
    #[serde(skip)]
    pub set: ProfileSet,
}

impl CredentialSettings {
    /// With `may_pick`, a person at the terminal who named no profile picks one.
    pub fn resolve(
        profile: Option<&str>,
        login: bool,
        may_pick: bool,
        world: &World,
    ) -> Result<Self> {
        let files = Files::resolve(world)?;
        let selected = selected_or_picked(profile, &files, world, may_pick)?;
        let set = ProfileSet::load_profile(&files.locations(), &selected.name)?;
        let env = world.env.as_ref();
        let target = RoleTarget::resolve(&set, &selected.name, env)
            .map_err(|e| explain_selection(e.into(), &selected, &files))?;
        let sts_region = env
            .non_empty(aws_sso_profile_config::env::vars::AWS_REGION)
            .or_else(|| env.non_empty(aws_sso_profile_config::env::vars::AWS_DEFAULT_REGION))
            .or_else(|| target.region.clone())
            .unwrap_or_else(|| target.sign_in.session.region.clone());
        let sts_endpoint = set.endpoint(
            Some(&selected.name),
            &Service::Sts,
            &sts_region,
            env,
            ClientEndpointConfig::default(),
        );
        Ok(Self {
            files,
            sts_region,
            sts_endpoint,
            profile: selected.name,
            account_id: target.account_id.clone(),
            role_name: target.role_name.clone(),
            region: target.region.clone(),
            portal_endpoint: target.portal.url.clone(),
            oidc_endpoint: target.sign_in.oidc.url.clone(),
            login,
            target,
            set,
        })
    }
}

/// The sign-in a listing command uses: `--sso-session`, `--profile`, the selected profile
/// (`AWS_PROFILE`, `AWS_DEFAULT_PROFILE`), or, when none is named and the `default` profile
/// does not sign in through IAM Identity Center, the config's only `[sso-session]`, else its
/// only sign-in.
pub fn session_target(args: &SignInArgs, files: &Files, world: &World) -> Result<SessionTarget> {
    let env = world.env.as_ref();
    if let Some(name) = &args.sso_session {
        let set = ProfileSet::load(&files.locations())?;
        return Ok(SessionTarget::for_session(&set, name, env)?);
    }
    let selected = select_profile(args.profile.as_deref(), env);
    let set = ProfileSet::load(&files.locations())?;
    if selected.source == ProfileSource::Default
        && !matches!(set.sso_profile("default"), Ok(Some(_)))
    {
        let list = set.require_sessions()?;
        let only = list.only_sign_in(&files.config_file)?;
        return Ok(match &only.session.name {
            Some(name) => SessionTarget::for_session(&set, name, env)?,
            None => SessionTarget::for_profile(&set, &only.profiles[0].profile, env)?,
        });
    }
    SessionTarget::for_profile(&set, &selected.name, env)
        .map_err(|e| explain_selection(e.into(), &selected, files))
}

/// Settings of `aws-sso-rs list`.
#[derive(Debug, Serialize)]
pub struct ListSettings {
    pub files: Files,
    pub what: Option<ListWhat>,
    pub session: String,
    pub start_url: String,
    pub portal_endpoint: String,
    pub account: Option<String>,
    pub output: Output,
    pub refresh: bool,
    #[serde(skip)]
    pub target: SessionTarget,
}

impl ListSettings {
    pub fn resolve(args: &ListArgs, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        let target = session_target(&args.sign_in, &files, world)?;
        Ok(Self {
            files,
            what: args.what,
            session: target.sign_in.label(),
            start_url: target.sign_in.session.start_url.clone(),
            portal_endpoint: target.portal.url.clone(),
            account: args.account.clone(),
            output: args.output,
            refresh: args.refresh,
            target,
        })
    }

    pub fn freshness(&self) -> Freshness {
        if self.refresh {
            Freshness::Refetch
        } else {
            Freshness::default()
        }
    }
}

/// Settings of `aws-sso-rs configure populate`.
#[derive(Debug, Serialize)]
pub struct PopulateSettings {
    pub files: Files,
    pub session: String,
    pub template: String,
    pub region: String,
    pub prune: bool,
    pub include_covered: bool,
    pub dry_run: bool,
    #[serde(skip)]
    pub target: SessionTarget,
}

impl PopulateSettings {
    pub fn resolve(args: &PopulateArgs, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        let set = ProfileSet::load(&files.locations())?;
        let session = match &args.sso_session {
            Some(name) => name.clone(),
            None => {
                let list = set.require_sessions()?;
                let names: Vec<&str> = list
                    .sessions
                    .iter()
                    .filter_map(|c| c.session.name.as_deref())
                    .collect();
                match names.as_slice() {
                    [only] => (*only).to_owned(),
                    [] => {
                        return Err(crate::exit::config(format!(
                            "{} has no [sso-session] section, and generated profiles sign in through one; add one (or run `aws-sso-rs configure sso`), then name it with --sso-session",
                            files.config_file.display()
                        )));
                    }
                    many => {
                        return Err(crate::exit::config(format!(
                            "{} has {} [sso-session] sections; name one with --sso-session: {}",
                            files.config_file.display(),
                            many.len(),
                            many.join(", ")
                        )));
                    }
                }
            }
        };
        let target = SessionTarget::for_session(&set, &session, world.env.as_ref())?;
        Ok(Self {
            files,
            region: args
                .region
                .clone()
                .unwrap_or_else(|| target.sign_in.session.region.clone()),
            session,
            template: args.template.clone(),
            prune: args.prune,
            include_covered: args.include_covered,
            dry_run: args.dry_run,
            target,
        })
    }
}

/// Settings of `aws-sso-rs console`.
#[derive(Debug, Serialize)]
pub struct ConsoleSettings {
    pub credentials: CredentialSettings,
    /// `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile's `region` > `sso_region`, unless
    /// `--region`.
    pub region: String,
    pub destination: String,
    /// Whether the page was chosen (`--service`, `--destination`, `--region`): only then is a
    /// destination passed to the portal's link.
    pub destination_chosen: bool,
    pub signin_endpoint: Endpoint,
    pub print: bool,
    pub via_portal: bool,
    pub duration_seconds: Option<u64>,
}

impl ConsoleSettings {
    pub fn resolve(args: &ConsoleArgs, world: &World) -> Result<Self> {
        let credentials = CredentialSettings::resolve(args.profile.as_deref(), false, true, world)?;
        let region = args
            .region
            .clone()
            .unwrap_or_else(|| credentials.sts_region.clone());
        let signin_endpoint = credentials.set.endpoint(
            Some(&credentials.profile),
            &Service::Signin,
            &region,
            world.env.as_ref(),
            ClientEndpointConfig::default(),
        );
        let destination = args.destination.clone().unwrap_or_else(|| {
            aws_sso_role_credentials::console_destination(&region, args.service.as_deref())
        });
        Ok(Self {
            destination_chosen: args.service.is_some()
                || args.destination.is_some()
                || args.region.is_some(),
            region,
            destination,
            signin_endpoint,
            print: args.print,
            via_portal: args.via_portal,
            duration_seconds: args.duration,
            credentials,
        })
    }
}
