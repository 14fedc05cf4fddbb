//! Writing one IAM Identity Center profile and its `[sso-session]`, as `aws configure sso`
//! does, through the lossless editor: existing sections are updated key by key (comments and
//! order kept), missing ones appended.

use crate::edit::{ConfigDocument, NewSection, SectionRef};
use crate::error::{Error, ErrorKind};
use crate::profile::ProfileSet;
use crate::sso::{SsoSession, is_region};

/// A start URL `configure sso` accepts: `https://` and something after it.
///
/// # Errors
/// A sentence saying what a start URL looks like.
pub fn check_start_url(url: &str) -> Result<(), String> {
    if url.starts_with("https://") && url.len() > "https://".len() {
        Ok(())
    } else {
        Err(
            "the start URL must begin with https:// (as https://d-XXXXXXXXXX.awsapps.com/start)"
                .into(),
        )
    }
}

/// A region name (see [`is_region`]).
///
/// # Errors
/// A sentence saying what a region name looks like.
pub fn check_region(region: &str) -> Result<(), String> {
    if is_region(region) {
        Ok(())
    } else {
        Err("not a region name (lower-case letters, digits and dashes, as eu-west-1)".into())
    }
}

/// A profile or `[sso-session]` name `configure sso` writes: letters, digits and
/// `- / . % @ _ : +`, as the AWS CLI accepts.
///
/// # Errors
/// A sentence naming the characters allowed.
pub fn check_section_name(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '%' | '@' | '_' | ':' | '+')
        })
    {
        Ok(())
    } else {
        Err("names may hold only letters, digits and - / . % @ _ : +".into())
    }
}

/// An `[sso-session]` that writing a new version of it would change: what it was, and how
/// many profiles sign in through it (`configure sso` asks before changing it under them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionChange {
    /// The session as the config has it.
    pub old: SsoSession,
    /// As it would become.
    pub new: SsoSession,
    /// The profiles that use it.
    pub profiles: usize,
}

impl SessionChange {
    /// The change in one sentence, naming the config file at `path`.
    pub fn describe(&self, path: &std::path::Path) -> String {
        format!(
            "[sso-session {}] in {} has start URL {}, region {} and scopes {}; this would change it to {}, {} and {} for its {} profile(s)",
            self.new.name.as_deref().unwrap_or_default(),
            path.display(),
            self.old.start_url,
            self.old.region,
            self.old.registration_scopes.join(","),
            self.new.start_url,
            self.new.region,
            self.new.registration_scopes.join(","),
            self.profiles,
        )
    }
}

impl ProfileSet {
    /// What writing `new` (a named session) would change of the session of that name, or
    /// `None` when there is none or it stays as it is.
    pub fn session_change(&self, new: &SsoSession) -> Option<SessionChange> {
        let old = self.sso_session_named(new.name.as_deref()?).ok()?;
        if old.start_url == new.start_url
            && old.region == new.region
            && old.registration_scopes == new.registration_scopes
        {
            return None;
        }
        let profiles = self
            .sessions()
            .find(old.cache_key_source())
            .map_or(0, |c| c.profiles.len());
        Some(SessionChange {
            old,
            new: new.clone(),
            profiles,
        })
    }
}

/// The profile to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsoProfileSpec<'a> {
    /// The profile name.
    pub profile: &'a str,
    /// Its session (must have a name).
    pub session: &'a SsoSession,
    /// `sso_account_id`.
    pub account_id: &'a str,
    /// `sso_role_name`.
    pub role_name: &'a str,
    /// `region`, if any.
    pub region: Option<&'a str>,
    /// `output`, if any.
    pub output: Option<&'a str>,
}

/// What [`write_sso_profile`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenProfile {
    /// The `[sso-session]` was added.
    pub session_added: bool,
    /// The `[sso-session]` was there and some of its keys were changed.
    pub session_updated: bool,
    /// The profile was there and was updated (else added).
    pub profile_updated: bool,
}

