//! Settings, resolved once per command with one precedence: flag > environment > profile >
//! default. The hidden `--show-settings` flag prints them (snapshot-tested).

use std::path::PathBuf;

use anyhow::Result;
use aws_sso_profile_config::{Env, FileLocations, Platform, ProcessEnv, home_dir};
use aws_sso_token_cache::TokenCache;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::{Output, ProfilesArgs};

/// What a command may touch: the environment, the platform's path rules, and the clock.
pub struct World {
    pub env: Box<dyn Env>,
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
