//! The use case of `aws-sso-rs status`: every IAM Identity Center sign-in of the config (and
//! every other token cached) with the state of its token, and the warnings a person should
//! see on the way (sections that cannot be read, damaged cache files).

use std::collections::HashSet;

use aws_sso_profile_config::{ProfileSet, SsoSession};
use aws_sso_token_cache::{ExpiryPolicy, TokenCache, TokenKey, TokenStatus};
use time::OffsetDateTime;

use crate::error::ErrorKind;

/// How a reported sign-in is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInKind {
    /// An `[sso-session]` of the config.
    SsoSession,
    /// The start URL of legacy profiles (`sso_start_url` in the profile).
    LegacySso,
    /// A cached token no section of the config signs in with.
    NotInConfig,
}

impl SignInKind {
    /// `sso-session`, `legacy-sso`, `not-in-config`.
    pub fn name(self) -> &'static str {
        match self {
            Self::SsoSession => "sso-session",
            Self::LegacySso => "legacy-sso",
            Self::NotInConfig => "not-in-config",
        }
    }
}

/// One sign-in and its token.
#[derive(Debug)]
pub struct SignInState {
    /// The sso-session's name; none for a legacy sign-in or a token not in the config.
    pub session: Option<String>,
    /// How it is known.
    pub kind: SignInKind,
    /// The start URL.
    pub start_url: String,
    /// The Identity Center region.
    pub region: String,
    /// Its token, as every command reports one.
    pub token: TokenStatus,
}

/// What [`sign_in_report`] found.
#[derive(Debug, Default)]
pub struct SignInReport {
    /// The config's sign-ins in file order, then the other cached tokens.
    pub sign_ins: Vec<SignInState>,
    /// Sentences for the person: sections that cannot be read, damaged cache files (each
    /// with the command that replaces it).
    pub warnings: Vec<String>,
    /// What the person should know of the storage (said as warnings too, but no failure).
    pub notes: Vec<StorageNote>,
}

/// Every sign-in of `set` and every other token of `cache`, with its state at `now`. A
/// storage that cannot be read (a locked keyring, a file that is not yours) leaves the
/// config's sign-ins [`TokenStatus::Unreadable`] and is said in the warnings.
pub fn sign_in_report(set: &ProfileSet, cache: &TokenCache, now: OffsetDateTime) -> SignInReport {
    let policy = ExpiryPolicy::default();
    let list = set.sessions();
    let mut report = SignInReport {
        warnings: list.problems.iter().map(ToString::to_string).collect(),
        ..SignInReport::default()
    };
    let mut seen = HashSet::new();
    let mut keyring_said = false;
    for configured in &list.sessions {
        let session = &configured.session;
        let key = TokenKey::for_session(session);
        seen.insert(cache.token_path(&key));
        let token = cache
            .token_status(&key, &policy, now)
            .unwrap_or_else(TokenStatus::Unreadable);
        match &token {
            TokenStatus::Damaged(e) => {
                let first = configured.profiles.first().map(|p| p.profile.as_str());
                report.warnings.push(damaged_token(session, first, e));
            }
            TokenStatus::Unreadable(e) => unreadable(&mut report.warnings, &mut keyring_said, e),
            _ => {}
        }
        report.sign_ins.push(SignInState {
            session: session.name.clone(),
            kind: if session.is_legacy() {
                SignInKind::LegacySso
            } else {
                SignInKind::SsoSession
            },
            start_url: session.start_url.clone(),
            region: session.region.clone(),
            token,
        });
    }
    // A storage that cannot be read (a locked keyring) is said once, and the sign-ins of
    // the config stay listed as unreadable.
    let listing = match cache.tokens() {
        Ok(listing) => listing,
        Err(e) => {
            unreadable(&mut report.warnings, &mut keyring_said, &e);
            aws_sso_token_cache::TokenListing::default()
        }
    };
    report.notes = storage_notes(cache, listing.missing.len());
    report.warnings.extend(
        listing
            .unreadable
            .iter()
            .filter(|b| !seen.contains(&b.path))
            .map(|b| b.error.to_string()),
    );
    for cached in listing
        .tokens
        .into_iter()
        .filter(|t| !seen.contains(&t.path))
    {
        let t = cached.token;
        report.sign_ins.push(SignInState {
            session: None,
            kind: SignInKind::NotInConfig,
            start_url: t.start_url.clone().unwrap_or_default(),
            region: t.region.clone().unwrap_or_default(),
            token: TokenStatus::Present {
                state: policy.token_state(&t, now),
                token: Box::new(t),
            },
        });
    }
    report
}

