//! Sign-in with no config at all: `AWS_SSO_START_URL`, `AWS_SSO_REGION`,
//! `AWS_SSO_ACCOUNT_ID` and `AWS_SSO_ROLE_NAME`, for CI images and throwaway containers.
//!
//! These variables are aws-sso-rs's own (the names proposed to botocore; neither the AWS CLI
//! nor the AWS SDKs read them). When one of them is set and nothing names a profile
//! (`--profile`, `AWS_SSO_RS_PROFILE` inside `exec`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`),
//! they are the profile: a legacy
//! IAM Identity Center profile named [`SSO_VARIABLES_PROFILE`], whose token is cached under
//! the start URL as the AWS CLI caches a legacy profile's, and whose role credentials are
//! cached as the AWS CLI caches them. A profile that is named wins.

use std::path::Path;
use std::sync::Arc;

use crate::env::{Env, vars};
use crate::error::{Error, ErrorKind};
use crate::profile::{Location, ProfileSet};
use crate::sso::{SsoSession, is_account_id, is_role_name, is_start_url, reads_as_region};

/// The four variables.
const VARIABLES: [&str; 4] = [
    vars::AWS_SSO_START_URL,
    vars::AWS_SSO_REGION,
    vars::AWS_SSO_ACCOUNT_ID,
    vars::AWS_SSO_ROLE_NAME,
];

/// The name the `AWS_SSO_*` variables' profile goes by. It cannot be a profile of a config
/// file (`*` is not allowed in a profile name), so it never hides one.
pub const SSO_VARIABLES_PROFILE: &str = "AWS_SSO_*";

/// A sign-in (and maybe a role) the `AWS_SSO_*` variables describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoVariables {
    /// `AWS_SSO_START_URL` and `AWS_SSO_REGION`, as a legacy profile's sign-in (no name).
    pub session: SsoSession,
    /// `AWS_SSO_ACCOUNT_ID`.
    pub account_id: Option<String>,
    /// `AWS_SSO_ROLE_NAME`.
    pub role_name: Option<String>,
    /// The profile's `region` (what `exec` and `export` give programs): `AWS_REGION`, else
    /// `AWS_DEFAULT_REGION`, else `AWS_SSO_REGION`, as `aws configure sso` offers the IAM
    /// Identity Center region for a profile's own.
    pub region: String,
}

impl SsoVariables {
    /// Whether any of the four variables is set (not empty): they are meant to be the profile.
    pub fn any_set(env: &dyn Env) -> bool {
        VARIABLES.iter().any(|v| env.non_empty(v).is_some())
    }

