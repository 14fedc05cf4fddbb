//! Cache folders others can read, made private again: [`TokenCache::tighten_folders`] and
//! what it reports, [`LooseFolder`].

use std::path::PathBuf;

use crate::cache::TokenCache;

/// What [`TokenCache::tighten_folders`] found in a cache folder others can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LooseFolder {
    /// It was `mode` (another tool made it); it is `0700` now.
    Tightened {
        /// The folder.
        path: PathBuf,
        /// Its mode before.
        mode: u32,
    },
    /// It is `mode` and cannot be changed by this user (not ours to change).
    Left {
        /// The folder.
        path: PathBuf,
        /// Its mode.
        mode: u32,
    },
}

impl std::fmt::Display for LooseFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tightened { path, mode } => write!(
                f,
                "the cache folder {} was readable by others (mode {mode:o}); it is now 0700",
                path.display()
            ),
            Self::Left { path, mode } => write!(
                f,
                "the cache folder {} is readable by others (mode {mode:o}) and cannot be changed by you; ask its owner to run: chmod 700 {}",
                path.display(),
                path.display()
            ),
        }
    }
}

impl TokenCache {
    /// Makes the cache folders that exist (tokens, role credentials, locks) private: a folder
    /// that group or others can read or enter (another tool made it `0755`) is set to `0700`,
    /// or reported when that is not this user's to change. The files in them are `0600`
    /// already; this keeps others from even listing them. Nothing on other platforms.
    pub fn tighten_folders(&self) -> Vec<LooseFolder> {
        let mut found = Vec::new();
        #[cfg(unix)]
        for dir in [self.sso_dir(), self.cli_dir(), self.lock_dir()] {
            use std::os::unix::fs::PermissionsExt;
            let Ok(meta) = std::fs::metadata(dir) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o7777;
            if !meta.is_dir() || mode & 0o077 == 0 {
                continue;
            }
            let path = dir.to_owned();
            match std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
                Ok(()) => found.push(LooseFolder::Tightened { path, mode }),
                Err(_) => found.push(LooseFolder::Left { path, mode }),
            }
        }
        found
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn loose_cache_folders_are_tightened_once() {
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        assert!(cache.tighten_folders().is_empty(), "nothing there yet");
        std::fs::create_dir_all(cache.sso_dir()).expect("mkdir");
        std::fs::set_permissions(cache.sso_dir(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        let found = cache.tighten_folders();
        assert_eq!(
            found,
            [LooseFolder::Tightened {
                path: cache.sso_dir().to_owned(),
                mode: 0o755
            }]
        );
        assert!(found[0].to_string().contains("now 0700"));
        let mode = std::fs::metadata(cache.sso_dir())
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(cache.tighten_folders().is_empty(), "once");
    }
}
