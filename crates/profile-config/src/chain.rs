//! Where a profile's credentials come from, read as botocore reads it: a role assumed on top
//! of a `source_profile` (several links), down to an IAM Identity Center profile, static keys,
//! a `credential_process`, the environment (`credential_source = Environment`) or a web
//! identity token.
//!
//! botocore's rules, kept here:
//!
//! - A profile with `role_arn` (and no `web_identity_token_file`) assumes that role, with the
//!   credentials of its `source_profile` or of its `credential_source`; one of the two, never
//!   both. `role_session_name`, `external_id`, `mfa_serial` and `duration_seconds` go with
//!   it (a `duration_seconds` that is not a whole number is ignored, as botocore does).
//! - A source profile with static keys gives those keys, even when it has a `role_arn` too
//!   (a profile may name itself as its source to keep its keys and its role together). One
//!   without `role_arn` gives what it holds: a web identity token, an IAM Identity Center
//!   sign-in, static keys in the credentials file, a `credential_process` or static keys in
//!   the config file, in that order. One with `role_arn` is the next link.
//! - A profile met twice is a cycle, unless it is its own source and holds static keys.
//!
//! The chain is followed in a loop, so a long chain or a cycle ends at once.

use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::profile::{Location, ProfileSet, Section};
use crate::sso::SsoProfile;

/// One role assumed in a chain: a profile's `role_arn` and the keys that go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLink {
    /// The profile that names the role.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `role_session_name`, if set (else the caller makes one up, as botocore does).
    pub role_session_name: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `mfa_serial`: the MFA device whose code `AssumeRole` needs.
    pub mfa_serial: Option<String>,
    /// `duration_seconds`, when a whole number.
    pub duration_seconds: Option<i64>,
    /// Where `role_arn` is set.
    pub location: Location,
}

/// Static keys from a profile (`aws_access_key_id`, `aws_secret_access_key`,
/// `aws_session_token`). The secret never shows in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticKeys {
    /// The profile that holds them.
    pub profile: String,
    /// `aws_access_key_id`.
    pub access_key_id: String,
    /// `aws_secret_access_key`.
    pub secret_access_key: String,
    /// `aws_session_token`, if any.
    pub session_token: Option<String>,
}

impl fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeys")
            .field("profile", &self.profile)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// What a chain stands on: the credentials of its last profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainSource {
    /// An IAM Identity Center profile (either form).
    Sso(SsoProfile),
    /// Static keys.
    StaticKeys(StaticKeys),
    /// `credential_process`: a program that prints the credentials.
    Process {
        /// The profile.
        profile: String,
        /// The command line.
        command: String,
        /// Where it is set.
        location: Location,
    },
    /// `credential_source = Environment`: `AWS_ACCESS_KEY_ID` and the rest.
    Environment {
        /// The profile that names it.
        profile: String,
    },
    /// `web_identity_token_file` with `role_arn`: `AssumeRoleWithWebIdentity`.
    WebIdentity {
        /// The profile.
        profile: String,
        /// `web_identity_token_file`.
        token_file: String,
        /// `role_arn`.
        role_arn: String,
        /// `role_session_name`, if set.
        role_session_name: Option<String>,
    },
}

impl ChainSource {
    /// The profile that holds it.
    pub fn profile(&self) -> &str {
        match self {
            Self::Sso(p) => &p.profile,
            Self::StaticKeys(k) => &k.profile,
            Self::Process { profile, .. }
            | Self::Environment { profile }
            | Self::WebIdentity { profile, .. } => profile,
        }
    }

    /// How it is named at the end of a chain: `sso-session corp`, `static keys`, ...
    pub fn describe(&self) -> String {
        match self {
            Self::Sso(p) => match &p.session.name {
                Some(name) => format!("sso-session {name}"),
                None => p.session.start_url.clone(),
            },
            Self::StaticKeys(_) => "static keys".into(),
            Self::Process { .. } => "credential_process".into(),
            Self::Environment { .. } => "environment".into(),
            Self::WebIdentity { .. } => "web identity".into(),
        }
    }
}

/// Where a profile's credentials come from: a source, and the roles assumed on top of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialChain {
    /// The profile asked for.
    pub profile: String,
    /// What the chain stands on.
    pub source: ChainSource,
    /// The roles assumed on the source's credentials, in the order they are assumed: the
    /// first with the source's credentials, the last is the asked profile's own role. Empty
    /// when no role is assumed (the profile is keys, a process, a web identity or an IAM
    /// Identity Center role itself); a profile that names itself as its source, with keys,
    /// has one.
    pub links: Vec<RoleLink>,
}

