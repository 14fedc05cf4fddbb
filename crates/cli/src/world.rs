//! The world a command runs in: the environment (read through [`Env`], never directly), the
//! platform's path rules, the clock, whether a person can answer, where the shared files are,
//! and the one async runtime of the process, built on first use (a command answered from the
//! cache builds none). Tests build a world with a fixed clock and their own environment.

use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use aws_sso_device_auth::{Clock, SystemClock};
use aws_sso_profile_config::env::vars;
use aws_sso_profile_config::{Env, EnvSnapshot, FileLocations, Platform, ProfileSet, home_dir};
use aws_sso_token_cache::TokenCache;
use serde::Serialize;

/// What a command may touch: the environment, the platform's path rules, and the clock.
/// Tests build one with a fixed clock and their own environment.
pub struct World {
    pub env: std::sync::Arc<dyn Env + Send + Sync>,
    pub platform: Platform,
    pub clock: std::sync::Arc<dyn Clock>,
    /// Whether a person can answer: stdin is a terminal. Only then is a picker offered.
    pub interactive: bool,
    runtime: OnceLock<tokio::runtime::Runtime>,
}

impl World {
    pub fn new(
        env: std::sync::Arc<dyn Env + Send + Sync>,
        platform: Platform,
        clock: std::sync::Arc<dyn Clock>,
        interactive: bool,
    ) -> Self {
        Self {
            env,
            platform,
            clock,
            interactive,
            runtime: OnceLock::new(),
        }
    }

    pub fn real() -> Self {
        use std::io::IsTerminal;
        Self::new(
            // Read once: every setting of the command sees the same environment.
            std::sync::Arc::new(EnvSnapshot::of_process()),
            Platform::current(),
            std::sync::Arc::new(SystemClock),
            std::io::stdin().is_terminal(),
        )
    }

    /// The process's one async runtime, built the first time a command needs it: one worker
    /// thread for what runs in the background (the credential server of `exec --server`),
    /// the calling thread for what a command waits on.
    pub fn runtime(&self) -> Result<&tokio::runtime::Runtime> {
        self.runtime_with_workers(1)
    }

    /// The runtime, with `workers` threads when this call builds it (`serve` answers many
    /// clients at once; a command waits on one thing at a time).
    pub fn runtime_with_workers(&self, workers: usize) -> Result<&tokio::runtime::Runtime> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        Ok(self.runtime.get_or_init(|| runtime))
    }
}

/// The profile and `[sso-session]` names of the config, for shell completion (nothing when it
/// cannot be read).
pub fn config_names() -> (Vec<String>, Vec<String>) {
    let world = World::real();
    let Ok(files) = Files::resolve(&world) else {
        return (Vec::new(), Vec::new());
    };
    let Ok(set) = ProfileSet::load(&files.locations()) else {
        return (Vec::new(), Vec::new());
    };
    let profiles = set.profiles().map(|p| p.name().to_owned()).collect();
    let sessions = set
        .sessions()
        .sessions
        .iter()
        .filter_map(|c| c.session.name.clone())
        .collect();
    (profiles, sessions)
}

/// Where the shared files and caches are.
#[derive(Debug, Clone, Serialize)]
pub struct Files {
    pub config_file: PathBuf,
    pub credentials_file: PathBuf,
    pub sso_cache_dir: PathBuf,
    pub cli_cache_dir: PathBuf,
    pub lock_dir: PathBuf,
    /// aws-sso-rs's own cache (the account and role directory): `$XDG_CACHE_HOME/aws-sso-rs`,
    /// else `~/.cache/aws-sso-rs`.
    pub tool_cache_dir: PathBuf,
    /// aws-sso-rs's own settings file (`ToolSettings`), and the storage it sets.
    pub settings_file: PathBuf,
    pub storage: aws_sso_profile_config::Storage,
}

impl Files {
    pub fn resolve(world: &World) -> Result<Self> {
        let (settings, settings_file) =
            aws_sso_profile_config::ToolSettings::load(world.env.as_ref(), world.platform)?;
        Self::with_settings(world, &settings, settings_file)
    }

    /// As [`Files::resolve`], but a settings file that cannot be read or parsed counts as
    /// the default settings: for `doctor`, which says what is wrong with it.
    pub fn resolve_lenient(world: &World) -> Result<Self> {
        let env = world.env.as_ref();
        match aws_sso_profile_config::ToolSettings::load(env, world.platform) {
            Ok((settings, file)) => Self::with_settings(world, &settings, file),
            Err(_) => Self::with_settings(
                world,
                &aws_sso_profile_config::ToolSettings::default(),
                aws_sso_profile_config::ToolSettings::path(env, world.platform)?,
            ),
        }
    }

    fn with_settings(
        world: &World,
        settings: &aws_sso_profile_config::ToolSettings,
        settings_file: PathBuf,
    ) -> Result<Self> {
        let locations = FileLocations::resolve(world.env.as_ref(), world.platform)?;
        let home = home_dir(world.env.as_ref(), world.platform)?;
        let cache = TokenCache::new(&home);
        let tool_cache_dir = world
            .env
            .non_empty(vars::XDG_CACHE_HOME)
            .map_or_else(|| home.join(".cache"), PathBuf::from)
            .join("aws-sso-rs");
        Ok(Self {
            tool_cache_dir,
            settings_file,
            storage: settings.storage,
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

    pub fn directory_cache(&self) -> aws_sso_role_credentials::DirectoryCache {
        aws_sso_role_credentials::DirectoryCache::new(&self.tool_cache_dir)
    }

    pub fn cache(&self) -> TokenCache {
        TokenCache::with_dirs(
            self.sso_cache_dir.clone(),
            self.cli_cache_dir.clone(),
            self.lock_dir.clone(),
        )
        .with_storage(self.storage)
    }
}
