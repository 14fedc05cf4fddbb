//! Which profile or sign-in a command acts on, from the names it was given, the environment
//! and the config. One set of rules for every command: the same sign-in when none is named,
//! the same region for STS and the console, the same words about a profile the config lacks.

use std::path::Path;

use aws_sso_device_auth::{NamedBy, SignInTarget};
use aws_sso_profile_config::env::vars;
use aws_sso_profile_config::{
    ConfiguredSession, Env, FileLocations, ProfileSet, ProfileSource, SSO_VARIABLES_PROFILE,
    SelectedProfile, SsoVariables, select_profile,
};

use crate::{CredentialTarget, Error, ErrorKind, RoleTarget, SessionTarget};

/// What a command was given to name its sign-in: `--profile`, `--sso-session`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Named<'a> {
    /// `--profile`.
    pub profile: Option<&'a str>,
    /// `--sso-session`.
    pub sso_session: Option<&'a str>,
}

/// The `AWS_SSO_*` variables when `name` is their profile and they are set.
///
/// # Errors
/// A variable is missing or malformed.
fn variables_of(name: &str, env: &dyn Env) -> Result<Option<SsoVariables>, Error> {
    if name != SSO_VARIABLES_PROFILE {
        return Ok(None);
    }
    Ok(SsoVariables::from_env(env)?)
}

/// `set` with the `AWS_SSO_*` variables' profile added when `name` is theirs: they must name
/// a role.
///
/// # Errors
/// A variable is missing or malformed, or they name no role.
fn with_variables(mut set: ProfileSet, name: &str, env: &dyn Env) -> Result<ProfileSet, Error> {
    if let Some(variables) = variables_of(name, env)? {
        variables.require_role()?;
        set.add_sso_variables(&variables);
    }
    Ok(set)
}

/// `set` with the `AWS_SSO_*` variables' profile added when they name a role (what `profiles`
/// lists); `set` as it is otherwise (none set, malformed, or only a sign-in).
pub fn with_sso_variables(mut set: ProfileSet, env: &dyn Env) -> ProfileSet {
    if let Ok(Some(variables)) = SsoVariables::from_env(env)
        && variables.has_role()
    {
        set.add_sso_variables(&variables);
    }
    set
}

/// Whether `set`'s `default` profile signs in with IAM Identity Center.
fn default_signs_in(set: &ProfileSet) -> bool {
    matches!(set.sso_profile("default"), Ok(Some(_)))
}

/// Whether `error` says the config lacks `profile`.
fn is_profile_not_found(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Config(e) if matches!(e.kind(), aws_sso_profile_config::ErrorKind::ProfileNotFound { .. })
    )
}

/// A selected profile the config lacks, explained: the config's error from `full` (every
/// profile read, so it lists them and suggests the closest), under where the name came from
/// when not from `--profile`. Any other error as it is.
fn explained(error: Error, selected: &SelectedProfile, full: Option<&ProfileSet>) -> Error {
    if !is_profile_not_found(&error) {
        return error;
    }
    let complete = full.and_then(|set| set.require_profile(&selected.name).err());
    let config = match (complete, error.into_kind()) {
        (Some(complete), _) => complete,
        (None, ErrorKind::Config(e)) => e,
        (None, other) => return other.into(),
    };
    match selected.source.origin(&selected.name) {
        Some(origin) => ErrorKind::Selected {
            origin,
            error: config,
        }
        .into(),
        None => config.into(),
    }
}

/// Whether a person at a terminal should pick a profile instead of seeing `error`: nothing
/// named one (`default` was used), and `default` is not an IAM Identity Center profile of
/// the config (the config lacks it, or it signs in some other way), or the config has
/// several sign-ins to choose from.
pub fn wants_a_pick(error: &Error, selected: &SelectedProfile) -> bool {
    if selected.source != ProfileSource::Default {
        return false;
    }
    let config = match error.kind() {
        ErrorKind::Config(e) => e,
        ErrorKind::Selected { error, .. } => error,
        _ => return false,
    };
    matches!(
        config.kind(),
        aws_sso_profile_config::ErrorKind::ProfileNotFound { .. }
            | aws_sso_profile_config::ErrorKind::NotSso { .. }
            | aws_sso_profile_config::ErrorKind::LoginSession { .. }
            | aws_sso_profile_config::ErrorKind::SeveralSignIns { .. }
    )
}

