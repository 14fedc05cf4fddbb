//! Profile selection and the typed SSO view of a profile.

use crate::env::{Env, vars};
use crate::error::{Error, ErrorKind};
use crate::profile::{Location, ProfileSet, Section};

/// Where the selected profile's name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSource {
    /// The `--profile` flag.
    Flag,
    /// `AWS_PROFILE`.
    AwsProfile,
    /// `AWS_SSO_RS_PROFILE`: the profile of the `aws-sso-rs exec` this runs inside, whose
    /// keys every SDK there takes.
    OuterExec,
    /// `AWS_DEFAULT_PROFILE`.
    AwsDefaultProfile,
    /// Nothing named a profile and an `AWS_SSO_*` variable is set: they are the profile
    /// ([`crate::SSO_VARIABLES_PROFILE`]).
    SsoVariables,
    /// Nothing was set: `default`.
    Default,
}

impl ProfileSource {
    /// Where `name` came from, said beside an error about it; `None` for `--profile`, which
    /// the user just typed.
    pub fn origin(self, name: &str) -> Option<String> {
        Some(match self {
            Self::Flag => return None,
            Self::AwsProfile => format!("the profile '{name}' comes from AWS_PROFILE"),
            Self::AwsDefaultProfile => {
                format!("the profile '{name}' comes from AWS_DEFAULT_PROFILE")
            }
            Self::OuterExec => format!(
                "the profile '{name}' comes from AWS_SSO_RS_PROFILE (this runs inside `aws-sso-rs exec`)"
            ),
            Self::SsoVariables => "no profile is named and AWS_SSO_* variables are set, so they are the profile".to_owned(),
            Self::Default => "no --profile given and neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, so the profile is 'default'".to_owned(),
        })
    }
}

/// The profile to use and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedProfile {
    /// The profile name.
    pub name: String,
    /// Where it came from.
    pub source: ProfileSource,
}

/// Picks the profile: `--profile` > `AWS_SSO_RS_PROFILE` (inside `aws-sso-rs exec`, whose
/// keys every SDK there takes over any profile) > `AWS_PROFILE` > `AWS_DEFAULT_PROFILE` >
/// the `AWS_SSO_*` variables when one is set
/// ([`crate::SSO_VARIABLES_PROFILE`]) > `default`. Empty values count as unset.
pub fn select_profile(flag: Option<&str>, env: &dyn Env) -> SelectedProfile {
    let pick = |name: String, source| SelectedProfile { name, source };
    if let Some(name) = flag.filter(|f| !f.is_empty()) {
        return pick(name.to_owned(), ProfileSource::Flag);
    }
    if let Some(name) = env.non_empty(vars::AWS_SSO_RS_PROFILE) {
        return pick(name, ProfileSource::OuterExec);
    }
    if let Some(name) = env.non_empty(vars::AWS_PROFILE) {
        return pick(name, ProfileSource::AwsProfile);
    }
    if let Some(name) = env.non_empty(vars::AWS_DEFAULT_PROFILE) {
        return pick(name, ProfileSource::AwsDefaultProfile);
    }
    if crate::SsoVariables::any_set(env) {
        return pick(
            crate::SSO_VARIABLES_PROFILE.to_owned(),
            ProfileSource::SsoVariables,
        );
    }
    pick("default".to_owned(), ProfileSource::Default)
}

/// The default registration scope when an sso-session names none.
pub const DEFAULT_SCOPE: &str = "sso:account:access";

/// An IAM Identity Center sign-in: what a token is issued for.
///
/// For a session profile this is the `[sso-session NAME]`; for a legacy profile it is the
/// start URL and region in the profile itself (and has no name).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SsoSession {
    /// The sso-session's name; `None` for a legacy profile.
    pub name: Option<String>,
    /// The AWS access portal URL (`https://d-XXXXXXXXXX.awsapps.com/start`).
    pub start_url: String,
    /// The region of the Identity Center instance.
    pub region: String,
    /// `sso_registration_scopes`, comma-split, trimmed, empties dropped.
    pub registration_scopes: Vec<String>,
}