    /// The variables of `env`: `Ok(None)` when none of the four is set (or all are empty).
    ///
    /// # Errors
    /// `AWS_SSO_START_URL` or `AWS_SSO_REGION` is unset while another is set, only one of
    /// `AWS_SSO_ACCOUNT_ID` and `AWS_SSO_ROLE_NAME` is set ([`ErrorKind::MissingVariables`]),
    /// or a value is malformed ([`ErrorKind::InvalidVariable`]).
    pub fn from_env(env: &dyn Env) -> Result<Option<Self>, Error> {
        if !Self::any_set(env) {
            return Ok(None);
        }
        let Some(start_url) = env.non_empty(vars::AWS_SSO_START_URL) else {
            return Err(ErrorKind::MissingVariables {
                missing: vec![vars::AWS_SSO_START_URL],
                need: "set it to the AWS access portal's address (https://d-….awsapps.com/start), or unset the other AWS_SSO_* variables to use a profile of the config",
            }
            .into());
        };
        check(
            vars::AWS_SSO_START_URL,
            &start_url,
            is_start_url,
            "the start URL is the https:// address of the AWS access portal, e.g. https://d-1234567890.awsapps.com/start",
        )?;
        let Some(region) = env.non_empty(vars::AWS_SSO_REGION) else {
            return Err(ErrorKind::MissingVariables {
                missing: vec![vars::AWS_SSO_REGION],
                need: "set it to the region of IAM Identity Center, e.g. us-east-1",
            }
            .into());
        };
        check(
            vars::AWS_SSO_REGION,
            &region,
            reads_as_region,
            "a region name is letters, digits and dashes, e.g. eu-west-1",
        )?;
        let account_id = env.non_empty(vars::AWS_SSO_ACCOUNT_ID);
        let role_name = env.non_empty(vars::AWS_SSO_ROLE_NAME);
        match (&account_id, &role_name) {
            (Some(_), None) => return Err(half_a_role(vars::AWS_SSO_ROLE_NAME)),
            (None, Some(_)) => return Err(half_a_role(vars::AWS_SSO_ACCOUNT_ID)),
            _ => {}
        }
        if let Some(id) = &account_id {
            check(
                vars::AWS_SSO_ACCOUNT_ID,
                id,
                is_account_id,
                "an AWS account id is 12 digits",
            )?;
        }
        if let Some(role) = &role_name {
            check(
                vars::AWS_SSO_ROLE_NAME,
                role,
                is_role_name,
                "a role name is 1 to 64 letters, digits and + = , . @ _ -",
            )?;
        }
        let profile_region = env
            .non_empty(vars::AWS_REGION)
            .or_else(|| env.non_empty(vars::AWS_DEFAULT_REGION))
            .unwrap_or_else(|| region.to_ascii_lowercase());
        Ok(Some(Self {
            session: SsoSession {
                name: None,
                start_url,
                region,
                registration_scopes: Vec::new(),
            },
            account_id,
            role_name,
            region: profile_region,
        }))
    }

    /// Whether they name a role (`AWS_SSO_ACCOUNT_ID` and `AWS_SSO_ROLE_NAME`).
    pub fn has_role(&self) -> bool {
        self.account_id.is_some() && self.role_name.is_some()
    }

    /// That they name a role, which every command but `login` needs.
    ///
    /// # Errors
    /// [`ErrorKind::MissingVariables`] naming the two.
    pub fn require_role(&self) -> Result<(), Error> {
        if self.has_role() {
            return Ok(());
        }
        Err(ErrorKind::MissingVariables {
            missing: vec![vars::AWS_SSO_ACCOUNT_ID, vars::AWS_SSO_ROLE_NAME],
            need: "this command needs a role: set them to the account and role to use \
                   (`aws-sso-rs list` shows them)",
        }
        .into())
    }
}

impl ProfileSet {
    /// Adds the profile the `AWS_SSO_*` variables describe, as [`SSO_VARIABLES_PROFILE`],
    /// so every reading of a profile works on it; each of its settings is located at its
    /// variable (a [`Location`] of line 0).
    pub fn add_sso_variables(&mut self, variables: &SsoVariables) {
        let at = |variable: &str| Location {
            path: Arc::from(Path::new(variable)),
            line: 0,
        };
        let mut settings = vec![
            (
                "sso_start_url",
                variables.session.start_url.as_str(),
                vars::AWS_SSO_START_URL,
            ),
            (
                "sso_region",
                variables.session.region.as_str(),
                vars::AWS_SSO_REGION,
            ),
            ("region", variables.region.as_str(), vars::AWS_SSO_REGION),
        ];
        if let (Some(account), Some(role)) = (&variables.account_id, &variables.role_name) {
            settings.push(("sso_account_id", account, vars::AWS_SSO_ACCOUNT_ID));
            settings.push(("sso_role_name", role, vars::AWS_SSO_ROLE_NAME));
        }
        self.add_profile(
            SSO_VARIABLES_PROFILE,
            at("the AWS_SSO_* variables"),
            settings
                .into_iter()
                .map(|(key, value, variable)| (key, value, at(variable))),
        );
    }
}

fn half_a_role(missing: &'static str) -> Error {
    ErrorKind::MissingVariables {
        missing: vec![missing],
        need: "set both AWS_SSO_ACCOUNT_ID and AWS_SSO_ROLE_NAME to the account and role to \
               use (`aws-sso-rs list` shows them), or neither to only sign in",
    }
    .into()
}