/// The role target of `selected`, with the config as read for it (only that profile is
/// built, with every session: the fast path of the credential commands). A profile the
/// config lacks is explained from the whole file (read again for that message only).
///
/// # Errors
/// The config cannot be read, lacks the profile (explained), or the profile has no role.
pub fn role_target(
    locations: &FileLocations,
    selected: &SelectedProfile,
    env: &dyn Env,
) -> Result<(RoleTarget, ProfileSet), Error> {
    let set = ProfileSet::load_profile(locations, &selected.name)?;
    let set = with_variables(set, &selected.name, env)?;
    match RoleTarget::resolve(&set, &selected.name, env) {
        Ok(target) => Ok((target, set)),
        Err(e) => Err(explained(
            e,
            selected,
            ProfileSet::load(locations).ok().as_ref(),
        )),
    }
}

/// The IAM Identity Center profile behind `name`: the profile itself, or, for a profile that
/// assumes a role through `source_profile`, the one at the bottom of its chain (`login` and
/// `logout` of a chained profile act on that sign-in).
///
/// # Errors
/// The profile is missing or does not sign in with IAM Identity Center, nor stands on a
/// profile that does; its chain is broken.
pub fn sso_behind(
    set: &ProfileSet,
    name: &str,
) -> Result<aws_sso_profile_config::SsoProfile, Error> {
    let not_sso = match set.require_sso_profile(name) {
        Ok(profile) => return Ok(profile),
        Err(e) => e,
    };
    // A role (or a bad `role_arn`) says what is wrong or what it stands on; so does a
    // profile of keys, a process or a web identity.
    let link = set.role_link(name)?;
    match set.credential_chain(name) {
        Ok(chain) => match chain.sso() {
            Some(sso) => Ok(sso.clone()),
            None => Err(ErrorKind::NoSignInBehind {
                profile: name.to_owned(),
                chain: chain.describe(),
            }
            .into()),
        },
        Err(chain_error)
            if link.is_some()
                || !matches!(
                    chain_error.kind(),
                    aws_sso_profile_config::ErrorKind::NoCredentials { .. }
                ) =>
        {
            Err(chain_error.into())
        }
        Err(_) => Err(not_sso.into()),
    }
}

/// The credential target of `selected`: its IAM Identity Center role (only that profile
/// read, with every session: the fast path of the credential commands), or, when it assumes a
/// role, the chain (the whole config read, for its source profiles). A profile the config
/// lacks is explained from the whole file.
///
/// # Errors
/// The config cannot be read, lacks the profile (explained), the profile has no role, or its
/// chain is broken.
pub fn credential_target(
    locations: &FileLocations,
    selected: &SelectedProfile,
    env: &dyn Env,
) -> Result<(CredentialTarget, ProfileSet), Error> {
    let mut set = ProfileSet::load_profile(locations, &selected.name)?;
    if matches!(set.role_link(&selected.name), Ok(Some(_))) {
        set = ProfileSet::load(locations)?;
    }
    let set = with_variables(set, &selected.name, env)?;
    match CredentialTarget::resolve(&set, &selected.name, env) {
        // Nothing named: `default`'s own long-term keys (or process) are not taken for the
        // IAM Identity Center access a command was asked for; a person picks (`wants_a_pick`),
        // or the message says to name the profile. Named, they are used.
        Ok(CredentialTarget::Chain(chain))
            if selected.source == ProfileSource::Default && chain.chain.links.is_empty() =>
        {
            match RoleTarget::resolve(&set, &selected.name, env) {
                Err(e) => Err(explained(e, selected, Some(&set))),
                Ok(role) => Ok((CredentialTarget::Sso(role), set)),
            }
        }
        Ok(target) => Ok((target, set)),
        Err(e) => Err(explained(
            e,
            selected,
            ProfileSet::load(locations).ok().as_ref(),
        )),
    }
}

