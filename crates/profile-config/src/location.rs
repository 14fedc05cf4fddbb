//! Where the shared config and credentials files are, as the AWS CLI decides it.

use std::path::PathBuf;

use crate::env::{Env, vars};
use crate::error::{Error, ErrorKind};

/// The platform whose path rules apply. Injected so that the Windows rules can be tested on
/// any machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Unix-like systems: `/` separators, home from `HOME` only.
    Unix,
    /// Windows: `\` separators, home from `HOME`, then `USERPROFILE`, then
    /// `HOMEDRIVE` + `HOMEPATH`.
    Windows,
}

impl Platform {
    /// The platform this program was built for.
    pub const fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Self::Unix => '/',
            Self::Windows => '\\',
        }
    }
}

/// The paths of the two shared files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocations {
    /// The config file (`AWS_CONFIG_FILE` or `~/.aws/config`).
    pub config: PathBuf,
    /// The credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`).
    pub credentials: PathBuf,
}

impl FileLocations {
    /// Resolves both locations from `env` with the rules of `platform`.
    ///
    /// # Errors
    /// [`ErrorKind::NoHome`] when a path needs the home folder and the environment names none.
    pub fn resolve(env: &dyn Env, platform: Platform) -> Result<Self, Error> {
        Ok(Self {
            config: file_location(env, platform, vars::AWS_CONFIG_FILE, "config")?,
            credentials: file_location(
                env,
                platform,
                vars::AWS_SHARED_CREDENTIALS_FILE,
                "credentials",
            )?,
        })
    }

    /// Resolves both locations from the process environment for the current platform.
    ///
    /// # Errors
    /// As [`FileLocations::resolve`].
    pub fn from_process_env() -> Result<Self, Error> {
        Self::resolve(&crate::env::ProcessEnv, Platform::current())
    }
}

fn file_location(
    env: &dyn Env,
    platform: Platform,
    var: &str,
    file: &str,
) -> Result<PathBuf, Error> {
    match env.non_empty(var) {
        Some(path) => expand_tilde(&path, env, platform),
        None => {
            let sep = platform.separator();
            let home = home_dir_string(env, platform)?;
            Ok(PathBuf::from(join(&home, &format!(".aws{sep}{file}"), sep)))
        }
    }
}

/// The user's home folder: `HOME`; on Windows then `USERPROFILE`, then
/// `HOMEDRIVE` + `HOMEPATH`.
///
/// # Errors
/// [`ErrorKind::NoHome`] when none of these is set.
pub fn home_dir(env: &dyn Env, platform: Platform) -> Result<PathBuf, Error> {
    home_dir_string(env, platform).map(PathBuf::from)
}

fn home_dir_string(env: &dyn Env, platform: Platform) -> Result<String, Error> {
    if let Some(home) = env.non_empty(vars::HOME) {
        return Ok(home);
    }
    if platform == Platform::Windows {
        if let Some(profile) = env.non_empty(vars::USERPROFILE) {
            return Ok(profile);
        }
        if let (Some(drive), Some(path)) = (
            env.non_empty(vars::HOMEDRIVE),
            env.non_empty(vars::HOMEPATH),
        ) {
            return Ok(format!("{drive}{path}"));
        }
    }
    Err(ErrorKind::NoHome.into())
}

/// Expands a leading `~` (alone, or followed by a separator) to the home folder.
///
/// # Errors
/// [`ErrorKind::NoHome`] when the path starts with `~` and there is no home folder.
pub fn expand_tilde(path: &str, env: &dyn Env, platform: Platform) -> Result<PathBuf, Error> {
    let sep = platform.separator();
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(rest) if rest.starts_with('/') || rest.starts_with(sep) => &rest[1..],
        _ => return Ok(PathBuf::from(path)),
    };
    let home = home_dir_string(env, platform)?;
    Ok(PathBuf::from(if rest.is_empty() {
        home
    } else {
        join(&home, rest, sep)
    }))
}

fn join(base: &str, rest: &str, sep: char) -> String {
    if base.ends_with(sep) {
        format!("{base}{rest}")
    } else {
        format!("{base}{sep}{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    #[test]
    fn tilde_expands_to_home_on_unix() {
        let env = MapEnv::new().with("HOME", "/home/me");
        let path = expand_tilde("~/cfg/aws", &env, Platform::Unix).expect("home is set");
        assert_eq!(path, PathBuf::from("/home/me/cfg/aws"));
        assert_eq!(
            expand_tilde("~", &env, Platform::Unix).expect("home is set"),
            PathBuf::from("/home/me")
        );
    }

    #[test]
    fn tilde_inside_a_name_is_left_alone() {
        let env = MapEnv::new().with("HOME", "/home/me");
        let path = expand_tilde("~other/config", &env, Platform::Unix).expect("no expansion");
        assert_eq!(path, PathBuf::from("~other/config"));
    }

    #[test]
    fn missing_home_is_a_clear_error() {
        let err = FileLocations::resolve(&MapEnv::new(), Platform::Unix)
            .expect_err("no home, no default path");
        assert!(err.to_string().contains("HOME"), "{err}");
    }

    #[test]
    fn explicit_files_need_no_home() {
        let env = MapEnv::new()
            .with("AWS_CONFIG_FILE", "/etc/aws/config")
            .with("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/credentials");
        let loc = FileLocations::resolve(&env, Platform::Unix).expect("both files are explicit");
        assert_eq!(loc.config, PathBuf::from("/etc/aws/config"));
        assert_eq!(loc.credentials, PathBuf::from("/etc/aws/credentials"));
    }
}
