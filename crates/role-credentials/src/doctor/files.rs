//! The cache folders and files: each is yours, and the ones that hold secrets are yours
//! alone (folders `0700`, files `0600`), as aws-sso-rs and the AWS CLI make them.

use std::path::Path;

use super::{Area, Check, Examination};

/// The checks of the files, `storage` ([`storage`]'s) first.
pub(super) fn checks(exam: &Examination<'_>, storage: Check) -> Vec<Check> {
    let mut checks = vec![storage];
    let folders = [
        (exam.cache.sso_dir(), true, "the sign-in cache"),
        (exam.cache.cli_dir(), true, "the role credential cache"),
        (exam.cache.lock_dir(), false, "aws-sso-rs's locks"),
        (
            exam.tool_cache_dir.as_path(),
            false,
            "aws-sso-rs's own cache",
        ),
    ];
    for (dir, secret, what) in folders {
        checks.extend(folder(dir, secret, what));
    }
    if let Some(dir) = &exam.runtime_dir {
        checks.extend(folder(dir, true, "serve's token files"));
    }
    checks
}

/// Where secrets are kept, and that it works: the settings file that says so can be read,
/// and the keyring takes an item and gives it back.
pub(super) fn storage(exam: &Examination<'_>) -> Check {
    if let Err(e) = settings(exam) {
        return Check::fail(
            Area::Files,
            "storage",
            format!("{e}; the storage in use is unknown"),
            format!(
                "correct {}: storage = \"file\" or storage = \"keyring\" (without the file, secrets are kept in files, and what a keyring holds stays there)",
                exam.settings_file.display()
            ),
        );
    }
    match exam.cache.left_in_keyring() {
        Ok(0) => {}
        Ok(left) => {
            return Check::warn(
                Area::Files,
                "storage",
                crate::report::left_in_keyring(left),
                format!(
                    "`{} storage migrate --to file` moves them here (or, with storage = \"keyring\" again, `logout` removes them)",
                    exam.binary
                ),
            );
        }
        Err(e) => {
            return Check::warn(
                Area::Files,
                "storage",
                e.to_string(),
                "remove aws-sso-rs's keyring items with the keyring's own tool, then delete the index"
                    .to_owned(),
            );
        }
    }
    match exam.cache.check_storage() {
        Ok(()) => Check::pass(
            Area::Files,
            "storage",
            format!(
                "secrets are kept in {}; settings: {}",
                exam.cache.describe_storage(),
                exam.settings_file.display()
            ),
        ),
        Err(e) => Check::fail(
            Area::Files,
            "storage",
            e.to_string(),
            format!(
                "start and unlock a Secret Service in this session (a desktop login does it; headless: echo -n PASSWORD | gnome-keyring-daemon --replace --unlock), then `{binary} storage migrate --to file` if you want files; or set storage = \"file\" in {} and sign in again (what the keyring holds stays there)",
                exam.settings_file.display(),
                binary = exam.binary
            ),
        ),
    }
}

/// aws-sso-rs's settings, read as every command reads them.
fn settings(exam: &Examination<'_>) -> Result<(), aws_sso_profile_config::Error> {
    aws_sso_profile_config::ToolSettings::load(exam.env, exam.platform).map(drop)
}

#[cfg(unix)]
fn folder(dir: &Path, secret: bool, what: &str) -> Vec<Check> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let subject = dir.display().to_string();
    let Ok(meta) = std::fs::metadata(dir) else {
        return Vec::new();
    };
    let me = nix::unistd::geteuid().as_raw();
    if meta.uid() != me {
        return vec![Check::fail(
            Area::Files,
            subject.clone(),
            format!(
                "{what}: owned by user id {}, not by you (id {me}), as after a command run with sudo: aws-sso-rs cannot write there",
                meta.uid()
            ),
            format!("sudo chown -R {me} {subject}"),
        )];
    }
    let mode = meta.permissions().mode() & 0o777;
    let mut checks = Vec::new();
    if secret && mode & 0o077 != 0 {
        checks.push(Check::warn(
            Area::Files,
            subject.clone(),
            format!("{what}: mode {mode:o}, other users may look in (aws-sso-rs makes it 0700 at its next write)"),
            format!("chmod 700 {subject}"),
        ));
    }
    let mut others = 0;
    let mut open = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(file) = entry.metadata() else { continue };
        if !file.is_file() {
            continue;
        }
        if file.uid() != me {
            others += 1;
        } else if secret && file.permissions().mode() & 0o077 != 0 {
            open += 1;
        }
    }
    if others > 0 {
        checks.push(Check::fail(
            Area::Files,
            subject.clone(),
            format!(
                "{what}: {others} file(s) owned by another user, which aws-sso-rs cannot replace"
            ),
            format!("sudo chown -R {me} {subject}"),
        ));
    }
    if open > 0 {
        checks.push(Check::warn(
            Area::Files,
            subject.clone(),
            format!("{what}: {open} file(s) other users may read"),
            format!("chmod 600 {subject}/*"),
        ));
    }
    if checks.is_empty() {
        checks.push(Check::pass(
            Area::Files,
            subject,
            format!("{what}: yours, mode {mode:o}"),
        ));
    }
    checks
}

#[cfg(not(unix))]
fn folder(dir: &Path, _secret: bool, what: &str) -> Vec<Check> {
    match std::fs::metadata(dir) {
        Ok(_) => vec![Check::pass(
            Area::Files,
            dir.display().to_string(),
            format!("{what}: present"),
        )],
        Err(_) => Vec::new(),
    }
}