/// How a configured sign-in is named in messages and commands: by its session, or by the
/// first profile of a legacy start URL.
pub fn named_by(configured: &ConfiguredSession) -> NamedBy {
    match (&configured.session.name, configured.profiles.first()) {
        (Some(name), _) => NamedBy::SsoSession(name.clone()),
        (None, Some(profile)) => NamedBy::Profile(profile.profile.clone()),
        (None, None) => NamedBy::SsoSession(configured.session.start_url.clone()),
    }
}

/// The sign-in `login` acts on, from `set` (the whole config, at `config_file`):
/// `--sso-session`; else the selected profile's (`--profile` > `AWS_SSO_RS_PROFILE` >
/// `AWS_PROFILE` > `AWS_DEFAULT_PROFILE`); else, when nothing names one and `default` does
/// not sign in with IAM Identity Center, the config's only `[sso-session]`, else its only
/// sign-in. `device` picks the device-code flow.
///
/// # Errors
/// The session or profile is not in the config or does not sign in with IAM Identity
/// Center; several sign-ins and none named (`SeveralSignIns`, naming the flag that chooses
/// each; see [`wants_a_pick`]).
pub fn sign_in_target(
    set: &ProfileSet,
    config_file: &Path,
    named: Named<'_>,
    env: &dyn Env,
    device: bool,
) -> Result<SignInTarget, Error> {
    if let Some(name) = named.sso_session {
        let session = set.sso_session_named(name)?;
        return Ok(SignInTarget::resolve(
            NamedBy::SsoSession(name.to_owned()),
            session,
            set,
            env,
            device,
        ));
    }
    let selected = select_profile(named.profile, env);
    if let Some(variables) = variables_of(&selected.name, env)? {
        return Ok(SignInTarget::resolve(
            NamedBy::Profile(selected.name),
            variables.session,
            set,
            env,
            device,
        ));
    }
    if selected.source == ProfileSource::Default && !default_signs_in(set) {
        let list = set.sessions();
        // With no sign-in at all, the profile's own message (it says how to add one).
        if !list.sessions.is_empty() {
            let only = list.only_sign_in(config_file)?;
            return Ok(SignInTarget::resolve(
                named_by(only),
                only.session.clone(),
                set,
                env,
                device,
            ));
        }
    }
    let sso = sso_behind(set, &selected.name).map_err(|e| explained(e, &selected, Some(set)))?;
    Ok(SignInTarget::resolve(
        NamedBy::Profile(selected.name),
        sso.session,
        set,
        env,
        device,
    ))
}

/// Every sign-in of `set` (`login --all`), with the sections skipped for their problems.
///
/// # Errors
/// The config has no sign-in at all.
pub fn every_sign_in(
    set: &ProfileSet,
    env: &dyn Env,
    device: bool,
) -> Result<(Vec<SignInTarget>, Vec<String>), Error> {
    let list = set.require_sessions()?;
    let targets = list
        .sessions
        .iter()
        .map(|c| SignInTarget::resolve(named_by(c), c.session.clone(), set, env, device))
        .collect();
    Ok((
        targets,
        list.problems.iter().map(ToString::to_string).collect(),
    ))
}