fn check(
    variable: &'static str,
    value: &str,
    valid: fn(&str) -> bool,
    reason: &'static str,
) -> Result<(), Error> {
    if valid(value) {
        return Ok(());
    }
    Err(ErrorKind::InvalidVariable {
        variable,
        value: value.to_owned(),
        reason,
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    fn env(pairs: &[(&str, &str)]) -> MapEnv {
        pairs
            .iter()
            .fold(MapEnv::new(), |env, (name, value)| env.with(*name, *value))
    }

    const URL: &str = "https://d-1234567890.awsapps.com/start";

    #[test]
    fn the_variables_are_a_legacy_profile_in_the_set() {
        assert_eq!(SsoVariables::from_env(&env(&[])).expect("none"), None);
        let all = env(&[
            ("AWS_SSO_START_URL", URL),
            ("AWS_SSO_REGION", "eu-west-1"),
            ("AWS_SSO_ACCOUNT_ID", "123456789012"),
            ("AWS_SSO_ROLE_NAME", "ReadOnly"),
        ]);
        let variables = SsoVariables::from_env(&all).expect("valid").expect("set");
        let mut set = ProfileSet::default();
        set.add_sso_variables(&variables);
        let sso = set
            .require_sso_profile(SSO_VARIABLES_PROFILE)
            .expect("a profile");
        assert_eq!(sso.session, variables.session);
        assert!(
            sso.session.is_legacy(),
            "its token is cached as a legacy profile's"
        );
        assert_eq!(sso.account_id.as_deref(), Some("123456789012"));
        assert_eq!(sso.role_name.as_deref(), Some("ReadOnly"));
        let at = set
            .profile(SSO_VARIABLES_PROFILE)
            .and_then(|p| p.property("sso_role_name"))
            .map(|p| p.location().to_string());
        assert_eq!(at.as_deref(), Some("AWS_SSO_ROLE_NAME"));
    }

    #[test]
    fn each_mistake_names_its_variable() {
        let cases: [(&[(&str, &str)], &str); 5] = [
            (
                &[("AWS_SSO_START_URL", URL)],
                "but AWS_SSO_REGION is not set: set it to the region of IAM Identity Center",
            ),
            (
                &[
                    ("AWS_SSO_START_URL", "http://x"),
                    ("AWS_SSO_REGION", "eu-west-1"),
                ],
                "AWS_SSO_START_URL = \"http://x\" is not valid",
            ),
            (
                &[("AWS_SSO_START_URL", URL), ("AWS_SSO_REGION", "eu west")],
                "AWS_SSO_REGION = \"eu west\" is not valid",
            ),
            (
                &[
                    ("AWS_SSO_START_URL", URL),
                    ("AWS_SSO_REGION", "eu-west-1"),
                    ("AWS_SSO_ACCOUNT_ID", "123456789012"),
                ],
                "but AWS_SSO_ROLE_NAME is not set",
            ),
            (
                &[
                    ("AWS_SSO_START_URL", URL),
                    ("AWS_SSO_REGION", "eu-west-1"),
                    ("AWS_SSO_ACCOUNT_ID", "1234"),
                    ("AWS_SSO_ROLE_NAME", "R"),
                ],
                "AWS_SSO_ACCOUNT_ID = \"1234\" is not valid: an AWS account id is 12 digits",
            ),
        ];
        for (pairs, said) in cases {
            let error = SsoVariables::from_env(&env(pairs)).expect_err("refused");
            assert!(error.to_string().contains(said), "{error}");
        }
        let sign_in_only = SsoVariables::from_env(&env(&[
            ("AWS_SSO_START_URL", URL),
            ("AWS_SSO_REGION", "eu-west-1"),
        ]))
        .expect("enough to sign in")
        .expect("set");
        let error = sign_in_only.require_role().expect_err("no role");
        assert!(
            error
                .to_string()
                .contains("but AWS_SSO_ACCOUNT_ID, AWS_SSO_ROLE_NAME are not set"),
            "{error}"
        );
    }
}