/// How a profile gets credentials, as `aws-sso-rs profiles` lists it.
#[derive(Debug)]
pub enum ProfileAccess {
    /// Through IAM Identity Center: its sign-in and role, and the state of its token.
    Sso {
        /// The profile's sign-in and role.
        profile: aws_sso_profile_config::SsoProfile,
        /// Its token, as every command reports one.
        token: TokenStatus,
    },
    /// A role assumed through `source_profile` (or on a web identity token): the chain, the
    /// role, and the sign-in at its bottom (when it stands on one) with its token.
    Chain {
        /// As people read it: `deploy-prod -> dev -> sso-session corp`.
        chain: String,
        /// The profile's own `role_arn`.
        role_arn: String,
        /// The IAM Identity Center profile at the bottom and its token.
        sso: Option<(aws_sso_profile_config::SsoProfile, TokenStatus)>,
    },
    /// Static keys or a `credential_process`: no sign-in or role to report.
    Other,
    /// A profile of `aws login` (`login_session`): a sign-in aws-sso-rs does not use.
    LoginSession {
        /// Its `login_session` (the IAM identity's ARN).
        session: String,
    },
    /// The profile cannot be used: why (with file and line).
    Invalid(String),
}

/// One profile of the config and credentials files.
#[derive(Debug)]
pub struct ProfileState {
    /// Its name.
    pub name: String,
    /// Its `region`.
    pub region: Option<String>,
    /// How it gets credentials.
    pub access: ProfileAccess,
}

/// What [`profile_report`] found.
#[derive(Debug, Default)]
pub struct ProfileReport {
    /// Every profile, in file order.
    pub profiles: Vec<ProfileState>,
    /// Sentences for the person, each once though several profiles share a broken session or
    /// a damaged token: lines read with a warning, invalid profiles, damaged cache files.
    pub warnings: Vec<String>,
}

/// Every profile of `set`, how it gets credentials and the state of its token at `now` (the
/// use case of `aws-sso-rs profiles`).
pub fn profile_report(set: &ProfileSet, cache: &TokenCache, now: OffsetDateTime) -> ProfileReport {
    let policy = ExpiryPolicy::default();
    let mut report = ProfileReport::default();
    let mut warnings: Vec<String> = set.warnings().iter().map(ToString::to_string).collect();
    let mut keyring_said = false;
    for section in set.profiles() {
        let access = match set.sso_profile(section.name()) {
            Ok(None) if set.role_link(section.name()).is_err() => {
                let e = set.role_link(section.name()).err().map(|e| e.to_string());
                let e = e.unwrap_or_default();
                warnings.push(e.clone());
                ProfileAccess::Invalid(e)
            }
            Ok(None) if matches!(set.role_link(section.name()), Ok(Some(_))) => {
                match set.credential_chain(section.name()) {
                    Ok(chain) => {
                        let sso = chain.sso().cloned().map(|profile| {
                            let token = cache
                                .token_status(
                                    &TokenKey::for_session(&profile.session),
                                    &policy,
                                    now,
                                )
                                .unwrap_or_else(TokenStatus::Unreadable);
                            (profile, token)
                        });
                        ProfileAccess::Chain {
                            chain: chain.describe(),
                            role_arn: chain
                                .links
                                .last()
                                .map(|l| l.role_arn.clone())
                                .unwrap_or_default(),
                            sso,
                        }
                    }
                    Err(e) => {
                        warnings.push(e.to_string());
                        ProfileAccess::Invalid(e.to_string())
                    }
                }
            }
            // Keys, a process, a web identity: the role of a web identity is shown as a chain's;
            // keys or a process that cannot give credentials (half a pair...) as invalid.
            Ok(None) => match set.credential_chain(section.name()) {
                Ok(chain) => match &chain.source {
                    aws_sso_profile_config::ChainSource::WebIdentity { role_arn, .. } => {
                        ProfileAccess::Chain {
                            chain: chain.describe(),
                            role_arn: role_arn.clone(),
                            sso: None,
                        }
                    }
                    _ => ProfileAccess::Other,
                },
                Err(e) => match e.kind() {
                    aws_sso_profile_config::ErrorKind::NoCredentials { .. } => ProfileAccess::Other,
                    aws_sso_profile_config::ErrorKind::LoginSession { session, .. } => {
                        ProfileAccess::LoginSession {
                            session: session.clone(),
                        }
                    }
                    _ => {
                        warnings.push(e.to_string());
                        ProfileAccess::Invalid(e.to_string())
                    }
                },
            },
            Err(e) => {
                warnings.push(e.to_string());
                ProfileAccess::Invalid(e.to_string())
            }
            Ok(Some(profile)) => {
                let token = cache
                    .token_status(&TokenKey::for_session(&profile.session), &policy, now)
                    .unwrap_or_else(TokenStatus::Unreadable);
                match &token {
                    TokenStatus::Damaged(e) => {
                        warnings.push(damaged_token(&profile.session, Some(&profile.profile), e));
                    }
                    TokenStatus::Unreadable(e) => unreadable(&mut warnings, &mut keyring_said, e),
                    _ => {}
                }
                ProfileAccess::Sso { profile, token }
            }
        };
        report.profiles.push(ProfileState {
            name: section.name().to_owned(),
            region: section.get("region").map(str::to_owned),
            access,
        });
    }
    // Keys that look misspelt, which every AWS tool ignores without a word.
    warnings.extend(set.misspelt_keys().iter().map(ToString::to_string));
    let missing = match cache.keyring() {
        Some(_) => cache.tokens().map_or(0, |listing| listing.missing.len()),
        None => 0,
    };
    warnings.extend(
        storage_notes(cache, missing)
            .iter()
            .map(ToString::to_string),
    );
    let mut seen = HashSet::new();
    report.warnings = warnings
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect();
    report
}