/// The sign-in a listing command uses (`list`): `--sso-session`, `--profile`, the selected
/// profile, or, when none is named and `default` does not sign in with IAM Identity Center,
/// the config's only `[sso-session]`, else its only sign-in.
///
/// # Errors
/// As [`sign_in_target`]; no sign-in at all.
pub fn session_target(
    set: &ProfileSet,
    config_file: &Path,
    named: Named<'_>,
    env: &dyn Env,
) -> Result<SessionTarget, Error> {
    if let Some(name) = named.sso_session {
        return SessionTarget::for_session(set, name, env);
    }
    let selected = select_profile(named.profile, env);
    if let Some(variables) = variables_of(&selected.name, env)? {
        return Ok(SessionTarget::of(
            set,
            &selected.name,
            variables.session,
            env,
        ));
    }
    if selected.source == ProfileSource::Default && !default_signs_in(set) {
        let list = set.require_sessions()?;
        let only = list.only_sign_in(config_file)?;
        return match &only.session.name {
            Some(name) => SessionTarget::for_session(set, name, env),
            None => SessionTarget::for_profile(set, &only.profiles[0].profile, env),
        };
    }
    match set.role_link(&selected.name) {
        // A chained profile lists the accounts of the sign-in at its bottom.
        Ok(Some(_)) => {
            let sso =
                sso_behind(set, &selected.name).map_err(|e| explained(e, &selected, Some(set)))?;
            SessionTarget::for_profile(set, &sso.profile, env)
        }
        _ => SessionTarget::for_profile(set, &selected.name, env)
            .map_err(|e| explained(e, &selected, Some(set))),
    }
}

/// What `logout` ends: the sign-in of `--sso-session` or `--profile` (with the profiles that
/// use it), or `None` for every sign-in.
///
/// # Errors
/// The session or profile is not in the config, or the profile does not sign in with IAM
/// Identity Center.
pub fn logout_scope(
    set: &ProfileSet,
    named: Named<'_>,
) -> Result<Option<ConfiguredSession>, Error> {
    let session = match (named.profile, named.sso_session) {
        (None, None) => return Ok(None),
        (_, Some(name)) => set.sso_session_named(name)?,
        (Some(profile), None) => sso_behind(set, profile)?.session,
    };
    Ok(Some(
        set.sessions()
            .find(session.cache_key_source())
            .cloned()
            .unwrap_or(ConfiguredSession {
                session,
                profiles: Vec::new(),
            }),
    ))
}

/// The `[sso-session]` generated profiles sign in through (`configure populate`): the one
/// named, else the config's only one.
///
/// # Errors
/// None named and the config has none, or several.
pub fn populate_session(
    set: &ProfileSet,
    config_file: &Path,
    named: Option<&str>,
) -> Result<String, Error> {
    match named {
        Some(name) => Ok(name.to_owned()),
        None => Ok(set
            .require_sessions()?
            .only_named_session(config_file)?
            .to_owned()),
    }
}

/// The regions where `sts_regional_endpoints = legacy` sends STS calls to the global
/// endpoint, as botocore lists them.
const LEGACY_GLOBAL_STS_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// STS for `profile`'s calls in `region`, as botocore finds it: `AWS_ENDPOINT_URL_STS`,
/// `[services]` or `endpoint_url` when set; else, with `sts_regional_endpoints = legacy`
/// (`AWS_STS_REGIONAL_ENDPOINTS`, else the profile's) in one of the older regions, the global
/// `https://sts.amazonaws.com` signed for `us-east-1`; else the regional endpoint. Returns the
/// signing region and the endpoint.
///
/// # Errors
/// `sts_regional_endpoints` is neither `regional` nor `legacy`.
pub fn sts_endpoint(
    set: &ProfileSet,
    profile: Option<&str>,
    region: &str,
    env: &dyn Env,
) -> Result<(String, aws_sso_profile_config::Endpoint), Error> {
    let endpoint = set.endpoint(
        profile,
        &aws_sso_profile_config::Service::Sts,
        region,
        env,
        aws_sso_profile_config::ClientEndpointConfig::default(),
    );
    let setting = env.non_empty(vars::AWS_STS_REGIONAL_ENDPOINTS).or_else(|| {
        profile
            .and_then(|p| set.profile(p))
            .and_then(|p| p.get("sts_regional_endpoints"))
            .map(str::to_owned)
    });
    match setting.as_deref() {
        None | Some("regional") => Ok((region.to_owned(), endpoint)),
        Some("legacy") => {
            if endpoint.source == aws_sso_profile_config::EndpointSource::Default
                && LEGACY_GLOBAL_STS_REGIONS.contains(&region)
            {
                Ok((
                    "us-east-1".to_owned(),
                    aws_sso_profile_config::Endpoint {
                        url: "https://sts.amazonaws.com".into(),
                        source: aws_sso_profile_config::EndpointSource::Default,
                    },
                ))
            } else {
                Ok((region.to_owned(), endpoint))
            }
        }
        Some(other) => Err(ErrorKind::InvalidSetting {
            name: "sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS)",
            value: other.to_owned(),
            expected: "regional (the default) or legacy",
        }
        .into()),
    }
}

