//! One module per command, each with a `run` function.

pub mod completions;
pub mod configure_sso;
pub mod console;
pub mod credential_process;
pub mod credentials;
pub mod directory;
pub mod exec;
pub mod export;
pub mod list;
pub mod login;
pub mod logout;
pub mod manpage;
pub mod pick;
pub mod populate;
pub mod profiles;
pub mod prompt;
pub mod shell_init;
pub mod status;
pub mod whoami;

use aws_sso_profile_config::SsoSession;

/// The warning for a damaged token file of `session`, with the command that replaces it
/// (`profile` names a legacy profile's sign-in, which has no session name).
pub fn damaged_token(
    session: &SsoSession,
    profile: Option<&str>,
    error: &aws_sso_token_cache::Error,
) -> String {
    let command = match (&session.name, profile) {
        (Some(name), _) => format!("aws-sso-rs login --sso-session {name}"),
        (None, Some(p)) => format!("aws-sso-rs login --profile {p}"),
        (None, None) => "aws-sso-rs login".to_owned(),
    };
    match error.kind() {
        aws_sso_token_cache::ErrorKind::Corrupt { path, reason } => {
            aws_sso_role_credentials::ErrorKind::DamagedToken {
                what: session.label(),
                path: path.clone(),
                reason: reason.clone(),
                command,
            }
            .to_string()
        }
        _ => error.to_string(),
    }
}
