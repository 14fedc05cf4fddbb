//! What credentials are asked for: [`RoleTarget`], a profile's role with its sign-in and
//! portal, and [`SessionTarget`], a sign-in and its portal without a role.

use aws_sso_device_auth::{NamedBy, SignInTarget};
use aws_sso_profile_config::{
    ClientEndpointConfig, Endpoint, Env, ProfileSet, Service, SsoSession,
};
use aws_sso_token_cache::{RoleKey, TokenKey};

use crate::error::{Error, ErrorKind};

/// A role to get credentials for, with everything resolved: the sign-in, the role, the
/// portal endpoint, the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleTarget {
    /// The profile.
    pub profile: String,
    /// Its sign-in (session, OIDC endpoint, flow), shared with `aws-sso-device-auth`.
    pub sign_in: SignInTarget,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// The profile's `region`.
    pub region: Option<String>,
    /// The portal endpoint.
    pub portal: Endpoint,
}

impl RoleTarget {
    /// Resolves `profile` in `set` with the endpoint overrides of `env`.
    ///
    /// # Errors
    /// The profile is missing or invalid, is not an SSO profile (a config error), or names no
    /// role.
    pub fn resolve(set: &ProfileSet, profile: &str, env: &dyn Env) -> Result<Self, Error> {
        let sso = set.require_sso_profile(profile)?;
        let (account, role) = sso.role().ok_or_else(|| ErrorKind::NoRole {
            profile: profile.to_owned(),
            start_url: sso.session.start_url.clone(),
        })?;
        let (account_id, role_name) = (account.to_owned(), role.to_owned());
        let SessionTarget { sign_in, portal } = SessionTarget::of(set, profile, sso.session, env);
        Ok(Self {
            profile: profile.to_owned(),
            account_id,
            role_name,
            region: sso.region,
            portal,
            sign_in,
        })
    }

    /// The role-credential cache key (the AWS CLI's file name).
    pub fn key(&self) -> RoleKey {
        let session = &self.sign_in.session;
        RoleKey::new(
            &self.account_id,
            &self.role_name,
            session.name.as_deref(),
            &session.start_url,
        )
    }

    /// The key of the sign-in's token.
    pub fn token_key(&self) -> TokenKey {
        self.sign_in.token_key()
    }

    /// The command that signs in for this profile.
    pub fn login_command(&self) -> String {
        self.sign_in.login_command()
    }

    pub(crate) fn needs_login(&self, why: String) -> Error {
        ErrorKind::NeedsLogin {
            what: format!("profile '{}'", self.profile),
            why,
            command: self.login_command(),
        }
        .into()
    }
}

/// A sign-in and its portal: what listing accounts and roles needs (no role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTarget {
    /// The sign-in.
    pub sign_in: SignInTarget,
    /// The portal endpoint.
    pub portal: Endpoint,
}

impl SessionTarget {
    /// The sign-in of `profile` (any SSO profile, with or without a role).
    ///
    /// # Errors
    /// The profile is missing, invalid, or not an SSO profile.
    pub fn for_profile(set: &ProfileSet, profile: &str, env: &dyn Env) -> Result<Self, Error> {
        let sso = set.require_sso_profile(profile)?;
        Ok(Self::of(set, profile, sso.session, env))
    }

    /// `profile`'s sign-in through `session`, with the endpoints `set` and `env` give it.
    pub(crate) fn of(set: &ProfileSet, profile: &str, session: SsoSession, env: &dyn Env) -> Self {
        let portal = set.endpoint(
            Some(profile),
            &Service::Sso,
            &session.region,
            env,
            ClientEndpointConfig::default(),
        );
        let sign_in = SignInTarget::resolve(
            NamedBy::Profile(profile.to_owned()),
            session,
            set,
            env,
            false,
        );
        Self { sign_in, portal }
    }

    /// The sign-in of `[sso-session name]`.
    ///
    /// # Errors
    /// There is no such session, or it is incomplete.
    pub fn for_session(set: &ProfileSet, name: &str, env: &dyn Env) -> Result<Self, Error> {
        let session = set.sso_session_named(name)?;
        let portal = set.endpoint(
            None,
            &Service::Sso,
            &session.region,
            env,
            ClientEndpointConfig::default(),
        );
        let sign_in = SignInTarget::resolve(
            NamedBy::SsoSession(name.to_owned()),
            session,
            set,
            env,
            false,
        );
        Ok(Self { sign_in, portal })
    }

    pub(crate) fn sign_in_needed(&self, why: String) -> Error {
        ErrorKind::NeedsLogin {
            what: self.sign_in.label(),
            why,
            command: self.sign_in.login_command(),
        }
        .into()
    }
}