impl CredentialChain {
    /// Whether the asked profile is an IAM Identity Center profile itself (no roles assumed).
    pub fn is_plain_sso(&self) -> bool {
        self.links.is_empty() && matches!(self.source, ChainSource::Sso(_))
    }

    /// The IAM Identity Center profile at the bottom, if the chain stands on one.
    pub fn sso(&self) -> Option<&SsoProfile> {
        match &self.source {
            ChainSource::Sso(p) => Some(p),
            _ => None,
        }
    }

    /// The chain as people read it: `deploy-prod -> dev-account-ro -> sso-session corp`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<&str> = self
            .links
            .iter()
            .rev()
            .map(|l| l.profile.as_str())
            .collect();
        if parts.last() != Some(&self.source.profile()) {
            parts.push(self.source.profile());
        }
        let mut text = parts.join(" -> ");
        text.push_str(" -> ");
        text.push_str(&self.source.describe());
        text
    }
}

fn has_static_keys(p: &Section) -> bool {
    p.get("aws_access_key_id").is_some() || p.get("aws_secret_access_key").is_some()
}

fn assumes_a_role(p: &Section) -> bool {
    p.get("role_arn").is_some() && p.get("web_identity_token_file").is_none()
}

fn has_sso_keys(p: &Section) -> bool {
    [
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
    ]
    .iter()
    .any(|k| p.get(k).is_some())
}

const ROLE_ARN_RULE: &str = "an IAM role ARN looks like arn:aws:iam::123456789012:role/NAME";

/// Whether `arn` is an IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.
pub fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(
        parts.as_slice(),
        ["arn", partition, "iam", "", account, resource]
            if !partition.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.strip_prefix("role/").is_some_and(|name| {
                    !name.is_empty() && !name.ends_with('/')
                })
    )
}

impl ProfileSet {
    /// The role profile `name` assumes, from its own keys only (`Ok(None)` when it has no
    /// `role_arn`, or a web identity token): what names its cached credentials, so the cached
    /// answer of a chained profile reads one profile and one file.
    ///
    /// # Errors
    /// The profile does not exist or is unreadable; `role_arn` is not an IAM role ARN.
    pub fn role_link(&self, name: &str) -> Result<Option<RoleLink>, Error> {
        let p = self.require_profile(name)?;
        if !assumes_a_role(p) {
            return Ok(None);
        }
        link(name, p).map(Some)
    }

    /// Where profile `name`'s credentials come from, following `source_profile` to the end.
    ///
    /// # Errors
    /// A profile of the chain does not exist or is unreadable; a `source_profile` names no
    /// profile; a cycle; `role_arn` without a source, or with both kinds; a
    /// `credential_source` other than `Environment`; a source with no credentials; half a
    /// pair of static keys; a `role_arn` that is not one. Each names the file and line.
    pub fn credential_chain(&self, name: &str) -> Result<CredentialChain, Error> {
        let mut visited: Vec<String> = vec![name.to_owned()];
        let mut links = Vec::new();
        let mut current = name.to_owned();
        let source = loop {
            let p = self.require_profile(&current)?;
            let top = current == name && links.is_empty();
            let assume = if top {
                assumes_a_role(p)
            } else {
                !has_static_keys(p) && assumes_a_role(p)
            };
            if !assume {
                break self.own_source(&current, p)?;
            }
            links.push(link(&current, p)?);
            let source_profile = p.property("source_profile");
            let credential_source = p.property("credential_source");
            let label = format!("profile '{current}'");
            match (source_profile, credential_source) {
                (Some(_), Some(c)) => {
                    return Err(ErrorKind::TwoRoleSources {
                        profile: current.clone(),
                        location: c.location().clone(),
                    }
                    .into());
                }
                (None, None) => {
                    return Err(ErrorKind::RoleWithoutSource {
                        profile: current.clone(),
                        location: p
                            .property("role_arn")
                            .map_or_else(|| p.location().clone(), |r| r.location().clone()),
                    }
                    .into());
                }
                (None, Some(c)) => {
                    if c.value() == "Environment" {
                        break ChainSource::Environment {
                            profile: current.clone(),
                        };
                    }
                    return Err(ErrorKind::InvalidValue {
                        section: label,
                        key: "credential_source",
                        value: c.value().to_owned(),
                        location: c.location().clone(),
                        reason: "aws-sso-rs supports only credential_source = Environment (Ec2InstanceMetadata and EcsContainer give the credentials of the machine or container it runs on, which the AWS SDKs there read themselves)",
                    }
                    .into());
                }
                (Some(s), None) => {
                    let next = s.value().to_owned();
                    if self.profile(&next).is_none() {
                        return Err(ErrorKind::SourceNotFound {
                            profile: current.clone(),
                            source_profile: next.clone(),
                            location: s.location().clone(),
                            closest: crate::closest_name(self.profiles().map(Section::name), &next)
                                .map(str::to_owned),
                        }
                        .into());
                    }
                    if visited.contains(&next) {
                        if next == current && has_static_keys(p) {
                            break static_keys(&current, p)?;
                        }
                        visited.push(next);
                        return Err(ErrorKind::SourceCycle {
                            chain: visited.join(" -> "),
                            location: s.location().clone(),
                        }
                        .into());
                    }
                    visited.push(next.clone());
                    current = next;
                }
            }
        };
        links.reverse();
        Ok(CredentialChain {
            profile: name.to_owned(),
            source,
            links,
        })
    }