/// Writes `spec` into `doc` (a config file).
///
/// # Errors
/// [`ErrorKind::InvalidEdit`]: the session has no name, or a name or value cannot be written.
pub fn write_sso_profile(
    doc: &mut ConfigDocument,
    spec: &SsoProfileSpec<'_>,
) -> Result<WrittenProfile, Error> {
    let Some(session) = spec.session.name.as_deref() else {
        return Err(ErrorKind::InvalidEdit {
            what: "sso-session",
            value: spec.session.start_url.clone(),
            reason: "a configured profile signs in through a named [sso-session]",
        }
        .into());
    };
    let set = doc.profile_set()?;
    let scopes = spec.session.registration_scopes.join(",");
    let mut session_keys = vec![
        ("sso_start_url", spec.session.start_url.as_str()),
        ("sso_region", spec.session.region.as_str()),
    ];
    if !scopes.is_empty() {
        session_keys.push(("sso_registration_scopes", scopes.as_str()));
    }
    let mut profile_keys = vec![
        ("sso_session", session),
        ("sso_account_id", spec.account_id),
        ("sso_role_name", spec.role_name),
    ];
    if let Some(region) = spec.region {
        profile_keys.push(("region", region));
    }
    if let Some(output) = spec.output {
        profile_keys.push(("output", output));
    }
    let mut next = doc.clone();
    let session_added = set.sso_session(session).is_none();
    let mut session_updated = false;
    let profile_updated = set.profile(spec.profile).is_some();
    let mut new = Vec::new();
    if session_added {
        new.push(NewSection {
            section: SectionRef::SsoSession(session),
            comment: None,
            properties: session_keys.clone(),
        });
    } else {
        for (key, value) in &session_keys {
            if set.sso_session(session).and_then(|s| s.get(key)) != Some(*value) {
                next.set(SectionRef::SsoSession(session), key, value)?;
                session_updated = true;
            }
        }
    }
    if profile_updated {
        let current = set.profile(spec.profile);
        for (key, value) in &profile_keys {
            if current.and_then(|p| p.get(key)) != Some(*value) {
                next.set(SectionRef::Profile(spec.profile), key, value)?;
            }
        }
        // The legacy form's keys would contradict the session's.
        for key in ["sso_start_url", "sso_region"] {
            next.remove_key(SectionRef::Profile(spec.profile), key);
        }
    } else {
        new.insert(
            0,
            NewSection {
                section: SectionRef::Profile(spec.profile),
                comment: None,
                properties: profile_keys,
            },
        );
    }
    next.append_sections(&new)?;
    *doc = next;
    Ok(WrittenProfile {
        session_added,
        session_updated,
        profile_updated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::FileKind;

    fn session() -> SsoSession {
        SsoSession {
            name: Some("corp".into()),
            start_url: "https://d-1.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            registration_scopes: vec!["sso:account:access".into()],
        }
    }

    #[test]
    fn appends_profile_and_session_then_updates_in_place() {
        let users = "# mine\n[profile other]\nregion = us-east-1\n";
        let mut doc = ConfigDocument::parse(users, FileKind::Config, "config").expect("doc");
        let s = session();
        let spec = SsoProfileSpec {
            profile: "dev",
            session: &s,
            account_id: "111122223333",
            role_name: "ReadOnly",
            region: Some("eu-west-1"),
            output: None,
        };
        let written = write_sso_profile(&mut doc, &spec).expect("write");
        assert!(written.session_added && !written.profile_updated);
        assert_eq!(
            doc.as_str(),
            format!(
                "{users}\n[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"
            )
        );
        let before = doc.as_str().to_owned();
        let again = write_sso_profile(&mut doc, &spec).expect("again");
        assert!(!again.session_added && again.profile_updated);
        assert_eq!(doc.as_str(), before, "nothing changed, nothing rewritten");
        write_sso_profile(
            &mut doc,
            &SsoProfileSpec {
                role_name: "Admin",
                output: Some("json"),
                ..spec
            },
        )
        .expect("update");
        let set = doc.profile_set().expect("parse");
        let p = set.sso_profile("dev").expect("valid").expect("sso");
        assert_eq!(p.role(), Some(("111122223333", "Admin")));
        assert!(doc.as_str().starts_with(users));
    }

    #[test]
    fn configure_sso_accepts_what_the_aws_cli_accepts() {
        assert!(check_start_url("https://d-1.awsapps.com/start").is_ok());
        assert!(check_start_url("http://d-1.awsapps.com/start").is_err());
        assert!(check_start_url("https://").is_err());
        assert!(check_region("eu-west-1").is_ok());
        assert!(check_region("EU west").is_err());
        assert!(check_section_name("team/dev@corp:ro+1").is_ok());
        assert!(check_section_name("dev ro").is_err());
        assert!(check_section_name("").is_err());
    }

    #[test]
    fn a_changed_session_is_described_with_the_profiles_it_moves() {
        let set = ProfileSet::parse(
            Some(crate::Source {
                path: std::path::Path::new("config"),
                text: "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n[profile a]\nsso_session = corp\n[profile b]\nsso_session = corp\n",
            }),
            None,
        )
        .expect("parses");
        let same = set.sso_session_named("corp").expect("corp");
        assert_eq!(set.session_change(&same), None);
        let moved = SsoSession {
            region: "us-east-1".into(),
            ..same.clone()
        };
        let change = set.session_change(&moved).expect("a change");
        assert_eq!(change.profiles, 2);
        let text = change.describe(std::path::Path::new("/home/u/.aws/config"));
        assert!(
            text.starts_with("[sso-session corp] in /home/u/.aws/config has start URL https://d-1.awsapps.com/start, region eu-west-1"),
            "{text}"
        );
        assert!(
            text.ends_with(
                "this would change it to https://d-1.awsapps.com/start, us-east-1 and sso:account:access for its 2 profile(s)"
            ),
            "{text}"
        );
        let new = SsoSession {
            name: Some("other".into()),
            ..moved
        };
        assert_eq!(
            set.session_change(&new),
            None,
            "a new session changes nothing"
        );
    }
}
