//! `aws-sso-rs storage migrate` and `aws-sso-rs token export`:
//! `aws_sso_role_credentials::migrate_storage` and `export_token`, rendered.

use anyhow::Result;
use aws_sso_profile_config::{ProfileSet, Storage};
use aws_sso_role_credentials::selection::{self, Named};
use aws_sso_role_credentials::{TokenExport, export_token as export, migrate_storage};
use aws_sso_token_cache::timestamp::{self, human_duration};

use crate::cli::{ConfigureProcessArgs, StorageKind, StorageMigrateArgs, TokenExportArgs};
use crate::presenter::say;
use crate::world::{Files, World};

pub fn migrate(args: &StorageMigrateArgs, files: &Files) -> Result<()> {
    let to = match args.to {
        StorageKind::File => Storage::File,
        StorageKind::Keyring => Storage::Keyring,
    };
    let done = migrate_storage(&files.cache(), to, &files.settings_file)?;
    let entries = |n: usize| format!("{n} cache entr{}", if n == 1 { "y" } else { "ies" });
    say(format_args!(
        "Moved {} from {} to {}; {} now says storage = \"{}\".",
        entries(done.moved.moved),
        done.from,
        done.to,
        done.settings_file.display(),
        to.name()
    ));
    if done.moved.stale_removed > 0 {
        let (copies, ones) = if done.moved.stale_removed == 1 {
            ("an older copy", "the one")
        } else {
            ("older copies", "the ones")
        };
        say(format_args!(
            "Removed {} the storage in use held too ({copies}, such as a token `token export` \
             wrote; {ones} in use, or {ones} with a refresh token, kept).",
            entries(done.moved.stale_removed)
        ));
    }
    if done.moved.missing_dropped > 0 {
        say(format_args!(
            "Dropped {} the index of keyring items listed but the keyring did not hold (it \
             was cleared or reset): sign in again for those.",
            entries(done.moved.missing_dropped)
        ));
    }
    if done.moved.damaged_removed > 0 {
        say(format_args!(
            "Removed {} that could not be read whole (no one could use them).",
            entries(done.moved.damaged_removed)
        ));
    }
    if to == Storage::Keyring {
        say(format_args!(
            "The AWS CLI and the SDKs no longer find the token themselves: give their profiles \
             credential_process = aws-sso-rs credential-process --profile NAME (`aws-sso-rs \
             configure credential-process` writes them)."
        ));
    }
    Ok(())
}

pub fn export_token(args: &TokenExportArgs, world: &World, files: &Files) -> Result<()> {
    let set = ProfileSet::load(&files.locations())?;
    let named = Named {
        profile: args.profile.as_deref(),
        sso_session: args.sso_session.as_deref(),
    };
    let target = selection::session_target(&set, &files.config_file, named, world.env.as_ref())?;
    let sign_in = &target.sign_in;
    let cache = files.cache();
    match world
        .runtime()?
        .block_on(export(&target, &cache, &world.clock))?
    {
        TokenExport::Written {
            path,
            expires_at,
            left,
        } => say(format_args!(
            "Wrote the token of {} to {}: it is in plaintext there now, where every AWS tool \
             reads it, until it expires ({}, in {}) or `aws-sso-rs logout` removes it. A \
             refresh or a new sign-in does not reach that file: run `aws-sso-rs token export` \
             again then.",
            sign_in.label(),
            path.display(),
            timestamp::format(expires_at),
            human_duration(left),
        )),
        TokenExport::AlreadyAFile(path) => say(format_args!(
            "The token of {} is already in {} (storage = \"file\"): every AWS tool reads it \
             there.",
            sign_in.label(),
            path.display()
        )),
    }
    Ok(())
}

pub fn process_profiles(args: &ConfigureProcessArgs, files: &Files) -> Result<()> {
    let done = aws_sso_role_credentials::write_credential_process_profiles(
        &files.config_file,
        &files.cache(),
        &args.profile,
        &args.suffix,
    )
    .map_err(|e| match e.kind() {
        aws_sso_role_credentials::ErrorKind::Config(c)
            if matches!(
                c.kind(),
                aws_sso_profile_config::ErrorKind::InvalidEdit { .. }
            ) =>
        {
            crate::exit::usage(e.to_string())
        }
        _ => e.into(),
    })?;
    let list = |names: &[String]| names.join(", ");
    if !done.added.is_empty() {
        say(format_args!(
            "Added to {}: {} (credential_process = aws-sso-rs credential-process --profile ...).",
            files.config_file.display(),
            list(&done.added)
        ));
    }
    if !done.updated.is_empty() {
        say(format_args!("Updated: {}.", list(&done.updated)));
    }
    if !done.without_region.is_empty() {
        let (what, them) = if done.without_region.len() == 1 {
            ("has no region, as the profile it stands for has none", "it")
        } else {
            (
                "have no region, as the profiles they stand for have none",
                "them",
            )
        };
        say(format_args!(
            "aws-sso-rs: warning: {} {what}: the AWS CLI and the SDKs need one for a service \
             call (add region = ... to {them}, or set AWS_REGION).",
            list(&done.without_region),
        ));
    }
    if !done.unchanged.is_empty() {
        say(format_args!(
            "Already as they should be: {}.",
            list(&done.unchanged)
        ));
    }
    if done.added.is_empty() && done.updated.is_empty() && done.unchanged.is_empty() {
        say(format_args!(
            "No profile of {} signs in with IAM Identity Center: nothing to write.",
            files.config_file.display()
        ));
    }
    Ok(())
}