    /// What a profile that assumes no role gives: a web identity token, an IAM Identity
    /// Center sign-in, static keys or a `credential_process`, as botocore looks for them.
    fn own_source(&self, name: &str, p: &Section) -> Result<ChainSource, Error> {
        if let Some(file) = p.get("web_identity_token_file") {
            let Some(role_arn) = p.property("role_arn") else {
                return Err(ErrorKind::MissingKeys {
                    section: format!("profile '{name}'"),
                    location: p.location().clone(),
                    keys: vec!["role_arn"],
                }
                .into());
            };
            return Ok(ChainSource::WebIdentity {
                profile: name.to_owned(),
                token_file: file.to_owned(),
                role_arn: role_arn.value().to_owned(),
                role_session_name: p.get("role_session_name").map(str::to_owned),
            });
        }
        if has_sso_keys(p)
            && let Some(sso) = self.sso_profile(name)?
        {
            return Ok(ChainSource::Sso(sso));
        }
        // botocore's order: keys in the credentials file, then a `credential_process`, then
        // keys in the config file.
        let process = p.property("credential_process");
        let keys_in_credentials_file = ["aws_access_key_id", "aws_secret_access_key"]
            .into_iter()
            .filter_map(|k| p.property(k))
            .any(|k| Some(&*k.location().path) != self.config_path());
        if has_static_keys(p) && (process.is_none() || keys_in_credentials_file) {
            return static_keys(name, p);
        }
        if let Some(command) = process {
            if shlex::split(command.value()).is_none_or(|words| words.is_empty()) {
                return Err(ErrorKind::InvalidValue {
                    section: format!("profile '{name}'"),
                    key: "credential_process",
                    value: command.value().to_owned(),
                    location: command.location().clone(),
                    reason: "a command line, split as a shell would (an unmatched quote, or nothing to run?)",
                }
                .into());
            }
            return Ok(ChainSource::Process {
                profile: name.to_owned(),
                command: command.value().to_owned(),
                location: command.location().clone(),
            });
        }
        // `sso_sesion = corp` alone: say which key was meant.
        self.sso_profile(name)?;
        if let Some(session) = p.property("login_session") {
            return Err(ErrorKind::LoginSession {
                profile: name.to_owned(),
                session: session.value().to_owned(),
                location: session.location().clone(),
            }
            .into());
        }
        Err(ErrorKind::NoCredentials {
            profile: name.to_owned(),
            location: p.location().clone(),
        }
        .into())
    }
}

fn static_keys(name: &str, p: &Section) -> Result<ChainSource, Error> {
    let key = |k: &'static str| {
        p.get(k).map(str::to_owned).ok_or_else(|| {
            Error::from(ErrorKind::MissingKeys {
                section: format!("profile '{name}'"),
                location: p.location().clone(),
                keys: vec![k],
            })
        })
    };
    Ok(ChainSource::StaticKeys(StaticKeys {
        profile: name.to_owned(),
        access_key_id: key("aws_access_key_id")?,
        secret_access_key: key("aws_secret_access_key")?,
        session_token: p.get("aws_session_token").map(str::to_owned),
    }))
}