/// What a person should know of the storage, beside the sign-ins: not a failure of any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageNote {
    /// Entries of the token folder the keyring's index names that the keyring no longer
    /// holds (it was cleared or reset, or another keyring answers).
    Lost(usize),
    /// Entries still in the keyring while the storage is files (`storage = "file"` set by
    /// hand, not by `storage migrate`).
    LeftInKeyring(usize),
    /// How many entries the keyring still holds cannot be told (its index is damaged).
    Unknown(String),
}

impl std::fmt::Display for StorageNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        match self {
            Self::Lost(n) => write!(
                f,
                "{n} entr{} of the sign-in cache that aws-sso-rs stored in {} {} no longer there (the keyring was cleared or reset{}): sign in again; `aws-sso-rs logout` also drops {} from the index",
                plural(*n, "y", "ies"),
                aws_sso_token_cache::KEYRING_BACKEND,
                plural(*n, "is", "are"),
                if cfg!(all(unix, not(target_os = "macos"))) {
                    ", or DBUS_SESSION_BUS_ADDRESS points at another one"
                } else {
                    ""
                },
                plural(*n, "its name", "their names"),
            ),
            Self::LeftInKeyring(n) => write!(
                f,
                "{}; aws-sso-rs storage migrate --to file moves {} here",
                left_in_keyring(*n),
                plural(*n, "it", "them"),
            ),
            Self::Unknown(why) => f.write_str(why),
        }
    }
}

/// What a person should know of the storage: entries the keyring lost (`lost`, as a
/// listing found them), entries left in a keyring no longer in use.
fn storage_notes(cache: &TokenCache, lost: usize) -> Vec<StorageNote> {
    let mut notes = Vec::new();
    if lost > 0 {
        notes.push(StorageNote::Lost(lost));
    }
    match cache.left_in_keyring() {
        Ok(0) => {}
        Ok(left) => notes.push(StorageNote::LeftInKeyring(left)),
        Err(e) => notes.push(StorageNote::Unknown(e.to_string())),
    }
    notes
}

/// The sentence for `count` entries left in the keyring while the storage is files.
pub fn left_in_keyring(count: usize) -> String {
    format!(
        "{count} cache entr{} {} still in the OS keyring, {}, from when storage was \"keyring\": aws-sso-rs no longer reads {} (storage = \"file\")",
        if count == 1 { "y" } else { "ies" },
        if count == 1 { "is" } else { "are" },
        aws_sso_token_cache::KEYRING_BACKEND,
        if count == 1 { "it" } else { "them" },
    )
}

/// Says that the storage could not be read: once for a keyring (locked or unreachable, it
/// fails alike for every item), once a file for files.
/// `keyring_said` remembers whether a keyring's was said.
fn unreadable(
    warnings: &mut Vec<String>,
    keyring_said: &mut bool,
    error: &aws_sso_token_cache::Error,
) {
    let keyring = matches!(error.kind(), aws_sso_token_cache::ErrorKind::Keyring { .. });
    if !(keyring && *keyring_said) {
        warnings.push(error.to_string());
    }
    *keyring_said |= keyring;
}