impl SsoSession {
    /// The string the AWS CLI hashes to name this session's token file: the session name, or
    /// the start URL for a legacy profile.
    pub fn cache_key_source(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.start_url)
    }

    /// Whether this comes from a legacy profile (no `[sso-session]`).
    pub fn is_legacy(&self) -> bool {
        self.name.is_none()
    }

    /// A short label for messages: `sso-session 'corp'` or `start URL https://...`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("sso-session '{name}'"),
            None => format!("start URL {}", self.start_url),
        }
    }
}

/// A profile that signs in through IAM Identity Center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoProfile {
    /// The profile name.
    pub profile: String,
    /// The sign-in it uses.
    pub session: SsoSession,
    /// `sso_account_id` (12 digits), when the profile names a role.
    pub account_id: Option<String>,
    /// `sso_role_name`, when the profile names a role.
    pub role_name: Option<String>,
    /// The profile's `region`, for service calls.
    pub region: Option<String>,
}

impl SsoProfile {
    /// The account and role, when both are set.
    pub fn role(&self) -> Option<(&str, &str)> {
        Some((self.account_id.as_deref()?, self.role_name.as_deref()?))
    }
}

/// One IAM Identity Center sign-in that the config defines (an `[sso-session]`, or the start
/// URL of legacy profiles), with the profiles that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredSession {
    /// The sign-in.
    pub session: SsoSession,
    /// The profiles that sign in through it, in file order.
    pub profiles: Vec<SsoProfile>,
}

/// Every sign-in the config defines, and the sections that could not be read.
#[derive(Debug, Default)]
pub struct SessionList {
    /// The sign-ins: `[sso-session]` sections in file order, then each legacy start URL.
    pub sessions: Vec<ConfiguredSession>,
    /// Sections that are invalid, each once, with file and line.
    pub problems: Vec<Error>,
}

impl SessionList {
    /// The sign-in a command given none uses: the config's only `[sso-session]`, else its only
    /// sign-in of any kind (`config` names the file in the error).
    ///
    /// # Errors
    /// [`ErrorKind::SeveralSignIns`], naming the flag that chooses each.
    pub fn only_sign_in(&self, config: &std::path::Path) -> Result<&ConfiguredSession, Error> {
        let mut named = self.sessions.iter().filter(|c| c.session.name.is_some());
        if let (Some(only), None) = (named.next(), named.next()) {
            return Ok(only);
        }
        if let [only] = self.sessions.as_slice() {
            return Ok(only);
        }
        let choices = self
            .sessions
            .iter()
            .map(|c| match (&c.session.name, c.profiles.first()) {
                (Some(n), _) => format!("--sso-session {n}"),
                (None, Some(p)) => format!("--profile {}", p.profile),
                (None, None) => format!("--sso-session {}", c.session.start_url),
            })
            .collect();
        Err(ErrorKind::SeveralSignIns {
            path: config.to_owned(),
            choices,
        }
        .into())
    }

    /// The `[sso-session]` a command that needs a named one uses when given none (`configure
    /// populate`): the config's only one (`config` names the file in the error).
    ///
    /// # Errors
    /// [`ErrorKind::NoSsoSessionSection`], [`ErrorKind::SeveralSsoSessions`].
    pub fn only_named_session(&self, config: &std::path::Path) -> Result<&str, Error> {
        let names: Vec<&str> = self
            .sessions
            .iter()
            .filter_map(|c| c.session.name.as_deref())
            .collect();
        match names.as_slice() {
            [only] => Ok(only),
            [] => Err(ErrorKind::NoSsoSessionSection {
                path: config.to_owned(),
            }
            .into()),
            many => Err(ErrorKind::SeveralSsoSessions {
                path: config.to_owned(),
                names: many.iter().map(|n| (*n).to_owned()).collect(),
            }
            .into()),
        }
    }

