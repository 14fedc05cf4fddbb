//! Settings, resolved once per command with one precedence: flag > environment > profile >
//! default. Each command's settings are a function of its flags, the environment (read once,
//! in `World`) and the config as loaded once; which profile or sign-in, which region and what
//! `logout` ends are `aws_sso_role_credentials::selection`'s rules. Nothing here asks a
//! question: when a person should pick a profile, resolution fails with an error that
//! `picker::or_pick` answers by asking, then resolves again. The hidden `--show-settings`
//! flag prints them (snapshot-tested).

use anyhow::Result;
use aws_sso_device_auth::{Flow, SignInTarget};
use aws_sso_profile_config::{
    ClientEndpointConfig, ConfiguredSession, Endpoint, Env, ProfileSet, Service, SessionList,
    select_profile,
};
use aws_sso_role_credentials::selection::{self, Named};
use aws_sso_role_credentials::{CredentialTarget, Freshness, SessionTarget};
use aws_sso_token_cache::TokenKey;
use serde::Serialize;

use crate::cli::{
    ConsoleArgs, DoctorArgs, ListArgs, ListWhat, LoginArgs, LogoutArgs, Output, PopulateArgs,
    ProfilesArgs, ServeArgs, StatusArgs,
};
use crate::world::Files;

/// Where no browser can be opened (over SSH with no display, in a container, in WSL with no
/// way to Windows' browser), a browser sign-in (PKCE) would leave the person to carry an
/// address to another machine and paste back where it ended, and with no terminal it could
/// never complete: `target` signs in with the device code instead, whose page any device can
/// open, unless PKCE was asked for (`pkce_asked`: `--use-pkce`, `--redirect-port`). The
/// reason, when it does (said once, on one line); `None` when the flow stays as it is.
fn headless_flow(
    target: &mut SignInTarget,
    env: &dyn Env,
    interactive: bool,
    no_browser: bool,
    pkce_asked: bool,
) -> Option<String> {
    // With a display, an address printed by --no-browser can still be opened here by hand,
    // and its redirect reaches the loopback listener: the browser flow can finish.
    if pkce_asked || target.flow == Flow::DeviceCode {
        return None;
    }
    let why = crate::browser::can_open(env).err()?;
    target.flow = Flow::DeviceCode;
    let opened = if no_browser {
        "no browser is opened (--no-browser), none could be here"
    } else {
        "no browser can be opened here"
    };
    Some(if interactive {
        format!(
            "{opened} ({why}), so the sign-in uses the device code, whose page any device can open (--use-pkce to paste the browser's address back instead)"
        )
    } else {
        format!(
            "{opened} ({why}) and no address can be pasted (stdin is not a terminal), so the sign-in uses the device code"
        )
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
    pub fn resolve(args: &ProfilesArgs, files: Files) -> Self {
        Self {
            files,
            output: args.output,
            names: args.names,
        }
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
    /// Why the device code is used though the browser flow was asked for, if it is.
    pub device_code_instead: Option<String>,
}

impl LoginSettings {
    /// With `profile` in place of `--profile` (the one a person picked, when asked);
    /// `interactive`: stdin is a terminal.
    pub fn resolve(
        args: &LoginArgs,
        profile: Option<&str>,
        env: &dyn Env,
        interactive: bool,
        files: Files,
        set: &ProfileSet,
    ) -> Result<Self> {
        let device = args.use_device_code;
        let (mut targets, skipped) = if args.all {
            selection::every_sign_in(set, env, device)?
        } else {
            let named = Named {
                profile,
                sso_session: args.sso_session.as_deref(),
            };
            let target = selection::sign_in_target(set, &files.config_file, named, env, device)?;
            (vec![target], Vec::new())
        };
        let device_code_instead = targets
            .iter_mut()
            .map(|t| {
                let pkce_asked = args.use_pkce || args.redirect_port.is_some();
                headless_flow(t, env, interactive, args.no_browser, pkce_asked)
            })
            .fold(None, Option::or);
        Ok(Self {
            files,
            targets,
            skipped,
            // Where none can be opened, none is tried: the address is shown to be opened
            // elsewhere (and why was said once, when the flow changed for it).
            open_browser: !args.no_browser && crate::browser::can_open(env).is_ok(),
            redirect_port: args.redirect_port.unwrap_or(0),
            force: args.force,
            device_code_instead,
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
    pub fn resolve(args: &LogoutArgs, files: Files, set: ProfileSet) -> Result<Self> {
        let session = selection::logout_scope(
            &set,
            Named {
                profile: args.profile.as_deref(),
                sso_session: args.sso_session.as_deref(),
            },
        )?;
        Ok(Self {
            files,
            only: session
                .as_ref()
                .map(|s| TokenKey::for_session(&s.session).source().to_owned()),
            sessions: set.sessions(),
            set,
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
    pub fn resolve(args: &StatusArgs, files: Files) -> Self {
        Self {
            files,
            output: args.output,
        }
    }
}

/// Settings of `aws-sso-rs doctor`.
#[derive(Debug, Serialize)]
pub struct DoctorSettings {
    pub files: Files,
    pub output: Output,
    pub offline: bool,
    /// Where the shell's startup files are.
    pub home: std::path::PathBuf,
    /// The folder of `serve`'s token files.
    pub runtime_dir: Option<std::path::PathBuf>,
}

impl DoctorSettings {
    pub fn resolve(
        args: &DoctorArgs,
        env: &dyn Env,
        platform: aws_sso_profile_config::Platform,
        files: Files,
    ) -> Result<Self> {
        let home = aws_sso_profile_config::home_dir(env, platform)?;
        let serve = std::net::SocketAddr::from(([127, 0, 0, 1], 9911));
        let runtime_dir =
            aws_sso_role_credentials::default_token_file(env, &files.tool_cache_dir, serve)
                .parent()
                .map(std::path::Path::to_path_buf);
        Ok(Self {
            files,
            output: args.output,
            offline: args.offline,
            home,
            runtime_dir,
        })
    }
}

/// Settings of the commands that need one profile's role credentials.
#[derive(Debug, Serialize)]
pub struct CredentialSettings {
    pub files: Files,
    pub profile: String,
    /// For a profile that assumes a role: the chain (`deploy -> dev -> sso-session corp`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    pub account_id: String,
    pub role_name: String,
    pub region: Option<String>,
    /// The IAM Identity Center portal and OIDC endpoints (of the chain's bottom, for a
    /// chain that stands on a sign-in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oidc_endpoint: Option<String>,
    /// STS for `whoami`: `AWS_REGION` > `AWS_DEFAULT_REGION` > the profile's `region` >
    /// `sso_region` (for a chain: > the source's `region` > the bottom's `sso_region` >
    /// `us-east-1`).
    pub sts_region: String,
    /// The region of the profile's service calls (the console's): the one STS is reached in
    /// unless `sts_regional_endpoints = legacy` signs for `us-east-1`.
    #[serde(skip)]
    pub service_region: String,
    pub sts_endpoint: Endpoint,
    /// Sign in interactively when needed.
    pub login: bool,
    /// Why a sign-in would use the device code though the profile's flow is the browser's.
    pub device_code_instead: Option<String>,
    #[serde(skip)]
    pub target: CredentialTarget,
    /// The config as read (the selected profile and every session), for commands that need
    /// more of it without reading the files again.
    #[serde(skip)]
    pub set: ProfileSet,
}

impl CredentialSettings {
    /// The profile named by `profile` (else the environment's); the config is read once, for
    /// that profile only. `interactive`: stdin is a terminal.
    pub fn resolve(
        profile: Option<&str>,
        login: bool,
        env: &dyn Env,
        interactive: bool,
        files: Files,
    ) -> Result<Self> {
        let selected = select_profile(profile, env);
        let (mut target, set) = selection::credential_target(&files.locations(), &selected, env)?;
        let device_code_instead = match (login, target.sign_in_mut()) {
            (true, Some(sign_in)) => headless_flow(sign_in, env, interactive, false, false),
            _ => None,
        };
        let (service_region, (sts_region, sts_endpoint)) = match &target {
            CredentialTarget::Sso(role) => {
                let region = selection::service_region(role, env);
                let sts = selection::sts_endpoint(&set, Some(&selected.name), &region, env)?;
                (region, sts)
            }
            CredentialTarget::Chain(chain) => (
                chain.region.clone(),
                (chain.sts_region.clone(), chain.sts_endpoint.clone()),
            ),
        };
        let (account_id, role_name) = target.account_and_role();
        let region = match &target {
            CredentialTarget::Sso(role) => role.region.clone(),
            CredentialTarget::Chain(_) => set
                .profile(&selected.name)
                .and_then(|p| p.get("region"))
                .map(str::to_owned),
        };
        Ok(Self {
            files,
            service_region,
            sts_region,
            sts_endpoint,
            profile: selected.name,
            chain: target.chain_description(),
            account_id,
            role_name,
            region,
            portal_endpoint: target.sso_role().map(|r| r.portal.url.clone()),
            oidc_endpoint: target.sign_in().map(|s| s.oidc.url.clone()),
            login,
            device_code_instead,
            target,
            set,
        })
    }
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
    /// The config as read, for the profiles beside each role.
    #[serde(skip)]
    pub set: ProfileSet,
}

impl ListSettings {
    pub fn resolve(args: &ListArgs, env: &dyn Env, files: Files, set: ProfileSet) -> Result<Self> {
        let named = Named {
            profile: args.sign_in.profile.as_deref(),
            sso_session: args.sign_in.sso_session.as_deref(),
        };
        let target = selection::session_target(&set, &files.config_file, named, env)?;
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
            set,
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
    pub fn resolve(
        args: &PopulateArgs,
        env: &dyn Env,
        files: Files,
        set: &ProfileSet,
    ) -> Result<Self> {
        let session =
            selection::populate_session(set, &files.config_file, args.sso_session.as_deref())?;
        let target = SessionTarget::for_session(set, &session, env)?;
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
    pub browser_profile: Option<String>,
    pub browser: Option<crate::cli::BrowserKind>,
}

impl ConsoleSettings {
    pub fn resolve(args: &ConsoleArgs, credentials: CredentialSettings, env: &dyn Env) -> Self {
        let region = args
            .region
            .clone()
            .unwrap_or_else(|| credentials.service_region.clone());
        let signin_endpoint = credentials.set.endpoint(
            Some(&credentials.profile),
            &Service::Signin,
            &region,
            env,
            ClientEndpointConfig::default(),
        );
        let destination = args.destination.clone().unwrap_or_else(|| {
            aws_sso_role_credentials::console_destination(&region, args.service.as_deref())
        });
        Self {
            destination_chosen: args.service.is_some()
                || args.destination.is_some()
                || args.region.is_some(),
            region,
            destination,
            signin_endpoint,
            print: args.print,
            via_portal: args.via_portal,
            duration_seconds: args.duration,
            browser_profile: args.browser_profile.clone(),
            browser: args.browser,
            credentials,
        }
    }
}

/// Settings of `aws-sso-rs serve`.
#[derive(Debug, Serialize)]
pub struct ServeSettings {
    pub files: Files,
    pub listen: std::net::SocketAddr,
    /// The profiles served; empty: every profile of the config.
    pub profiles: Vec<String>,
    /// `--token-file`; none: `serve-PORT.token` in the default folder
    /// (`aws_sso_role_credentials::default_token_file`, once the port is bound).
    pub token_file: Option<std::path::PathBuf>,

    /// The profile the printed lines name: the first `--profile`, else the selected profile
    /// (`AWS_PROFILE`, ..., `default`) when the config has it.
    pub example_profile: Option<String>,
}

impl ServeSettings {
    /// Every `--profile` is resolved now, so a misspelt or broken one fails at start.
    pub fn resolve(args: &ServeArgs, env: &dyn Env, files: Files) -> Result<Self> {
        let locations = files.locations();
        for name in &args.profiles {
            let selected = aws_sso_profile_config::SelectedProfile {
                name: name.clone(),
                source: aws_sso_profile_config::ProfileSource::Flag,
            };
            let (target, _) = selection::credential_target(&locations, &selected, env)?;
            if target.long_term_keys() {
                return Err(crate::exit::usage(format!(
                    "profile '{name}' holds long-term keys, and `serve` gives short-lived credentials (the AWS SDKs need their token and expiry); serve a role assumed on them instead"
                )));
            }
        }
        let example_profile = match args.profiles.first() {
            Some(first) => Some(first.clone()),
            None => {
                let selected = select_profile(None, env);
                ProfileSet::load_profile(&locations, &selected.name)
                    .ok()
                    .filter(|set| set.profile(&selected.name).is_some())
                    .map(|_| selected.name)
            }
        };
        Ok(Self {
            listen: args.listen,
            profiles: args.profiles.clone(),
            // Printed for programs started elsewhere: absolute.
            token_file: args
                .token_file
                .as_ref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),

            example_profile,
            files,
        })
    }
}