/// The warning for a damaged token file of `session`, with the command that replaces it
/// (`profile` names a legacy profile's sign-in, which has no session name).
pub fn damaged_token(
    session: &SsoSession,
    profile: Option<&str>,
    error: &aws_sso_token_cache::Error,
) -> String {
    let command = match (&session.name, profile) {
        (Some(name), _) => format!("aws-sso-rs login --sso-session {name}"),
        (None, Some(p)) => aws_sso_device_auth::profile_login_command(p),
        (None, None) => "aws-sso-rs login".to_owned(),
    };
    match error.kind() {
        aws_sso_token_cache::ErrorKind::Corrupt { path, reason } => ErrorKind::DamagedToken {
            what: session.label(),
            path: path.clone(),
            reason: reason.clone(),
            command,
        }
        .to_string(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sso_token_cache::{Secret, SsoToken};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2030-01-01 9:00 UTC);

    #[test]
    fn each_sign_in_of_the_config_then_the_other_tokens_with_warnings() {
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        let set = ProfileSet::parse(
            Some(aws_sso_profile_config::Source {
                path: std::path::Path::new("config"),
                text: "[profile legacy]\nsso_start_url = https://d-2.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n",
            }),
            None,
        )
        .expect("config");
        cache
            .store_token(
                &TokenKey::new("corp"),
                &SsoToken::new(Secret::new("aoa"), NOW + time::Duration::hours(1)),
            )
            .expect("store");
        std::fs::write(
            cache.token_path(&TokenKey::new("https://d-2.awsapps.com/start")),
            "not json",
        )
        .expect("write");
        let mut other = SsoToken::new(Secret::new("other"), NOW - time::Duration::hours(1));
        other.start_url = Some("https://d-9.awsapps.com/start".into());
        cache
            .store_token(&TokenKey::new("elsewhere"), &other)
            .expect("store");

        let report = sign_in_report(&set, &cache, NOW);
        let rows: Vec<(Option<&str>, &str, &str)> = report
            .sign_ins
            .iter()
            .map(|s| (s.session.as_deref(), s.kind.name(), s.token.name()))
            .collect();
        assert_eq!(
            rows,
            [
                (Some("corp"), "sso-session", "valid"),
                (None, "legacy-sso", "damaged"),
                (None, "not-in-config", "expired"),
            ]
        );
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(
            report.warnings[0].contains("aws-sso-rs login --profile legacy"),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn every_profile_with_how_it_gets_credentials_and_each_warning_once() {
        let home = tempfile::tempdir().expect("home");
        let cache = TokenCache::new(home.path());
        let set = ProfileSet::parse_lenient(
            Some(aws_sso_profile_config::Source {
                path: std::path::Path::new("config"),
                text: "[profile a]\nsso_session = corp\nsso_account_id = 123456789011\nsso_role_name = R\nregion = eu-west-1\n\n[profile b]\nsso_session = corp\nsso_account_id = 123456789011\nsso_role_name = S\n\n[profile keys]\nregion = us-east-1\n\n[profile broken]\nsso_session = nowhere\n\n[profile up]\nrole_arn = arn:aws:iam::222222222222:role/Up\nsource_profile = a\n\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n",
            }),
            None,
        );
        std::fs::create_dir_all(cache.sso_dir()).expect("mkdir");
        std::fs::write(cache.token_path(&TokenKey::new("corp")), "{").expect("write");
        let report = profile_report(&set, &cache, NOW);
        let kinds: Vec<(&str, &str)> = report
            .profiles
            .iter()
            .map(|p| {
                let kind = match &p.access {
                    ProfileAccess::Sso { token, .. } => token.name(),
                    ProfileAccess::Chain { .. } => "chain",
                    ProfileAccess::Other => "other",
                    ProfileAccess::LoginSession { .. } => "login-session",
                    ProfileAccess::Invalid(_) => "invalid",
                };
                (p.name.as_str(), kind)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("a", "damaged"),
                ("b", "damaged"),
                ("keys", "other"),
                ("broken", "invalid"),
                ("up", "chain")
            ]
        );
        assert_eq!(report.profiles[0].region.as_deref(), Some("eu-west-1"));
        // The damaged file is named once, though two profiles share it.
        assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
        assert!(
            report.warnings[0].contains("damaged"),
            "{:?}",
            report.warnings
        );
        assert!(
            report.warnings[1].contains("nowhere"),
            "{:?}",
            report.warnings
        );
    }
}
