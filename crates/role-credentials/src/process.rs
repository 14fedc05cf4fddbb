//! A profile's `credential_process`, run as botocore runs it: the command line split as a
//! POSIX shell would (no shell runs it), stdin and the environment inherited, stdout read as
//! the credential_process document (`Version` 1, `AccessKeyId`, `SecretAccessKey`, and
//! optionally `SessionToken`, `Expiration`), stderr shown only when it fails.

use std::path::PathBuf;

use aws_sso_profile_config::Env;
use aws_sso_token_cache::{RoleCredentials, Secret};

use crate::error::{Error, ErrorKind};

/// Where program `name` is, as a command run with `env` would find it: a name with a `/` is
/// a path (relative to the current folder), any other is looked up on `env`'s `PATH`.
/// `None` when there is no such executable.
pub fn find_program(name: &str, env: &dyn Env) -> Option<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    which::which_in(name, env.var(aws_sso_profile_config::env::vars::PATH), cwd).ok()
}

/// The program of a `credential_process` command line: its first word, as it is split to run;
/// `None` when the line cannot be split.
pub fn process_program(command: &str) -> Option<String> {
    shlex::split(command)?.into_iter().next()
}

/// Runs `command` (profile `profile`'s `credential_process`) and reads its credentials;
/// `resolving` (the profiles being resolved above it, itself included) goes to it as
/// `AWS_SSO_RS_RESOLVING`, so an aws-sso-rs it runs refuses to lead back to them.
///
/// # Errors
/// The command cannot be split or started, fails, or prints no usable document.
pub fn run(profile: &str, command: &str, resolving: &str) -> Result<RoleCredentials, Error> {
    let fail = |reason: String| -> Error {
        ErrorKind::CredentialProcess {
            profile: profile.to_owned(),
            command: command.to_owned(),
            reason,
        }
        .into()
    };
    let words = shlex::split(command)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| fail("the command line cannot be split (an unmatched quote?)".into()))?;
    // The program runs to its end before the answer is read; callers wait for it anyway.
    let out = std::process::Command::new(&words[0])
        .args(&words[1..])
        .stdin(std::process::Stdio::inherit())
        .env(
            aws_sso_profile_config::env::vars::AWS_SSO_RS_RESOLVING,
            resolving,
        )
        .output()
        .map_err(|e| fail(format!("cannot start {}: {e}", words[0])))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let said = stderr.trim();
        return Err(fail(if said.is_empty() {
            format!("it exited with {} and said nothing on stderr", out.status)
        } else {
            format!("it exited with {}: {said}", out.status)
        }));
    }
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| fail(format!("its output is not JSON ({e})")))?;
    if doc.get("Version").and_then(serde_json::Value::as_i64) != Some(1) {
        return Err(fail("its output does not say \"Version\": 1".into()));
    }
    let text = |name: &str| doc.get(name).and_then(serde_json::Value::as_str);
    let (Some(id), Some(secret)) = (text("AccessKeyId"), text("SecretAccessKey")) else {
        return Err(fail(
            "its output lacks AccessKeyId or SecretAccessKey".into(),
        ));
    };
    let expiration = match text("Expiration") {
        Some(e) => Some(
            aws_sso_token_cache::timestamp::parse(e)
                .ok_or_else(|| fail(format!("its Expiration {e:?} is not a date")))?,
        ),
        None => None,
    };
    Ok(RoleCredentials {
        access_key_id: id.to_owned(),
        secret_access_key: Secret::new(secret.to_owned()),
        session_token: Secret::new(text("SessionToken").unwrap_or_default().to_owned()),
        expiration,
        account_id: text("AccountId").map(str::to_owned),
    })
}
