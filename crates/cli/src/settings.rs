//! Settings, resolved once per command with one precedence: flag > environment > profile >
//! default. The hidden `--show-settings` flag prints them (snapshot-tested).

use std::path::PathBuf;

use anyhow::Result;
use aws_sso_profile_config::{
    ClientEndpointConfig, EndpointSource, Env, FileLocations, Platform, ProcessEnv, ProfileSet,
    Service, SsoSession, home_dir, select_profile,
};
use aws_sso_token_cache::TokenCache;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::{LoginArgs, LogoutArgs, Output, ProfilesArgs, StatusArgs};

/// What a command may touch: the environment, the platform's path rules, and the clock.
pub struct World {
    pub env: Box<dyn Env + Send + Sync>,

    pub platform: Platform,
    pub now: fn() -> OffsetDateTime,
}

impl World {
    pub fn real() -> Self {
        Self {
            env: Box::new(ProcessEnv),
            platform: Platform::current(),
            now: OffsetDateTime::now_utc,
        }
    }
}

/// Where the shared files and caches are.
#[derive(Debug, Serialize)]
pub struct Files {
    pub config_file: PathBuf,
    pub credentials_file: PathBuf,
    pub sso_cache_dir: PathBuf,
    pub cli_cache_dir: PathBuf,
    pub lock_dir: PathBuf,
}

impl Files {
    pub fn resolve(world: &World) -> Result<Self> {
        let locations = FileLocations::resolve(world.env.as_ref(), world.platform)?;
        let cache = TokenCache::new(&home_dir(world.env.as_ref(), world.platform)?);
        Ok(Self {
            config_file: locations.config,
            credentials_file: locations.credentials,
            sso_cache_dir: cache.sso_dir().to_owned(),
            cli_cache_dir: cache.cli_dir().to_owned(),
            lock_dir: cache.lock_dir().to_owned(),
        })
    }

    pub fn locations(&self) -> FileLocations {
        FileLocations {
            config: self.config_file.clone(),
            credentials: self.credentials_file.clone(),
        }
    }

    pub fn cache(&self) -> TokenCache {
        TokenCache::with_dirs(
            self.sso_cache_dir.clone(),
            self.cli_cache_dir.clone(),
            self.lock_dir.clone(),
        )
    }
}

/// Settings of `aws-sso-rs profiles`.
#[derive(Debug, Serialize)]
pub struct ProfilesSettings {
    pub files: Files,
    pub output: Output,
}

impl ProfilesSettings {
    pub fn resolve(args: &ProfilesArgs, world: &World) -> Result<Self> {
        Ok(Self {
            files: Files::resolve(world)?,
            output: args.output,
        })
    }
}

/// Prints settings as pretty JSON.
pub fn show(settings: &impl Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(settings)?);
    Ok(())
}

/// One IAM Identity Center sign-in a command acts on, with its resolved OIDC endpoint.
#[derive(Debug, Serialize)]
pub struct Target {
    /// `profile 'dev'`, `sso-session 'corp'`.
    pub label: String,
    /// The session's name; `None` for a legacy profile.
    pub session_name: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    pub registration_scopes: Vec<String>,
    pub oidc_endpoint: String,
    #[serde(skip)]
    pub oidc_endpoint_is_default: bool,
    /// `device-code` or `authorization-code`.
    pub flow: &'static str,
}

impl Target {
    /// `profile 'dev' (https://...)`, or the label alone when it already names the start URL.
    pub fn described(&self) -> String {
        if self.label.contains(&self.start_url) {
            self.label.clone()
        } else {
            format!("{} ({})", self.label, self.start_url)
        }
    }

    pub fn session(&self) -> SsoSession {
        SsoSession {
            name: self.session_name.clone(),
            start_url: self.start_url.clone(),
            region: self.sso_region.clone(),
            registration_scopes: self.registration_scopes.clone(),
        }
    }

    fn new(
        label: String,
        session: SsoSession,
        profile: Option<&str>,
        set: &ProfileSet,
        world: &World,
        device_code: bool,
    ) -> Self {
        let endpoint = set.endpoint(
            profile,
            &Service::SsoOidc,
            &session.region,
            world.env.as_ref(),
            ClientEndpointConfig::default(),
        );
        let flow = if device_code || session.is_legacy() {
            "device-code"
        } else {
            "authorization-code"
        };
        Self {
            label,
            session_name: session.name,
            start_url: session.start_url,
            sso_region: session.region,
            registration_scopes: session.registration_scopes,
            oidc_endpoint_is_default: endpoint.source == EndpointSource::Default,
            oidc_endpoint: endpoint.url,
            flow,
        }
    }
}

/// Settings of `aws-sso-rs login`.
#[derive(Debug, Serialize)]
pub struct LoginSettings {
    pub files: Files,
    pub targets: Vec<Target>,
    pub open_browser: bool,
    pub redirect_port: u16,
    pub force: bool,
}

