//! aws-sso-rs's own settings file, TOML, beside no AWS file: `config.toml` in the platform's
//! folder for a program's settings (as the `dirs` crate defines it, read through the injected
//! environment): `$XDG_CONFIG_HOME/aws-sso-rs/`, else `~/.config/aws-sso-rs/` on Linux and
//! the BSDs; `~/Library/Application Support/aws-sso-rs/` on macOS; `%APPDATA%\aws-sso-rs\`
//! on Windows. No file: every setting has its default.
//!
//! ```toml
//! # Where secrets are kept: "file" (the default: ~/.aws/sso/cache and ~/.aws/cli/cache, as
//! # the AWS CLI keeps them) or "keyring" (the OS keyring).
//! storage = "keyring"
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::env::{Env, vars};
use crate::error::{Error, ErrorKind};
use crate::location::{Platform, home_dir};

/// The settings file's name in its folder.
pub const SETTINGS_FILE: &str = "config.toml";

/// Where the secrets of the caches (tokens, client registrations, role credentials) are kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// Plain JSON files, mode `0600`, where the AWS CLI keeps them (the default): one sign-in
    /// for every tool.
    #[default]
    File,
    /// The OS keyring (Secret Service on Linux, the Keychain on macOS, the Credential Manager
    /// on Windows), under service `aws-sso-rs`.
    Keyring,
}

/// Read from `"file"` or `"keyring"`, anything else said in those words (a table, a number,
/// another name).
impl<'de> Deserialize<'de> for Storage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Storage;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("storage = \"file\" or storage = \"keyring\"")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Storage, E> {
                match value {
                    "file" => Ok(Storage::File),
                    "keyring" => Ok(Storage::Keyring),
                    other => Err(E::custom(format!(
                        "storage = \"{other}\" is not one aws-sso-rs knows"
                    ))),
                }
            }
        }
        deserializer.deserialize_any(Name)
    }
}

impl Storage {
    /// `file` or `keyring`, as the settings file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Keyring => "keyring",
        }
    }
}

/// aws-sso-rs's own settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolSettings {
    /// Where secrets are kept.
    pub storage: Storage,
}

impl ToolSettings {
    /// Where the settings file is for `env` on `platform`.
    ///
    /// # Errors
    /// [`ErrorKind::NoHome`] when the folder depends on a home folder there is none of.
    pub fn path(env: &dyn Env, platform: Platform) -> Result<PathBuf, Error> {
        let folder = match platform {
            Platform::Windows => match env.non_empty(vars::APPDATA) {
                Some(appdata) => PathBuf::from(appdata),
                None => home_dir(env, platform)?.join("AppData").join("Roaming"),
            },
            Platform::Unix if cfg!(target_os = "macos") => home_dir(env, platform)?
                .join("Library")
                .join("Application Support"),
            Platform::Unix => match env.non_empty(vars::XDG_CONFIG_HOME) {
                Some(base) => PathBuf::from(base),
                None => home_dir(env, platform)?.join(".config"),
            },
        };
        Ok(folder.join("aws-sso-rs").join(SETTINGS_FILE))
    }

    /// The settings of `env`'s settings file, with its path; the defaults when there is none.
    ///
    /// # Errors
    /// The file cannot be read, or is not valid ([`ErrorKind::ToolSettings`], naming the line).
    pub fn load(env: &dyn Env, platform: Platform) -> Result<(Self, PathBuf), Error> {
        let path = Self::path(env, platform)?;
        let settings = match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(source) => {
                return Err(ErrorKind::Io {
                    action: "read",
                    path,
                    source,
                }
                .into());
            }
        };
        Ok((settings, path))
    }

    /// Parses the settings file's `text` (`path` names it in errors).
    ///
    /// # Errors
    /// [`ErrorKind::ToolSettings`]: not TOML, an unknown key, a value not allowed; with the
    /// line.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |span| {
                text[..span.start.min(text.len())].matches('\n').count() + 1
            });
            ErrorKind::ToolSettings {
                path: path.to_owned(),
                line,
                message: e.message().trim().to_owned(),
            }
            .into()
        })
    }
}

