//! The active profile, for shell prompts: which profile the shell is using
//! (`AWS_SSO_RS_PROFILE`, set by `aws-sso-rs exec`, else `AWS_PROFILE`) and how long its
//! sign-in (or, inside `exec`, its exported credentials) lasts. Reads the environment, the
//! config, the sign-in's cache file and the record of a refused sign-in; never the network.

use aws_sso_profile_config::{Env, FileLocations, ProfileSet, closest_name, env::vars};
use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey, TokenStatus, timestamp};
use time::{Duration, OffsetDateTime};

/// Where the active profile's name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActiveSource {
    /// `AWS_SSO_RS_PROFILE`: inside `aws-sso-rs exec`.
    Exec,
    /// `AWS_PROFILE`.
    AwsProfile,
}

/// How long the active profile's access lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lasting {
    /// Usable for this long.
    For(Duration),
    /// Expired, but a refresh token renews it on the next use.
    Renewable,
    /// Expired: sign in again.
    Expired,
    /// No sign-in cached.
    SignedOut,
    /// The service refused the cached sign-in (revoked on the server): sign in again.
    Refused,
    /// No IAM Identity Center sign-in behind it (static keys, a `credential_process`, a role
    /// assumed on either...).
    NotSso,
    /// Its settings are wrong (a `source_profile` cycle or missing source, a `role_arn` that
    /// is not one...): `aws-sso-rs profiles` names the line.
    Invalid,
    /// No such profile in the config files.
    NoSuchProfile {
        /// The profile name closest to it, when one is close enough to be a typo of it.
        closest: Option<String>,
    },
    /// The config or the cache cannot say (they do not parse, a damaged token file).
    Unknown,
}

impl Lasting {
    /// `valid`, `renewable`, `expired`, `signed-out`, `refused`, `not-sso`, `invalid`,
    /// `no-such-profile`, `unknown`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::For(_) => "valid",
            Self::Renewable => "renewable",
            Self::Expired => "expired",
            Self::SignedOut => "signed-out",
            Self::Refused => "refused",
            Self::NotSso => "not-sso",
            Self::Invalid => "invalid",
            Self::NoSuchProfile { .. } => "no-such-profile",
            Self::Unknown => "unknown",
        }
    }
}

/// The active profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveProfile {
    /// Its name.
    pub profile: String,
    /// Where the name came from.
    pub source: ActiveSource,
    /// The account: `sso_account_id`, or that of the role it assumes (`role_arn`).
    pub account_id: Option<String>,
    /// The role: `sso_role_name`, or the name in the `role_arn` it assumes.
    pub role_name: Option<String>,
    /// The sso-session's name, when it has one.
    pub session: Option<String>,
    /// The profile's `region`.
    pub region: Option<String>,
    /// How long it lasts.
    pub lasting: Lasting,
    /// Whether the sign-in can be renewed without a browser (a valid refresh token).
    pub refreshable: bool,
    /// Whether the time shown is a cached role's that is assumed again from the sign-in,
    /// without a browser, when it ends (a chain whose role ends before its sign-in): nothing
    /// to warn of.
    pub renewed_from_sign_in: bool,
    /// The command that signs in again; empty for a profile with no IAM Identity Center
    /// sign-in behind it.
    pub login_command: String,
}

impl ActiveProfile {
    /// What a person should be told at the prompt, if anything: a sign-in that ends within
    /// the refresh window and cannot be renewed without a browser (inside `aws-sso-rs exec`,
    /// whose keys are fixed, any that ends soon), one that has expired, or one the service
    /// refused; each with what to do.
    pub fn warning(&self) -> Option<String> {
        let window = ExpiryPolicy::default().token_refresh_window;
        let inside_exec = self.source == ActiveSource::Exec;
        let left = match &self.lasting {
            Lasting::For(left)
                if *left < window
                    && (inside_exec || !(self.refreshable || self.renewed_from_sign_in)) =>
            {
                format!("has {} left", timestamp::human_duration(*left))
            }
            Lasting::Expired => "has expired".to_owned(),
            Lasting::Refused if !inside_exec => {
                return Some(format!(
                    "aws-sso-rs: IAM Identity Center refused the sign-in of profile '{}' (ended or revoked on the server); run: {}",
                    self.profile, self.login_command
                ));
            }
            _ => return None,
        };
        Some(if inside_exec {
            format!(
                "aws-sso-rs: the credentials of profile '{}' in this shell {left}; exit this `aws-sso-rs exec` shell and start a new one",
                self.profile
            )
        } else {
            format!(
                "aws-sso-rs: the sign-in of profile '{}' {left} and cannot be renewed without a browser; run: {}",
                self.profile, self.login_command
            )
        })
    }
}