/// The sessions named by `--profile` / `--sso-session` / `--all` / the selected profile.
fn targets(
    profile: Option<&str>,
    sso_session: Option<&str>,
    all: bool,
    files: &Files,
    world: &World,
    device_code: bool,
) -> Result<Vec<Target>> {
    let locations = files.locations();
    if let Some(name) = sso_session {
        let set = ProfileSet::load(&locations)?;
        let session = set.sso_session_named(name)?;
        return Ok(vec![Target::new(
            format!("sso-session '{name}'"),
            session,
            None,
            &set,
            world,
            device_code,
        )]);
    }
    if all {
        let set = ProfileSet::load(&locations)?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for profile in set.profiles() {
            let Ok(Some(sso)) = set.sso_profile(profile.name()) else {
                continue;
            };
            if seen.insert(sso.session.cache_key_source().to_owned()) {
                let label = sso.session.label();
                out.push(Target::new(
                    label,
                    sso.session,
                    Some(profile.name()),
                    &set,
                    world,
                    device_code,
                ));
            }
        }
        if out.is_empty() {
            anyhow::bail!(
                "no profile in {} signs in with IAM Identity Center; add one with sso_session or sso_start_url",
                files.config_file.display()
            );
        }
        return Ok(out);
    }
    let selected = select_profile(profile, world.env.as_ref());
    let set = ProfileSet::load_profile(&locations, &selected.name)?;
    let Some(sso) = set.sso_profile(&selected.name)? else {
        anyhow::bail!(
            "profile '{}' in {} does not sign in with IAM Identity Center (it has no sso_session or sso_start_url); pick another with --profile, or list them with: aws-sso-rs profiles",
            selected.name,
            files.config_file.display()
        );
    };
    Ok(vec![Target::new(
        format!("profile '{}'", selected.name),
        sso.session,
        Some(&selected.name),
        &set,
        world,
        device_code,
    )])
}

impl LoginSettings {
    pub fn resolve(args: &LoginArgs, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        let targets = targets(
            args.profile.as_deref(),
            args.sso_session.as_deref(),
            args.all,
            &files,
            world,
            args.use_device_code,
        )?;
        Ok(Self {
            files,
            targets,
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
    /// `None`: every cached token.
    pub only: Option<Target>,
    /// The role-credential cache keys of the profiles using `only`.
    #[serde(skip)]
    pub role_keys: Vec<aws_sso_token_cache::RoleKey>,
}

impl LogoutSettings {
    pub fn resolve(args: &LogoutArgs, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        if args.profile.is_none() && args.sso_session.is_none() {
            return Ok(Self {
                files,
                only: None,
                role_keys: Vec::new(),
            });
        }
        let mut targets = targets(
            args.profile.as_deref(),
            args.sso_session.as_deref(),
            false,
            &files,
            world,
            false,
        )?;
        let only = targets.pop();
        let set = ProfileSet::load(&files.locations())?;
        let role_keys = only
            .as_ref()
            .map(|t| {
                set.profiles()
                    .filter_map(|p| set.sso_profile(p.name()).ok().flatten())
                    .filter(|p| {
                        p.session.name == t.session_name && p.session.start_url == t.start_url
                    })
                    .filter_map(|p| {
                        let (account, role) = p.role()?;
                        Some(aws_sso_token_cache::RoleKey::new(
                            account,
                            role,
                            p.session.name.as_deref(),
                            &p.session.start_url,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            files,
            only,
            role_keys,
        })
    }

    /// The portal endpoint for a token of `region`.
    pub fn portal_endpoint(&self, region: &str, world: &World) -> aws_sso_profile_config::Endpoint {
        let set = ProfileSet::default();
        set.endpoint(
            None,
            &Service::Sso,
            region,
            world.env.as_ref(),
            ClientEndpointConfig::default(),
        )
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
    pub sts_endpoint: String,
    #[serde(skip)]
    pub sts_endpoint_is_default: bool,
    /// Sign in interactively when needed.
    pub login: bool,
    #[serde(skip)]
    pub target: aws_sso_role_credentials::RoleTarget,
}

impl CredentialSettings {
    pub fn resolve(profile: Option<&str>, login: bool, world: &World) -> Result<Self> {
        let files = Files::resolve(world)?;
        let selected = select_profile(profile, world.env.as_ref());
        let set = ProfileSet::load_profile(&files.locations(), &selected.name)?;
        let target = aws_sso_role_credentials::RoleTarget::resolve(
            &set,
            &selected.name,
            world.env.as_ref(),
        )?;
        let env = world.env.as_ref();
        let sts_region = env
            .non_empty(aws_sso_profile_config::env::vars::AWS_REGION)
            .or_else(|| env.non_empty(aws_sso_profile_config::env::vars::AWS_DEFAULT_REGION))
            .or_else(|| target.region.clone())
            .unwrap_or_else(|| target.session.region.clone());
        let sts = set.endpoint(
            Some(&selected.name),
            &Service::Sts,
            &sts_region,
            env,
            ClientEndpointConfig::default(),
        );
        Ok(Self {
            files,
            sts_region,
            sts_endpoint: sts.url,
            sts_endpoint_is_default: sts.source == EndpointSource::Default,
            profile: selected.name,
            account_id: target.account_id.clone(),

            role_name: target.role_name.clone(),
            region: target.region.clone(),
            portal_endpoint: target.portal.url.clone(),
            oidc_endpoint: target.oidc.url.clone(),
            login,
            target,
        })
    }

    /// The login target of this profile's session (for `--login`).
    pub fn login_target(&self) -> Target {
        let t = &self.target;
        Target {
            label: format!("profile '{}'", self.profile),
            session_name: t.session.name.clone(),
            start_url: t.session.start_url.clone(),
            sso_region: t.session.region.clone(),
            registration_scopes: t.session.registration_scopes.clone(),
            oidc_endpoint: t.oidc.url.clone(),
            oidc_endpoint_is_default: t.oidc_is_default(),
            flow: if t.session.is_legacy() {
                "device-code"
            } else {
                "authorization-code"
            },
        }
    }
}
