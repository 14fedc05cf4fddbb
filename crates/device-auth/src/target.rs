//! What a sign-in acts on: one [`SignInTarget`], resolved once from the config and the
//! environment, shared by this crate and `aws-sso-role-credentials`.

use std::fmt;

use aws_sso_http::Transport;
use aws_sso_profile_config::{
    ClientEndpointConfig, Endpoint, Env, ProfileSet, Service, SsoSession,
};
use aws_sso_token_cache::TokenKey;

/// Which interactive flow a login uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flow {
    /// Device code (legacy profiles, `--use-device-code`).
    DeviceCode,
    /// PKCE authorization code (the default for sso-session profiles, as the AWS CLI v2).
    AuthorizationCode,
}

impl Flow {
    /// The flow the AWS CLI v2 picks for `session`: device code for a legacy profile (which
    /// has no registration scopes to register a PKCE client with), else PKCE, unless the
    /// device code is asked for.
    pub fn for_session(session: &SsoSession, use_device_code: bool) -> Self {
        if use_device_code || session.is_legacy() {
            Self::DeviceCode
        } else {
            Self::AuthorizationCode
        }
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DeviceCode => "device-code",
            Self::AuthorizationCode => "authorization-code",
        })
    }
}

/// The command that signs in for profile `name`: `aws-sso-rs login --profile NAME`, or
/// `aws-sso-rs login` for the `AWS_SSO_*` variables' profile (which no flag names).
pub fn profile_login_command(name: &str) -> String {
    if name == aws_sso_profile_config::SSO_VARIABLES_PROFILE {
        "aws-sso-rs login".to_owned()
    } else {
        format!("aws-sso-rs login --profile {name}")
    }
}

/// How the user named the sign-in: by a profile, or by an `[sso-session]` directly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum NamedBy {
    /// `--profile NAME` (or `AWS_PROFILE`).
    Profile(String),
    /// `--sso-session NAME`.
    SsoSession(String),
}

/// One IAM Identity Center sign-in to act on: the session, its OIDC endpoint, the flow, and
/// how the user named it (for messages and the command that fixes things).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignInTarget {
    /// How the user named it.
    pub named_by: NamedBy,
    /// The sign-in.
    pub session: SsoSession,
    /// The OIDC endpoint, with where it came from.
    pub oidc: Endpoint,
    /// The interactive flow a login uses.
    pub flow: Flow,
    /// How calls reach AWS: CA bundle and proxies (see `aws_sso_http::Transport`).
    #[serde(skip)]
    pub transport: Transport,
}

impl SignInTarget {
    /// The target for `session`, named by `named_by`, with the OIDC endpoint resolved from
    /// `env` and the profile's settings (`profile` is `None` for a session named directly).
    pub fn resolve(
        named_by: NamedBy,
        session: SsoSession,
        set: &ProfileSet,
        env: &dyn Env,
        use_device_code: bool,
    ) -> Self {
        let profile = match &named_by {
            NamedBy::Profile(p) => Some(p.as_str()),
            NamedBy::SsoSession(_) => None,
        };
        let oidc = set.endpoint(
            profile,
            &Service::SsoOidc,
            &session.region,
            env,
            ClientEndpointConfig::default(),
        );
        Self {
            transport: Transport::for_profile(set, profile, env),
            named_by,
            flow: Flow::for_session(&session, use_device_code),
            session,
            oidc,
        }
    }

    /// `profile 'dev'` or `sso-session 'corp'`.
    pub fn label(&self) -> String {
        match &self.named_by {
            NamedBy::Profile(p) => format!("profile '{p}'"),
            NamedBy::SsoSession(s) => format!("sso-session '{s}'"),
        }
    }

    /// `profile 'dev' (sso-session 'corp', https://d-...awsapps.com/start)`: the label, and
    /// the session it shares with other profiles.
    pub fn described(&self) -> String {
        match (&self.named_by, &self.session.name) {
            (NamedBy::Profile(_), Some(session)) => format!(
                "{} (sso-session '{session}', {})",
                self.label(),
                self.session.start_url
            ),
            _ => format!("{} ({})", self.label(), self.session.start_url),
        }
    }

    /// The command that signs in to this target.
    pub fn login_command(&self) -> String {
        match &self.named_by {
            NamedBy::Profile(p) => profile_login_command(p),
            NamedBy::SsoSession(s) => format!("aws-sso-rs login --sso-session {s}"),
        }
    }

    /// The key of this sign-in's token file: the one way from a session to its cache key.
    pub fn token_key(&self) -> TokenKey {
        TokenKey::for_session(&self.session)
    }
}