impl ToolSettings {
    /// Sets `storage` in the settings file at `path` (made when missing, with its folder),
    /// keeping its other lines and comments; written atomically, `0600`.
    ///
    /// # Errors
    /// The file cannot be read or written, or is not valid ([`ErrorKind::ToolSettings`]).
    pub fn set_storage(path: &Path, storage: Storage) -> Result<(), Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ErrorKind::Io {
                    action: "read",
                    path: path.to_owned(),
                    source,
                }
                .into());
            }
        };
        // Checked as every command reads it, then edited keeping the rest as it is.
        Self::parse(&text, path)?;
        let mut doc: toml_edit::DocumentMut =
            text.parse()
                .map_err(|e: toml_edit::TomlError| ErrorKind::ToolSettings {
                    path: path.to_owned(),
                    line: 1,
                    message: e.message().to_owned(),
                })?;
        // The value replaced in place: a comment after it on its line stays.
        match doc
            .get_mut("storage")
            .and_then(toml_edit::Item::as_value_mut)
        {
            Some(value) => {
                let decor = value.decor().clone();
                *value = toml_edit::Value::from(storage.name());
                *value.decor_mut() = decor;
            }
            None => doc["storage"] = toml_edit::value(storage.name()),
        }
        let io = |action, source| ErrorKind::Io {
            action,
            path: path.to_owned(),
            source,
        };
        if let Some(folder) = path.parent() {
            crate::atomic::create_private_dir_all(folder)
                .map_err(|e| io("create the folder of", e))?;
        }
        crate::atomic::write_atomic(path, doc.to_string().as_bytes(), 0o600)
            .map_err(|e| io("write", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    #[test]
    fn the_file_is_in_the_platforms_folder_for_settings() {
        let home = MapEnv::new().with("HOME", "/home/u");
        if !cfg!(target_os = "macos") {
            assert_eq!(
                ToolSettings::path(&home, Platform::Unix).expect("path"),
                PathBuf::from("/home/u/.config/aws-sso-rs/config.toml")
            );
            assert_eq!(
                ToolSettings::path(&home.clone().with("XDG_CONFIG_HOME", "/x"), Platform::Unix)
                    .expect("path"),
                PathBuf::from("/x/aws-sso-rs/config.toml")
            );
        }
        let windows = MapEnv::new().with("APPDATA", r"C:\Users\u\AppData\Roaming");
        assert!(
            ToolSettings::path(&windows, Platform::Windows)
                .expect("path")
                .starts_with(r"C:\Users\u\AppData\Roaming")
        );
    }

    #[test]
    fn setting_the_storage_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("aws-sso-rs/config.toml");
        ToolSettings::set_storage(&path, Storage::Keyring).expect("made");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "storage = \"keyring\"\n"
        );
        std::fs::write(&path, "# mine\nstorage = \"keyring\" # why\n").expect("write");
        ToolSettings::set_storage(&path, Storage::File).expect("changed");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "# mine\nstorage = \"file\" # why\n", "comments kept");
        assert_eq!(
            ToolSettings::parse(&text, &path).expect("valid").storage,
            Storage::File
        );
    }

    #[test]
    fn storage_is_read_and_a_mistake_names_its_line() {
        let path = Path::new("config.toml");
        assert_eq!(
            ToolSettings::parse("", path).expect("empty"),
            ToolSettings::default()
        );
        let keyring = ToolSettings::parse("# mine\nstorage = \"keyring\"\n", path).expect("valid");
        assert_eq!(keyring.storage, Storage::Keyring);
        let wrong = ToolSettings::parse("# mine\n\nstorage = \"vault\"\n", path)
            .expect_err("not a storage")
            .to_string();
        assert!(
            wrong.starts_with("config.toml line 3: ")
                && wrong.contains("storage = \"vault\" is not one aws-sso-rs knows; fix that line (aws-sso-rs's settings: storage = \"file\" or \"keyring\")"),
            "{wrong}"
        );
        for table in ["[storage]\nkind = \"file\"\n", "storage = 3\n"] {
            let wrong = ToolSettings::parse(table, path)
                .expect_err("not a name")
                .to_string();
            assert!(
                wrong.contains("line 1")
                    && wrong.contains("expected storage = \"file\" or storage = \"keyring\""),
                "{wrong}"
            );
        }
        let unknown = ToolSettings::parse("storge = \"file\"\n", path)
            .expect_err("unknown key")
            .to_string();
        assert!(
            unknown.contains("line 1") && unknown.contains("storge"),
            "{unknown}"
        );
    }
}