/// The region of a role's service calls (STS for `whoami`, the console): `AWS_REGION` >
/// `AWS_DEFAULT_REGION` > the profile's `region` > its `sso_region`, as the AWS CLI has it.
pub fn service_region(target: &RoleTarget, env: &dyn Env) -> String {
    env.non_empty(vars::AWS_REGION)
        .or_else(|| env.non_empty(vars::AWS_DEFAULT_REGION))
        .or_else(|| target.region.clone())
        .unwrap_or_else(|| target.sign_in.session.region.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sso_profile_config::{MapEnv, Source};

    const TWO_SESSIONS: &str = "\
[default]
region = eu-west-1
[sso-session corp]
sso_start_url = https://d-1.awsapps.com/start
sso_region = eu-west-1
[sso-session lab]
sso_start_url = https://d-2.awsapps.com/start
sso_region = us-east-1
[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-central-1
";

    fn set(text: &str) -> ProfileSet {
        ProfileSet::parse(
            Some(Source {
                path: Path::new("config"),
                text,
            }),
            None,
        )
        .expect("parses")
    }

    #[test]
    fn nothing_named_takes_the_only_session_and_several_ask_for_a_pick() {
        let env = MapEnv::new();
        let one = set(&TWO_SESSIONS.replace("[sso-session lab]", "[lab]"));
        let target = sign_in_target(&one, Path::new("config"), Named::default(), &env, false)
            .expect("the only one");
        assert_eq!(target.label(), "sso-session 'corp'");

        let two = set(TWO_SESSIONS);
        let err = sign_in_target(&two, Path::new("config"), Named::default(), &env, false)
            .expect_err("two sessions");
        assert!(
            err.to_string()
                .contains("--sso-session corp, --sso-session lab"),
            "{err}"
        );
        let default = select_profile(None, &env);
        assert!(wants_a_pick(&err, &default));
        // Named by the user: never a pick.
        let named = select_profile(None, &MapEnv::new().with("AWS_PROFILE", "nope"));
        let err = sign_in_target(
            &two,
            Path::new("config"),
            Named::default(),
            &MapEnv::new().with("AWS_PROFILE", "nope"),
            false,
        )
        .expect_err("no such profile");
        assert!(!wants_a_pick(&err, &named));
        // A `default` of `aws login` (what it writes unless told otherwise): a pick too.
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            format!("[default]\nlogin_session = arn:aws:iam::123456789012:user/me\n{TWO_SESSIONS}"),
        )
        .expect("write");
        let locations = FileLocations {
            config,
            credentials: dir.path().join("credentials"),
        };
        let err = credential_target(&locations, &default, &env).expect_err("not for aws-sso-rs");
        assert!(wants_a_pick(&err, &default), "{err}");
    }

    #[test]
    fn a_profile_the_config_lacks_says_where_its_name_came_from() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config");
        std::fs::write(&config, TWO_SESSIONS).expect("write");
        let locations = FileLocations {
            config,
            credentials: dir.path().join("credentials"),
        };
        let env = MapEnv::new().with("AWS_PROFILE", "dve");
        let err = role_target(&locations, &select_profile(None, &env), &env).expect_err("no dve");
        let text = err.to_string();
        assert!(
            text.starts_with("the profile 'dve' comes from AWS_PROFILE: "),
            "{text}"
        );
        assert!(
            text.contains("dev"),
            "the closest name is suggested: {text}"
        );
        assert!(matches!(err.kind(), ErrorKind::Selected { .. }));
        // From --profile: the config's words alone.
        let err =
            role_target(&locations, &select_profile(Some("dve"), &env), &env).expect_err("no dve");
        assert!(!err.to_string().contains("comes from"), "{err}");
        let (target, _) =
            role_target(&locations, &select_profile(Some("dev"), &env), &env).expect("dev");
        assert_eq!(
            (target.account_id.as_str(), target.role_name.as_str()),
            ("111111111111", "ReadOnly")
        );
    }

    #[test]
    fn service_calls_take_the_environment_region_then_the_profile_then_the_session() {
        let set = set(TWO_SESSIONS);
        let target = RoleTarget::resolve(&set, "dev", &MapEnv::new()).expect("dev");
        assert_eq!(service_region(&target, &MapEnv::new()), "eu-central-1");
        let env = MapEnv::new().with("AWS_DEFAULT_REGION", "ap-south-1");
        assert_eq!(service_region(&target, &env), "ap-south-1");
        assert_eq!(
            service_region(&target, &env.with("AWS_REGION", "sa-east-1")),
            "sa-east-1"
        );
        let mut no_region = target.clone();
        no_region.region = None;
        assert_eq!(service_region(&no_region, &MapEnv::new()), "eu-west-1");
    }

    #[test]
    fn logout_and_populate_scopes() {
        let set = set(TWO_SESSIONS);
        assert!(logout_scope(&set, Named::default()).expect("all").is_none());
        let scope = logout_scope(
            &set,
            Named {
                profile: Some("dev"),
                sso_session: None,
            },
        )
        .expect("dev's")
        .expect("one session");
        assert_eq!(scope.session.name.as_deref(), Some("corp"));
        assert_eq!(scope.profiles.len(), 1);
        let err = populate_session(&set, Path::new("/home/u/.aws/config"), None).expect_err("two");
        assert!(
            err.to_string()
                .contains("has 2 [sso-session] sections; name one with --sso-session: corp, lab"),
            "{err}"
        );
        assert_eq!(
            populate_session(&set, Path::new("config"), Some("lab")).expect("named"),
            "lab"
        );
    }

    #[test]
    fn sts_is_regional_unless_legacy_is_asked_for_in_an_older_region() {
        let set = set(TWO_SESSIONS);
        let url = |env: &MapEnv, region: &str| {
            sts_endpoint(&set, Some("dev"), region, env)
                .map(|(signing, e)| (signing, e.url))
                .expect("resolves")
        };
        let none = MapEnv::new();
        assert_eq!(
            url(&none, "eu-west-1"),
            (
                "eu-west-1".into(),
                "https://sts.eu-west-1.amazonaws.com".into()
            )
        );
        let legacy = MapEnv::new().with("AWS_STS_REGIONAL_ENDPOINTS", "legacy");
        assert_eq!(
            url(&legacy, "eu-west-1"),
            ("us-east-1".into(), "https://sts.amazonaws.com".into())
        );
        assert_eq!(
            url(&legacy, "ap-east-1"),
            (
                "ap-east-1".into(),
                "https://sts.ap-east-1.amazonaws.com".into()
            ),
            "a newer region has no global endpoint"
        );
        let overridden = legacy
            .clone()
            .with("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
        assert_eq!(url(&overridden, "eu-west-1").1, "http://127.0.0.1:9");
        let wrong = MapEnv::new().with("AWS_STS_REGIONAL_ENDPOINTS", "global");
        let err = sts_endpoint(&set, Some("dev"), "eu-west-1", &wrong).unwrap_err();
        assert!(
            err.to_string().contains("regional (the default) or legacy"),
            "{err}"
        );
    }
}