fn link(name: &str, p: &Section) -> Result<RoleLink, Error> {
    let Some(arn) = p.property("role_arn") else {
        return Err(ErrorKind::MissingKeys {
            section: format!("profile '{name}'"),
            location: p.location().clone(),
            keys: vec!["role_arn"],
        }
        .into());
    };
    if !is_role_arn(arn.value()) {
        return Err(ErrorKind::InvalidValue {
            section: format!("profile '{name}'"),
            key: "role_arn",
            value: arn.value().to_owned(),
            location: arn.location().clone(),
            reason: ROLE_ARN_RULE,
        }
        .into());
    }
    Ok(RoleLink {
        profile: name.to_owned(),
        role_arn: arn.value().to_owned(),
        // An empty value is none, as botocore reads it (it makes a name up).
        role_session_name: p
            .get("role_session_name")
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        external_id: p.get("external_id").map(str::to_owned),
        mfa_serial: p.get("mfa_serial").map(str::to_owned),
        duration_seconds: p.get("duration_seconds").and_then(|d| d.parse().ok()),
        location: arn.location().clone(),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Source;

    fn set(config: &str, credentials: &str) -> ProfileSet {
        ProfileSet::parse(
            Some(Source {
                path: Path::new("config"),
                text: config,
            }),
            Some(Source {
                path: Path::new("credentials"),
                text: credentials,
            }),
        )
        .expect("parses")
    }

    const CHAIN: &str = "\
[profile deploy-prod]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = jump
role_session_name = alice
external_id = ext-1
duration_seconds = 900

[profile jump]
role_arn = arn:aws:iam::333333333333:role/path/Jump
source_profile = dev
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1
";

    #[test]
    fn a_two_link_chain_down_to_an_sso_profile() {
        let chain = set(CHAIN, "").credential_chain("deploy-prod").unwrap();
        assert_eq!(
            chain.describe(),
            "deploy-prod -> jump -> dev -> sso-session corp"
        );
        assert_eq!(chain.sso().unwrap().profile, "dev");
        let [first, second] = &chain.links[..] else {
            panic!("two links: {chain:?}");
        };
        assert_eq!(first.profile, "jump");
        assert_eq!(
            first.mfa_serial.as_deref(),
            Some("arn:aws:iam::111111111111:mfa/alice")
        );
        assert_eq!(second.role_arn, "arn:aws:iam::222222222222:role/Deployer");
        assert_eq!(second.role_session_name.as_deref(), Some("alice"));
        assert_eq!(second.external_id.as_deref(), Some("ext-1"));
        assert_eq!(second.duration_seconds, Some(900));
        assert_eq!(second.location.to_string(), "config line 2");
    }

    #[test]
    fn a_plain_sso_profile_is_a_chain_of_no_links() {
        let chain = set(CHAIN, "").credential_chain("dev").unwrap();
        assert!(chain.is_plain_sso());
        assert_eq!(chain.describe(), "dev -> sso-session corp");
    }

    #[test]
    fn static_keys_in_the_credentials_file_end_a_chain_even_beside_a_role() {
        let config = "[profile ops]\nrole_arn = arn:aws:iam::222222222222:role/Ops\nsource_profile = base\n\n[profile base]\nrole_arn = arn:aws:iam::333333333333:role/Ignored\nsource_profile = ops\n";
        let credentials =
            "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n";
        let chain = set(config, credentials).credential_chain("ops").unwrap();
        assert_eq!(chain.links.len(), 1);
        let ChainSource::StaticKeys(keys) = &chain.source else {
            panic!("static keys: {chain:?}");
        };
        assert_eq!(keys.access_key_id, "AKIAEXAMPLE");
        assert!(!format!("{keys:?}").contains("secret\""), "{keys:?}");
    }

    #[test]
    fn a_process_wins_over_keys_in_the_config_file_but_not_over_the_credentials_file() {
        let config = "[profile p]\ncredential_process = /bin/creds\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n";
        let chain = set(config, "").credential_chain("p").unwrap();
        assert!(
            matches!(&chain.source, ChainSource::Process { command, .. } if command == "/bin/creds"),
            "{chain:?}"
        );
        let credentials = "[p]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n";
        let chain = set(config, credentials).credential_chain("p").unwrap();
        let ChainSource::StaticKeys(keys) = &chain.source else {
            panic!("static keys: {chain:?}");
        };
        assert_eq!(keys.access_key_id, "AKIAFILE");
    }

    #[test]
    fn a_profile_may_be_its_own_source_when_it_holds_keys() {
        let config = "[profile me]\nrole_arn = arn:aws:iam::222222222222:role/Ops\nsource_profile = me\naws_access_key_id = AKIA1\naws_secret_access_key = s\n";
        let chain = set(config, "").credential_chain("me").unwrap();
        assert_eq!(chain.links.len(), 1);
        assert!(matches!(chain.source, ChainSource::StaticKeys(_)));
    }

    #[test]
    fn a_profile_of_aws_login_is_named_as_such_with_what_to_run() {
        let config = "[profile signin]\nlogin_session = arn:aws:iam::123456789012:user/alice\nregion = us-east-1\n\n[profile on-signin]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = signin\n";
        let set = set(config, "");
        for name in ["signin", "on-signin"] {
            let text = set.credential_chain(name).unwrap_err().to_string();
            assert!(text.contains("signs in with `aws login`"), "{text}");
            assert!(text.contains("aws login --profile signin"), "{text}");
            assert!(text.contains("config line 2"), "{text}");
        }
        let text = set.require_sso_profile("signin").unwrap_err().to_string();
        assert!(text.contains("signs in with `aws login`"), "{text}");
    }

    #[test]
    fn a_cycle_is_named_with_its_chain_and_line() {
        let config = "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\nsource_profile = b\n\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = a\n";
        let err = set(config, "").credential_chain("a").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("a -> b -> a"), "{text}");
        assert!(text.contains("config line 7"), "{text}");
    }

    #[test]
    fn a_missing_source_is_named_with_the_closest_profile() {
        let config = "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\nsource_profile = devv\n\n[profile dev]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n";
        let text = set(config, "")
            .credential_chain("a")
            .unwrap_err()
            .to_string();
        assert!(text.contains("source_profile = devv"), "{text}");
        assert!(text.contains("config line 3"), "{text}");
        assert!(text.contains("'dev'"), "{text}");
    }

    #[test]
    fn a_long_chain_is_followed_to_its_end() {
        let mut config = String::new();
        for i in 0..10 {
            config.push_str(&format!(
                "[profile p{i}]\nrole_arn = arn:aws:iam::222222222222:role/R{i}\nsource_profile = p{}\n\n",
                i + 1
            ));
        }
        config.push_str("[profile p10]\ncredential_process = /bin/echo\n");
        let chain = set(&config, "").credential_chain("p0").unwrap();
        assert_eq!(chain.links.len(), 10);
        assert_eq!(chain.links[0].profile, "p9");
        assert!(matches!(chain.source, ChainSource::Process { .. }));
    }

    #[test]
    fn bad_role_settings_are_config_errors_naming_the_line() {
        let not_arn = "[profile a]\nrole_arn = Deployer\nsource_profile = a\n";
        let text = set(not_arn, "")
            .credential_chain("a")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("config line 2") && text.contains("role_arn"),
            "{text}"
        );
        let no_source = "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\n";
        let text = set(no_source, "")
            .credential_chain("a")
            .unwrap_err()
            .to_string();
        assert!(text.contains("source_profile"), "{text}");
        let both = "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\nsource_profile = b\ncredential_source = Environment\n[profile b]\naws_access_key_id = A\naws_secret_access_key = s\n";
        let text = set(both, "").credential_chain("a").unwrap_err().to_string();
        assert!(text.contains("config line 4"), "{text}");
        let imds = "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\ncredential_source = Ec2InstanceMetadata\n";
        let text = set(imds, "").credential_chain("a").unwrap_err().to_string();
        assert!(text.contains("Ec2InstanceMetadata"), "{text}");
        let env = "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/A\ncredential_source = Environment\n";
        let chain = set(env, "").credential_chain("a").unwrap();
        assert!(matches!(chain.source, ChainSource::Environment { .. }));
        let half = "[profile a]\naws_access_key_id = A\n";
        let text = set(half, "").credential_chain("a").unwrap_err().to_string();
        assert!(text.contains("aws_secret_access_key"), "{text}");
        let nothing = "[profile a]\nregion = eu-west-1\n";
        let text = set(nothing, "")
            .credential_chain("a")
            .unwrap_err()
            .to_string();
        assert!(text.contains("profile 'a'"), "{text}");
    }

    #[test]
    fn role_arns() {
        assert!(is_role_arn("arn:aws:iam::222222222222:role/Deployer"));
        assert!(is_role_arn("arn:aws-cn:iam::222222222222:role/a/b/C"));
        assert!(!is_role_arn("arn:aws:iam::2222:role/Deployer"));
        assert!(!is_role_arn("arn:aws:iam::222222222222:user/alice"));
        assert!(!is_role_arn("arn:aws:sts::222222222222:role/Deployer"));
        assert!(!is_role_arn("Deployer"));
    }
}
