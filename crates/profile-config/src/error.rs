//! The one error type of this crate.

use std::fmt;
use std::path::PathBuf;

use crate::Location;

/// An error from reading, resolving or editing the shared files.
///
/// Its message names the file, the line, the profile or session involved, and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: Box<ErrorKind>,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No home folder in the environment.
    #[error(
        "cannot find the home folder: HOME is not set (on Windows also USERPROFILE, HOMEDRIVE and \
         HOMEPATH); set HOME: the caches are under it, as for the AWS CLI"
    )]
    NoHome,
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}; check that the file and its folder exist and that you may read and write them", path.display())]
    Io {
        /// What was being done (`read`, `write`, ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file changed on disk between the moment aws-sso-rs read it and the moment it was
    /// about to write it (an editor or another program saved it meanwhile).
    #[error("{} was changed by another program while aws-sso-rs was updating it; nothing was written, and the other program's changes are kept. Run the command again", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// A profile or sso-session holds a line that breaks the profile-file format (the rest of
    /// the file is still read).
    #[error("{what} cannot be used: {location}: {message}; fix or remove that line")]
    InvalidSection {
        /// `profile 'dev'` or `sso-session 'corp'`.
        what: String,
        /// The first such line.
        location: Location,
        /// What is wrong, in the words of the cross-SDK suite.
        message: &'static str,
    },
    /// A line breaks the profile-file format.
    #[error("{location}: {message}; fix or remove that line")]
    Parse {
        /// Where.
        location: Location,
        /// What is wrong.
        message: &'static str,
    },
    /// The selected profile is in neither file.
    #[error("{}", NotFound { profile, path, available, file_missing: *file_missing })]
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
        /// The config file.
        path: PathBuf,
        /// The profiles that are there (`None` when only one profile was read).
        available: Option<Vec<String>>,
        /// The config file does not exist.
        file_missing: bool,
    },
    /// The profile exists but does not sign in through IAM Identity Center.
    #[error(
        "profile '{profile}' ({location}) does not sign in with IAM Identity Center (it has no sso_session or sso_start_url); choose another with --profile NAME, or list them with: aws-sso-rs profiles"
    )]
    NotSso {
        /// The profile.
        profile: String,
        /// Its section header.
        location: Location,
    },
    /// The profile signs in with `aws login` (`login_session`, AWS CLI 2.32 and later): a
    /// console sign-in aws-sso-rs does not use.
    #[error(
        "profile '{profile}' ({location}) signs in with `aws login` (login_session = {session}), not with IAM Identity Center, and aws-sso-rs does not use that sign-in: run `aws login --profile {profile}` and use the AWS CLI or an AWS SDK with it, or choose an IAM Identity Center profile (aws-sso-rs profiles lists them)"
    )]
    LoginSession {
        /// The profile.
        profile: String,
        /// Its `login_session`.
        session: String,
        /// The `login_session` line.
        location: Location,
    },
    /// No section of the config signs in through IAM Identity Center (`login --all`).
    #[error("{}", NoSessions { path, file_missing: *file_missing })]
    NoSessions {
        /// The config file.
        path: PathBuf,
        /// It does not exist.
        file_missing: bool,
    },
    /// A command given no sign-in, and the config has several (`login`, `list`).
    #[error(
        "{} has {} IAM Identity Center sign-ins; name one: {}",
        path.display(),
        choices.len(),
        choices.join(", ")
    )]
    SeveralSignIns {
        /// The config file.
        path: PathBuf,
        /// The flag that chooses each: `--sso-session corp`, `--profile legacy-ro`.
        choices: Vec<String>,
    },
    /// A command that needs a named `[sso-session]` (`configure populate`) was given none, and
    /// the config has none.
    #[error(
        "{} has no [sso-session] section, and generated profiles sign in through one; add one (or run `aws-sso-rs configure sso`), then name it with --sso-session",
        path.display()
    )]
    NoSsoSessionSection {
        /// The config file.
        path: PathBuf,
    },
    /// A command that needs a named `[sso-session]` was given none, and the config has several.
    #[error(
        "{} has {} [sso-session] sections; name one with --sso-session: {}",
        path.display(),
        names.len(),
        names.join(", ")
    )]
    SeveralSsoSessions {
        /// The config file.
        path: PathBuf,
        /// Their names.
        names: Vec<String>,
    },
    /// A profile names an `[sso-session]` that does not exist.
    #[error(
        "profile '{profile}' ({location}) names sso_session '{session}', but {} has no \
         [sso-session {session}] section; add it or fix the name",
        location.path.display()
    )]
    SessionNotFound {
        /// The profile.
        profile: String,
        /// The session it names.
        session: String,
        /// Where `sso_session` is set.
        location: Location,
    },
    /// An `[sso-session]` asked for by name does not exist.
    #[error("there is no [sso-session {session}] in {}{}", path.display(), Sessions(session, available))]
    UnknownSession {
        /// The session asked for.
        session: String,
        /// The config file.
        path: PathBuf,
        /// The sessions that are there.
        available: Vec<String>,
    },
    /// Required keys are missing.
    #[error(
        "{section} ({location}) is missing {}; add {} to that section",
        Keys(keys),
        Lines(keys)
    )]
    MissingKeys {
        /// `profile 'dev'` or `sso-session 'corp'`.
        section: String,
        /// The section header.
        location: Location,
        /// The keys that are missing.
        keys: Vec<&'static str>,
    },
    /// A key that is not one of the AWS CLI's, but close to one that is missing: a typo.
    #[error(
        "{section} ({location}) has the unknown key {key}; did you mean {suggestion}? Rename it"
    )]
    MisspeltKey {
        /// `profile 'dev'` or `sso-session 'corp'`.
        section: String,
        /// The key as written.
        key: String,
        /// The known key it is close to.
        suggestion: &'static str,
        /// Where it is.
        location: Location,
    },
    /// A profile and its session disagree.
    #[error(
        "profile '{profile}' ({location}) sets {key} = {profile_value}, but its sso-session \
         '{session}' ({session_location}) sets {key} = {session_value}; remove {key} from the \
         profile or make them equal"
    )]
    Conflict {
        /// The profile.
        profile: String,
        /// The session.
        session: String,
        /// The key they disagree on.
        key: &'static str,
        /// The profile's value.
        profile_value: String,
        /// The session's value.
        session_value: String,
        /// Where the profile sets it.
        location: Location,
        /// Where the session sets it.
        session_location: Location,
    },
    /// A value is malformed.
    #[error("{section} ({location}): {key} = {value:?} is not valid: {reason}")]
    InvalidValue {
        /// `profile 'dev'` or `sso-session 'corp'`.
        section: String,
        /// The key.
        key: &'static str,
        /// The value found.
        value: String,
        /// Where.
        location: Location,
        /// What a valid value looks like.
        reason: &'static str,
    },
    /// A profile's `source_profile` names a profile the config does not have.
    #[error(
        "profile '{profile}' ({location}): source_profile = {source_profile} names no profile of the config{}; point it at a profile with credentials",
        closest.as_ref().map(|c| format!(" (did you mean '{c}'?)")).unwrap_or_default()
    )]
    SourceNotFound {
        /// The profile.
        profile: String,
        /// Its `source_profile`.
        source_profile: String,
        /// Where it is set.
        location: Location,
        /// The profile probably meant.
        closest: Option<String>,
    },
    /// `source_profile` leads back to a profile already in the chain.
    #[error(
        "the source_profile chain {chain} goes round in a circle ({location}); point one of them at a profile with credentials (a profile may be its own source only when it holds aws_access_key_id and aws_secret_access_key)"
    )]
    SourceCycle {
        /// The profiles, the repeated one last: `a -> b -> a`.
        chain: String,
        /// The `source_profile` line that closes it.
        location: Location,
    },
    /// `role_arn` without `source_profile` or `credential_source`.
    #[error(
        "profile '{profile}' ({location}) sets role_arn but neither source_profile nor credential_source: add source_profile = the profile whose credentials assume the role"
    )]
    RoleWithoutSource {
        /// The profile.
        profile: String,
        /// Where `role_arn` is set.
        location: Location,
    },
    /// Both `source_profile` and `credential_source`.
    #[error(
        "profile '{profile}' ({location}) sets both source_profile and credential_source; keep one of them"
    )]
    TwoRoleSources {
        /// The profile.
        profile: String,
        /// Where `credential_source` is set.
        location: Location,
    },
    /// A profile with nothing that gives credentials.
    #[error(
        "profile '{profile}' ({location}) has no credentials: it sets none of sso_session, sso_start_url, role_arn, aws_access_key_id, credential_process or web_identity_token_file; choose another with --profile NAME, or list them with: aws-sso-rs profiles"
    )]
    NoCredentials {
        /// The profile.
        profile: String,
        /// Its section header.
        location: Location,
    },
    /// aws-sso-rs's own settings file is not valid.
    #[error(
        "{} line {line}: {message}; fix that line (aws-sso-rs's settings: storage = \"file\" or \"keyring\")",
        path.display()
    )]
    ToolSettings {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong, as the TOML reader says it.
        message: String,
    },
    /// One of the `AWS_SSO_*` variables holds a malformed value.
    #[error("{variable} = {value:?} is not valid: {reason}; correct that variable")]
    InvalidVariable {
        /// `AWS_SSO_REGION`, ...
        variable: &'static str,
        /// The value as set.
        value: String,
        /// What a valid one looks like.
        reason: &'static str,
    },
    /// `AWS_SSO_*` variables are set, and ones the command needs with them are not.
    #[error(
        "the AWS_SSO_* variables are the profile (they are set and no profile is named), but {} \
         {} not set: {need}",
        Keys(missing),
        if missing.len() == 1 { "is" } else { "are" }
    )]
    MissingVariables {
        /// The variables that are unset.
        missing: Vec<&'static str>,
        /// What to set them to.
        need: &'static str,
    },
    /// An edit was asked with a name or value the format cannot hold.
    #[error("cannot write {what} {value:?}: {reason}")]
    InvalidEdit {
        /// `profile name`, `key`, `value`.
        what: &'static str,
        /// The offending text.
        value: String,
        /// Why.
        reason: &'static str,
    },
}