    /// The profiles that sign in to `role` of `account` through `start_url` (any session of
    /// that start URL), in config order: what `list roles` shows beside each role.
    pub fn profiles_for_role(&self, start_url: &str, account: &str, role: &str) -> Vec<String> {
        self.sessions
            .iter()
            .filter(|c| c.session.start_url == start_url)
            .flat_map(|c| &c.profiles)
            .filter(|p| p.role() == Some((account, role)))
            .map(|p| p.profile.clone())
            .collect()
    }

    /// The sign-in whose token cache key is `cache_key_source` (a session name, or the start
    /// URL of a legacy profile).
    pub fn find(&self, cache_key_source: &str) -> Option<&ConfiguredSession> {
        self.sessions
            .iter()
            .find(|s| s.session.cache_key_source() == cache_key_source)
    }
}

impl ProfileSet {
    /// Like [`ProfileSet::sessions`], for commands that need at least one sign-in.
    ///
    /// # Errors
    /// [`ErrorKind::NoSessions`] (saying when the config file does not exist).
    pub fn require_sessions(&self) -> Result<SessionList, Error> {
        let list = self.sessions();
        if list.sessions.is_empty() {
            return Err(ErrorKind::NoSessions {
                path: self
                    .config_path()
                    .map_or_else(|| "~/.aws/config".into(), Into::into),
                file_missing: self.config_missing(),
            }
            .into());
        }
        Ok(list)
    }

    /// Every sign-in the config defines, each once, with its profiles: what `status`,
    /// `login --all` and `logout` act on.
    pub fn sessions(&self) -> SessionList {
        let mut list = SessionList::default();
        let mut seen_problems = std::collections::HashSet::new();
        let mut problem = |list: &mut SessionList, e: Error| {
            if seen_problems.insert(e.to_string()) {
                list.problems.push(e);
            }
        };
        for section in self.sso_sessions() {
            match self.sso_session_named(section.name()) {
                Ok(session) => list.sessions.push(ConfiguredSession {
                    session,
                    profiles: Vec::new(),
                }),
                Err(e) => problem(&mut list, e),
            }
        }
        for profile in self.profiles() {
            let sso = match self.sso_profile(profile.name()) {
                Ok(Some(sso)) => sso,
                Ok(None) => continue,
                Err(e) => {
                    problem(&mut list, e);
                    continue;
                }
            };
            let key = sso.session.cache_key_source().to_owned();
            match list
                .sessions
                .iter_mut()
                .find(|s| s.session.cache_key_source() == key)
            {
                Some(entry) => entry.profiles.push(sso),
                None => list.sessions.push(ConfiguredSession {
                    session: sso.session.clone(),
                    profiles: vec![sso],
                }),
            }
        }
        list
    }
}

