//! The use cases of switching storage (`aws-sso-rs storage migrate`) and of handing a tool
//! the token file it reads itself (`aws-sso-rs token export`), when secrets live in the OS
//! keyring.

use std::path::{Path, PathBuf};

use aws_sso_device_auth::Clock;
use aws_sso_profile_config::{
    ConfigDocument, FileKind, ProcessProfiles, Storage, ToolSettings, write_process_profiles,
};
use aws_sso_token_cache::{TokenCache, TokenKey};

use crate::clients::SdkClients;
use crate::error::Error;
use crate::target::SessionTarget;

/// What [`migrate_storage`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// How many cache entries moved, and what else was removed on the way
    /// ([`aws_sso_token_cache::Moved`]).
    pub moved: aws_sso_token_cache::Moved,
    /// Where they were, in a person's words.
    pub from: String,
    /// Where they are now.
    pub to: String,
    /// The settings file that now says `storage = "<to>"`.
    pub settings_file: PathBuf,
}

/// Moves every cache entry (tokens, client registrations, role credentials, assumed roles)
/// of `cache`'s folders from the other storage into `to`, each written, read back, then
/// removed from where it was; then sets `storage` in the settings file at `settings_file`.
/// Run again after a failure, it goes on where it stopped.
///
/// # Errors
/// `to` cannot be reached (a keyring that does not answer: nothing moves), an entry cannot be
/// read, written or removed, or the settings file cannot be written.
pub fn migrate_storage(
    cache: &TokenCache,
    to: Storage,
    settings_file: &Path,
) -> Result<Migration, Error> {
    let from = match to {
        Storage::File => Storage::Keyring,
        Storage::Keyring => Storage::File,
    };
    let source = cache.clone().with_storage(from);
    let destination = cache.clone().with_storage(to);
    destination.check_storage()?;
    // The storage in use holds the current copies: moving out of it, they replace what the
    // other holds; moving into it (stray copies of the other), what it holds stays.
    let in_use = if cache.keyring().is_some() {
        Storage::Keyring
    } else {
        Storage::File
    };
    let moved = source.move_all_to(&destination, in_use == from)?;
    ToolSettings::set_storage(settings_file, to)?;
    Ok(Migration {
        moved,
        from: source.storage_name(),
        to: destination.storage_name(),
        settings_file: settings_file.to_owned(),
    })
}

/// What [`export_token`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenExport {
    /// The storage is the files: the token is already where every tool reads it.
    AlreadyAFile(PathBuf),
    /// The token was written to this file (plaintext, `0600`), where every tool reads it;
    /// it lasts until `expires_at` (a refresh or a new sign-in does not reach the file: run
    /// the export again).
    Written {
        /// The file.
        path: PathBuf,
        /// When the token written expires.
        expires_at: time::OffsetDateTime,
        /// How long it lasts from the clock's now.
        left: time::Duration,
    },
}

/// Writes a valid token of the sign-in `target` (the cached one, refreshed first when due,
/// as every command uses it) from `cache`'s keyring to its botocore cache file, for a tool
/// that reads the file itself (the Session Manager plugin, Terraform's own SSO): the access
/// token and its expiry only ([`TokenCache::copy_token_to`]).
///
/// # Errors
/// [`crate::ErrorKind::NeedsLogin`] when no valid sign-in is left (with the command that
/// signs in); the keyring or the file cannot be read or written; a refresh fails.
pub async fn export_token(
    target: &SessionTarget,
    cache: &TokenCache,
    clock: &impl Clock,
) -> Result<TokenExport, Error> {
    let key = TokenKey::for_session(&target.sign_in.session);
    let clients = SdkClients::for_listing(target);
    let token = clients
        .resolver(clock, cache)
        .sign_in_token(&target.sign_in)
        .await?;
    if cache.keyring().is_none() {
        return Ok(TokenExport::AlreadyAFile(cache.token_path(&key)));
    }
    let files = cache.clone().with_storage(Storage::File);
    match cache.copy_token_to(&key, &files)? {
        Some(path) => Ok(TokenExport::Written {
            path,
            expires_at: token.expires_at,
            left: token.expires_at - clock.now(),
        }),
        // Removed between the two reads (a logout): sign in again.
        None => Err(crate::ErrorKind::NeedsLogin {
            what: target.sign_in.label(),
            why: "no token is cached".to_owned(),
            command: target.sign_in.login_command(),
        }
        .into()),
    }
}

/// Writes into the config file at `config`, for each profile of `names` (every profile that
/// signs in with IAM Identity Center or assumes a role on such a sign-in, when `names` is
/// empty), a profile `NAME{suffix}` whose credentials come from
/// `aws-sso-rs credential-process --profile NAME`, for the AWS CLI and the SDKs when the
/// secrets are in the keyring (`aws-sso-rs configure credential-process`). The rest of the
/// file stays as it is.
///
/// # Errors
/// The config cannot be read or written, names a profile it lacks, or holds a profile of a
/// new name the user wrote.
pub fn write_credential_process_profiles(
    config: &Path,
    cache: &TokenCache,
    names: &[String],
    suffix: &str,
) -> Result<ProcessProfiles, Error> {
    let mut doc = ConfigDocument::load(config, FileKind::Config)?;
    let set = doc.profile_set()?;
    let sources: Vec<String> = if names.is_empty() {
        let report = crate::report::profile_report(&set, cache, time::OffsetDateTime::UNIX_EPOCH);
        report
            .profiles
            .iter()
            .filter(|p| {
                matches!(
                    p.access,
                    crate::report::ProfileAccess::Sso { .. }
                        | crate::report::ProfileAccess::Chain { sso: Some(_), .. }
                )
            })
            .map(|p| p.name.clone())
            .collect()
    } else {
        for name in names {
            set.require_profile(name)?;
        }
        names.to_vec()
    };
    let sources: Vec<(String, Option<String>)> = sources
        .into_iter()
        .map(|name| {
            let region = set
                .profile(&name)
                .and_then(|p| p.get("region"))
                .map(str::to_owned);
            (name, region)
        })
        .collect();
    let done = write_process_profiles(&mut doc, &sources, suffix, "aws-sso-rs")?;
    if !(done.added.is_empty() && done.updated.is_empty()) {
        doc.save()?;
    }
    Ok(done)
}