/// The active profile of `env`; `None` when neither variable is set.
pub fn active_profile(
    env: &dyn Env,
    locations: &FileLocations,
    cache: &TokenCache,
    now: OffsetDateTime,
) -> Option<ActiveProfile> {
    let (profile, source) = match env.non_empty(vars::AWS_SSO_RS_PROFILE) {
        Some(p) => (p, ActiveSource::Exec),
        None => (env.non_empty(vars::AWS_PROFILE)?, ActiveSource::AwsProfile),
    };
    let mut active = ActiveProfile {
        login_command: aws_sso_device_auth::profile_login_command(&profile),
        profile,
        source,
        account_id: None,
        role_name: None,
        session: None,
        region: None,
        lasting: Lasting::Unknown,
        refreshable: false,
        renewed_from_sign_in: false,
    };
    let Ok(mut set) = ProfileSet::load_profile(locations, &active.profile) else {
        return Some(active);
    };
    if active.profile == aws_sso_profile_config::SSO_VARIABLES_PROFILE
        && let Ok(Some(variables)) = aws_sso_profile_config::SsoVariables::from_env(env)
        && variables.has_role()
    {
        set.add_sso_variables(&variables);
    }
    if set.profile(&active.profile).is_none() {
        // Rare: only now is every profile read, to suggest the one meant.
        let closest = ProfileSet::load(locations).ok().and_then(|all| {
            closest_name(all.profiles().map(|p| p.name()), &active.profile).map(str::to_owned)
        });
        active.login_command.clear();
        active.lasting = Lasting::NoSuchProfile { closest };
        return Some(active);
    }
    // Inside `exec`, the keys it exported are what runs out.
    let exported = (source == ActiveSource::Exec)
        .then(|| env.non_empty(vars::AWS_CREDENTIAL_EXPIRATION))
        .flatten()
        .and_then(|t| timestamp::parse(&t));
    // With no sign-in behind the profile: no command to offer, and the exported keys' time,
    // if any.
    let without_sign_in = |mut active: ActiveProfile| {
        active.login_command.clear();
        active.lasting = match exported {
            Some(until) if until > now => Lasting::For(until - now),
            Some(_) => Lasting::Expired,
            None => Lasting::NotSso,
        };
        Some(active)
    };
    let invalid = |mut active: ActiveProfile| {
        active.login_command.clear();
        active.lasting = Lasting::Invalid;
        Some(active)
    };
    let own_region = set
        .profile(&active.profile)
        .and_then(|p| p.get("region"))
        .map(str::to_owned);
    // A role assumed through `source_profile`: the sign-in at the bottom of its chain (every
    // profile read, for the chain), and its own cached role.
    let mut assumed = None;
    let sso = match set.sso_profile(&active.profile) {
        Ok(Some(sso)) => sso,
        Ok(None) => match set.role_link(&active.profile) {
            Ok(Some(link)) => {
                let chain = match ProfileSet::load(locations) {
                    Ok(all) => match all.credential_chain(&active.profile) {
                        Ok(chain) => chain,
                        Err(_) => return invalid(active),
                    },
                    Err(_) => return Some(active),
                };
                let arn = &link.role_arn;
                active.account_id = arn.split(':').nth(4).map(str::to_owned);
                active.role_name = arn.rsplit('/').next().map(str::to_owned);
                active.region = own_region.clone();
                let Some(sso) = chain.sso().cloned() else {
                    // A role assumed on keys, a process or a web identity: its account, role
                    // and region, and no sign-in to run.
                    return without_sign_in(active);
                };
                assumed = cache
                    .load_assumed_role(&crate::chain::link_key(&link))
                    .ok()
                    .flatten()
                    .and_then(|c| c.expiration);
                active.session = sso.session.name.clone();
                sso
            }
            Ok(None) => {
                // Keys, a process or a web identity: its region (and a web identity's
                // account and role).
                let profile = set.profile(&active.profile);
                if let Some(arn) = profile
                    .filter(|p| p.get("web_identity_token_file").is_some())
                    .and_then(|p| p.get("role_arn"))
                {
                    active.account_id = arn.split(':').nth(4).map(str::to_owned);
                    active.role_name = arn.rsplit('/').next().map(str::to_owned);
                }
                active.region = own_region;
                // Half a pair of keys is wrong; a profile of settings alone (a region) is not,
                // nor one of `aws login` (the AWS CLI signs it in).
                if set.credential_chain(&active.profile).is_err_and(|e| {
                    !matches!(
                        e.kind(),
                        aws_sso_profile_config::ErrorKind::NoCredentials { .. }
                            | aws_sso_profile_config::ErrorKind::LoginSession { .. }
                    )
                }) {
                    return invalid(active);
                }
                return without_sign_in(active);
            }
            Err(_) => return invalid(active),
        },
        Err(_) => return invalid(active),
    };
    if assumed.is_none() && active.account_id.is_none() {
        active.account_id = sso.account_id.clone();
        active.role_name = sso.role_name.clone();
        active.region = sso.region.clone();
        active.session = sso.session.name.clone();
        if let Some(name) = &sso.session.name {
            active.login_command = format!("aws-sso-rs login --sso-session {name}");
        }
    }
    let status = cache.token_status(
        &TokenKey::for_session(&sso.session),
        &ExpiryPolicy::default(),
        now,
    );
    active.refreshable = status.as_ref().is_ok_and(|s| s.refreshable(now));
    active.lasting = match (exported, &status) {
        (Some(until), _) if until > now => Lasting::For(until - now),
        (Some(_), _) => Lasting::Expired,
        (None, Ok(TokenStatus::Missing)) => Lasting::SignedOut,
        (None, Ok(TokenStatus::Refused { .. })) => Lasting::Refused,
        (None, Ok(TokenStatus::Present { state, .. })) => match state.remaining() {
            // A chain lasts as long as its sign-in, or its cached role when that ends first.
            Some(left) => match assumed.map(|until| until - now) {
                // The role is assumed again from the sign-in, no browser needed: nothing to
                // warn of while the sign-in lasts.
                Some(role_left)
                    if role_left > time::Duration::ZERO
                        && role_left < left
                        // A sign-in that itself ends soon for good is what to show and warn of.
                        && (active.refreshable
                            || left >= ExpiryPolicy::default().token_refresh_window) =>
                {
                    active.renewed_from_sign_in = true;
                    Lasting::For(role_left)
                }
                _ => Lasting::For(left),
            },
            None if active.refreshable => Lasting::Renewable,
            None => Lasting::Expired,
        },
        (None, _) => Lasting::Unknown,
    };
    Some(active)
}