const SSO_KEYS: [&str; 5] = [
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

impl ProfileSet {
    /// The SSO view of profile `name`: `Ok(None)` when the profile uses no SSO keys.
    ///
    /// Follows botocore: a profile with `sso_session` takes the start URL, region and scopes
    /// from that `[sso-session]`, and may repeat `sso_start_url` / `sso_region` only with
    /// equal values; a legacy profile carries `sso_start_url` and `sso_region` itself. Either
    /// kind names a role with both `sso_account_id` and `sso_role_name`, or neither.
    ///
    /// # Errors
    /// The profile does not exist, names an unknown session, misses or repeats keys with
    /// other values, or holds a value that is malformed (a start URL that is not `https://`,
    /// a region that is not letters, digits and dashes, an account id that is not
    /// 12 digits). Each error names the file, line and section.
    pub fn sso_profile(&self, name: &str) -> Result<Option<SsoProfile>, Error> {
        let profile = self.require_profile(name)?;
        let label = format!("profile '{name}'");
        if !SSO_KEYS.iter().any(|k| profile.get(k).is_some()) {
            // `sso_sesion = corp` alone would silently make this a plain profile.
            return match misspelt_key(profile, &label) {
                Some(e) => Err(e),
                None => Ok(None),
            };
        }
        self.sso_profile_checked(profile, name, &label)
            .map_err(|e| match e.kind() {
                ErrorKind::MissingKeys { .. } | ErrorKind::SessionNotFound { .. } => {
                    misspelt_key(profile, &label).unwrap_or(e)
                }
                _ => e,
            })
    }

    fn sso_profile_checked(
        &self,
        profile: &Section,
        name: &str,
        label: &str,
    ) -> Result<Option<SsoProfile>, Error> {
        let label = label.to_owned();
        let session = match profile.property("sso_session") {
            Some(prop) => {
                let session_name = prop.value();
                let Some(section) = self.sso_session(session_name) else {
                    return Err(ErrorKind::SessionNotFound {
                        profile: name.to_owned(),
                        session: session_name.to_owned(),
                        location: prop.location().clone(),
                    }
                    .into());
                };
                // A session that exists but is incomplete or invalid says so itself.
                let session = self.sso_session_named(session_name)?;
                for (key, session_value) in [
                    ("sso_start_url", &session.start_url),
                    ("sso_region", &session.region),
                ] {
                    if let Some(p) = profile.property(key).filter(|p| p.value() != session_value) {
                        return Err(ErrorKind::Conflict {
                            profile: name.to_owned(),
                            session: session_name.to_owned(),
                            key,
                            profile_value: p.value().to_owned(),
                            session_value: session_value.clone(),
                            location: p.location().clone(),
                            session_location: section.property(key).map_or_else(
                                || section.location().clone(),
                                |s| s.location().clone(),
                            ),
                        }
                        .into());
                    }
                }
                session
            }
            None => {
                let (start_url, region) = start_url_and_region(profile, &label)?;
                SsoSession {
                    name: None,
                    start_url,
                    region,
                    registration_scopes: Vec::new(),
                }
            }
        };
        let account_id = profile.property("sso_account_id");
        let role_name = profile.property("sso_role_name");
        match (account_id, role_name) {
            (Some(_), None) | (None, Some(_)) => {
                let missing = if account_id.is_none() {
                    "sso_account_id"
                } else {
                    "sso_role_name"
                };
                return Err(missing_keys(&label, profile.location(), vec![missing]));
            }
            (None, None) if session.is_legacy() => {
                return Err(missing_keys(
                    &label,
                    profile.location(),
                    vec!["sso_account_id", "sso_role_name"],
                ));
            }
            _ => {}
        }
        if let Some(p) = account_id {
            check(
                &label,
                "sso_account_id",
                p.value(),
                p.location(),
                is_account_id,
                "an AWS account id is 12 digits",
            )?;
        }
        if let Some(p) = role_name {
            check(
                &label,
                "sso_role_name",
                p.value(),
                p.location(),
                is_role_name,
                "a role name is 1 to 64 letters, digits and + = , . @ _ -",
            )?;
        }
        let region = profile.property("region");
        if let Some(p) = region {
            check(
                &label,
                "region",
                p.value(),
                p.location(),
                reads_as_region,
                REGION_RULE,
            )?;
        }
        Ok(Some(SsoProfile {
            profile: name.to_owned(),
            session,
            account_id: account_id.map(|p| p.value().to_owned()),
            role_name: role_name.map(|p| p.value().to_owned()),
            region: region.map(|p| p.value().to_owned()),
        }))
    }

    /// Like [`ProfileSet::sso_profile`], for commands that need an SSO profile: a profile
    /// without SSO keys is an error too.
    ///
    /// # Errors
    /// As [`ProfileSet::sso_profile`]; [`ErrorKind::NotSso`], or [`ErrorKind::LoginSession`]
    /// for a profile of `aws login`.
    pub fn require_sso_profile(&self, name: &str) -> Result<SsoProfile, Error> {
        self.sso_profile(name)?.ok_or_else(|| {
            if let Some(session) = self.profile(name).and_then(|p| p.property("login_session")) {
                return ErrorKind::LoginSession {
                    profile: name.to_owned(),
                    session: session.value().to_owned(),
                    location: session.location().clone(),
                }
                .into();
            }
            ErrorKind::NotSso {
                profile: name.to_owned(),
                location: self
                    .profile(name)
                    .map(|p| p.location().clone())
                    .expect("sso_profile checked that it exists"),
            }
            .into()
        })
    }

    /// The `[sso-session name]` as a typed, validated [`SsoSession`].
    ///
    /// # Errors
    /// The session does not exist, misses `sso_start_url` or `sso_region`, or holds a
    /// malformed value.
    pub fn sso_session_named(&self, name: &str) -> Result<SsoSession, Error> {
        let Some(section) = self
            .sso_session(name)
            .map(|s| s.check(&format!("sso-session '{name}'")))
            .transpose()?
        else {
            return Err(ErrorKind::UnknownSession {
                session: name.to_owned(),
                path: self
                    .config_path()
                    .map_or_else(|| "~/.aws/config".into(), Into::into),
                available: self.sso_sessions().map(|s| s.name().to_owned()).collect(),
            }
            .into());
        };
        let label = format!("sso-session '{name}'");
        let (start_url, region) =
            start_url_and_region(section, &label).map_err(|e| match e.kind() {
                ErrorKind::MissingKeys { .. } => misspelt_key(section, &label).unwrap_or(e),
                _ => e,
            })?;
        let registration_scopes = section
            .get("sso_registration_scopes")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(SsoSession {
            name: Some(name.to_owned()),
            start_url,
            region,
            registration_scopes,
        })
    }
}

/// Every key the AWS CLI reads from a profile or sso-session that aws-sso-rs knows of; a key
/// close to one of the SSO ones, but not among these, is taken for a typo.
const KNOWN_KEYS: [&str; 7] = [
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "sso_registration_scopes",
    "region",
];

/// The first key of `section` that looks like a misspelt SSO key, as an error that suggests
/// the right one.
fn misspelt_key(section: &Section, label: &str) -> Option<Error> {
    section.properties().find_map(|(key, prop)| {
        let lower = key.to_ascii_lowercase();
        if KNOWN_KEYS.contains(&lower.as_str()) {
            return None;
        }
        // The closest of the SSO keys this section lacks.
        let (suggestion, similarity) = KNOWN_KEYS[..6]
            .iter()
            .filter(|k| section.get(k).is_none())
            .map(|k| (*k, strsim::jaro_winkler(&lower, k)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let close = strsim::damerau_levenshtein(&lower, suggestion) <= 2
            || (lower.starts_with("sso") && similarity >= 0.85);
        close.then(|| {
            ErrorKind::MisspeltKey {
                section: label.to_owned(),
                key: key.to_owned(),
                suggestion,
                location: prop.location().clone(),
            }
            .into()
        })
    })
}

const REGION_RULE: &str = "a region name is letters, digits and dashes, e.g. eu-west-1";

fn start_url_and_region(section: &Section, label: &str) -> Result<(String, String), Error> {
    let start = section.property("sso_start_url");
    let region = section.property("sso_region");
    let (Some(start), Some(region)) = (start, region) else {
        let mut keys = Vec::new();
        if start.is_none() {
            keys.push("sso_start_url");
        }
        if region.is_none() {
            keys.push("sso_region");
        }
        return Err(missing_keys(label, section.location(), keys));
    };
    check(
        label,
        "sso_start_url",
        start.value(),
        start.location(),
        is_start_url,
        "the start URL is the https:// address of the AWS access portal, e.g. https://d-1234567890.awsapps.com/start",
    )?;
    check(
        label,
        "sso_region",
        region.value(),
        region.location(),
        reads_as_region,
        REGION_RULE,
    )?;
    Ok((start.value().to_owned(), region.value().to_owned()))
}

fn missing_keys(label: &str, location: &Location, keys: Vec<&'static str>) -> Error {
    ErrorKind::MissingKeys {
        section: label.to_owned(),
        location: location.clone(),
        keys,
    }
    .into()
}

fn check(
    label: &str,
    key: &'static str,
    value: &str,
    location: &Location,
    valid: fn(&str) -> bool,
    reason: &'static str,
) -> Result<(), Error> {
    if valid(value) {
        return Ok(());
    }
    Err(ErrorKind::InvalidValue {
        section: label.to_owned(),
        key,
        value: value.to_owned(),
        location: location.clone(),
        reason,
    }
    .into())
}

/// Whether `region` is a region name as aws-sso-rs writes one: lower-case letters, digits
/// and dashes (it becomes part of a host name).
pub fn is_region(region: &str) -> bool {
    !region.is_empty()
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `region` is a region name as the AWS CLI reads one: [`is_region`] in either case
/// (`US-EAST-1` works, as host names and the SDK's region are read without case; the parser
/// warns of it, since other SDKs may not find such a region).
pub(crate) fn reads_as_region(region: &str) -> bool {
    is_region(&region.to_ascii_lowercase())
}

pub(crate) fn is_start_url(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && url.len() > 8
        && !url.contains(char::is_whitespace)
}

pub(crate) fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn is_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;
    use crate::profile::Source;
    use std::path::Path;

    fn set(text: &str) -> ProfileSet {
        ProfileSet::parse(
            Some(Source {
                path: Path::new("/home/u/.aws/config"),
                text,
            }),
            None,
        )
        .expect("valid config")
    }

    #[test]
    fn selection_precedence() {
        let env = MapEnv::new()
            .with("AWS_PROFILE", "env")
            .with("AWS_DEFAULT_PROFILE", "old");
        assert_eq!(select_profile(Some("flag"), &env).name, "flag");
        assert_eq!(select_profile(None, &env).source, ProfileSource::AwsProfile);
        let env = MapEnv::new()
            .with("AWS_PROFILE", "")
            .with("AWS_DEFAULT_PROFILE", "old");
        assert_eq!(select_profile(None, &env).name, "old");
        assert_eq!(select_profile(None, &MapEnv::new()).name, "default");
        // Inside `aws-sso-rs exec`, which removed AWS_PROFILE: its profile.
        let inside = env.with("AWS_SSO_RS_PROFILE", "outer");
        let selected = select_profile(None, &inside);
        assert_eq!(
            (selected.name.as_str(), selected.source),
            ("outer", ProfileSource::OuterExec)
        );
        // Its keys win for every SDK in there, over AWS_PROFILE too: so for aws-sso-rs.
        let set_inside = inside.with("AWS_PROFILE", "chosen");
        assert_eq!(select_profile(None, &set_inside).name, "outer");
        assert_eq!(select_profile(Some("flag"), &set_inside).name, "flag");
    }

    #[test]
    fn the_only_sign_in_is_the_only_session_else_the_flags_are_named() {
        let legacy = "[profile old]\nsso_start_url = https://d-2.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 123456789011\nsso_role_name = R\n";
        let corp = "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n";
        let config = std::path::Path::new("/home/me/.aws/config");
        let one = set(&format!("{legacy}{corp}"));
        let list = one.sessions();
        let only = list.only_sign_in(config).expect("the only session");
        assert_eq!(only.session.name.as_deref(), Some("corp"));
        let legacy_only = set(legacy);
        let list = legacy_only.sessions();
        assert!(
            list.only_sign_in(config)
                .expect("the only sign-in")
                .session
                .is_legacy()
        );
        let two = set(&format!(
            "{legacy}{corp}[sso-session other]\nsso_start_url = https://d-3.awsapps.com/start\nsso_region = eu-west-1\n"
        ));
        let list = two.sessions();
        let e = list.only_sign_in(config).expect_err("several");
        assert_eq!(
            e.to_string(),
            "/home/me/.aws/config has 3 IAM Identity Center sign-ins; name one: --sso-session corp, --sso-session other, --profile old"
        );
    }

    #[test]
    fn session_profile_resolves() {
        let s = set(
            "[profile dev]\nsso_session = corp\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\nregion = eu-west-1\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = ap-northeast-1\nsso_registration_scopes = sso:account:access, ,x\n",
        );
        let p = s.sso_profile("dev").expect("valid").expect("sso profile");
        assert_eq!(p.session.name.as_deref(), Some("corp"));
        assert_eq!(p.session.cache_key_source(), "corp");
        assert_eq!(
            p.session.registration_scopes,
            vec!["sso:account:access", "x"]
        );
        assert_eq!(p.role(), Some(("123456789011", "ReadOnly")));
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn legacy_profile_keys_its_cache_by_start_url() {
        let s = set(
            "[profile old]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789011\nsso_role_name = Admin\n",
        );
        let p = s.sso_profile("old").expect("valid").expect("sso profile");
        assert!(p.session.is_legacy());
        assert_eq!(
            p.session.cache_key_source(),
            "https://d-1.awsapps.com/start"
        );
    }

    #[test]
    fn plain_profiles_are_not_sso() {
        let s = set("[profile keys]\naws_access_key_id = x\n");
        assert_eq!(s.sso_profile("keys").expect("valid"), None);
    }

    #[test]
    fn unknown_session_names_file_line_and_fix() {
        let s = set("[profile dev]\nsso_session = nope\n");
        let msg = s
            .sso_profile("dev")
            .expect_err("unknown session")
            .to_string();
        assert!(msg.contains("/home/u/.aws/config line 2"), "{msg}");
        assert!(msg.contains("[sso-session nope]"), "{msg}");
    }

    #[test]
    fn conflicting_start_url_is_refused() {
        let s = set(
            "[profile dev]\nsso_session = corp\nsso_start_url = https://other/start\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n",
        );
        let msg = s.sso_profile("dev").expect_err("conflict").to_string();
        assert!(
            msg.contains("sso_start_url") && msg.contains("line 3") && msg.contains("line 5"),
            "{msg}"
        );
    }

    #[test]
    fn region_must_be_a_host_label() {
        for bad in ["us-east-1.evil.com", "US-EAST-1", "us east", "", "x/y"] {
            assert!(!is_region(bad), "{bad:?}");
        }
        let s = set(
            "[sso-session c]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1.evil.example\n",
        );
        let msg = s
            .sso_session_named("c")
            .expect_err("bad region")
            .to_string();
        assert!(
            msg.contains("sso_region") && msg.contains("line 3"),
            "{msg}"
        );
    }

    #[test]
    fn start_url_must_be_https() {
        let s = set(
            "[profile p]\nsso_start_url = http://d-1.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789011\nsso_role_name = R\n",
        );
        let msg = s.sso_profile("p").expect_err("http").to_string();
        assert!(msg.contains("https://"), "{msg}");
    }

    #[test]
    fn missing_keys_are_listed_together() {
        let s = set("[sso-session c]\n");
        let msg = s
            .sso_session_named("c")
            .expect_err("empty session")
            .to_string();
        assert!(msg.contains("sso_start_url, sso_region"), "{msg}");
    }

    #[test]
    fn half_a_role_is_an_error() {
        let s = set(
            "[profile p]\nsso_session = c\nsso_account_id = 123456789011\n[sso-session c]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n",
        );
        let msg = s.sso_profile("p").expect_err("no role name").to_string();
        assert!(msg.contains("sso_role_name"), "{msg}");
    }
}