/// The name of `names` closest to `wanted` (a likely typo of it), if one is close enough:
/// what every "did you mean" of aws-sso-rs suggests.
///
/// ```
/// use aws_sso_profile_config::closest_name;
/// let names = ["dev-account-ro", "dev-account-admin", "prod"];
/// assert_eq!(closest_name(names, "dev-acount-ro"), Some("dev-account-ro"));
/// assert_eq!(closest_name(names, "staging"), None);
/// ```
pub fn closest_name<'a>(names: impl IntoIterator<Item = &'a str>, wanted: &str) -> Option<&'a str> {
    names
        .into_iter()
        .map(|n| (n, strsim::jaro_winkler(n, wanted)))
        .filter(|(_, score)| *score >= 0.85)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| n)
}

struct NotFound<'a> {
    profile: &'a str,
    path: &'a std::path::Path,
    available: &'a Option<Vec<String>>,
    file_missing: bool,
}

const PICK: &str = "choose a profile with --profile NAME or AWS_PROFILE=NAME";
const ADD: &str = "add a [profile NAME] section with sso_session, sso_account_id and sso_role_name, and an [sso-session NAME] section with sso_start_url and sso_region (the README of aws-sso-rs shows one), or run `aws-sso-rs configure sso`";

impl fmt::Display for NotFound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (profile, path) = (self.profile, self.path.display());
        if self.file_missing {
            return write!(
                f,
                "profile '{profile}' is not defined: the config file {path} does not exist; create it: {ADD}; then {PICK}"
            );
        }
        match self.available {
            None => write!(
                f,
                "profile '{profile}' is not in {path}; list the profiles with: aws-sso-rs profiles, then {PICK}"
            ),
            Some(names) if names.is_empty() => write!(
                f,
                "profile '{profile}' is not in {path}, which defines no profiles; {ADD}"
            ),
            Some(names) => {
                let closest = closest_name(names.iter().map(String::as_str), profile)
                    .map(|n| format!("did you mean '{n}'? "))
                    .unwrap_or_default();
                write!(
                    f,
                    "profile '{profile}' is not in {path}; {closest}profiles in the config and credentials files: {}; {PICK}",
                    names.join(", ")
                )
            }
        }
    }
}

struct NoSessions<'a> {
    path: &'a std::path::Path,
    file_missing: bool,
}

impl fmt::Display for NoSessions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file_missing {
            write!(
                f,
                "the config file {} does not exist; create it: {ADD}",
                self.path.display()
            )
        } else {
            write!(
                f,
                "no section of {} signs in with IAM Identity Center; {ADD}",
                self.path.display()
            )
        }
    }
}

struct Lines<'a>(&'a [&'static str]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(|k| format!("`{k} = ...`")).collect();
        f.write_str(&lines.join(" and "))
    }
}

struct Keys<'a>(&'a [&'static str]);

impl fmt::Display for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

/// The sessions there, with the closest to the one asked for named.
struct Sessions<'a>(&'a str, &'a [String]);

impl fmt::Display for Sessions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1.is_empty() {
            return write!(
                f,
                "; add an [sso-session NAME] section with sso_start_url and sso_region (or run `aws-sso-rs configure sso`)"
            );
        }
        let names = self.1.join(", ");
        match closest_name(self.1.iter().map(String::as_str), self.0) {
            Some(n) => write!(f, "; did you mean '{n}'? The sessions there: {names}"),
            None => write!(f, "; the sessions there: {names}"),
        }
    }
}
