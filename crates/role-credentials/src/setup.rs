//! The guided set-up of one IAM Identity Center profile (`aws-sso-rs configure sso`), as the
//! AWS CLI's `aws configure sso` does it: the session's questions, the account and role, the
//! profile's questions, each answered by a flag or asked through [`Questions`].
//!
//! The rules live here: what each answer defaults to (an existing `[sso-session]`'s own
//! values, an existing profile's region and output, `Role-Account` as the profile name), how
//! it is checked, when a change needs consent, and what is said when nobody can answer. The
//! caller signs in between [`SsoSetup::session`] and [`SsoSetup::account_and_role`] (it shows
//! the sign-in), fetches the [`Directory`], and writes the [`SetupPlan`] with
//! [`SetupPlan::write`].

use std::path::Path;

use aws_sso_profile_config::{
    ConfigDocument, DEFAULT_SCOPE, ProfileSet, SsoProfileSpec, SsoSession, WrittenProfile,
    check_region, check_section_name, check_start_url, write_sso_profile,
};

use crate::directory::{Choice, Directory};

/// One question of the set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// The `[sso-session NAME]` to use or create.
    SessionName,
    /// Its `sso_start_url`.
    StartUrl,
    /// Its `sso_region`.
    SsoRegion,
    /// Its `sso_registration_scopes`, comma-separated.
    Scopes,
    /// The profile's `region`.
    DefaultRegion,
    /// The profile's `output` (empty for none).
    OutputFormat,
    /// The profile's name.
    ProfileName,
}

impl Question {
    /// The question as a person reads it.
    pub fn prompt(self) -> &'static str {
        match self {
            Self::SessionName => "SSO session name",
            Self::StartUrl => "SSO start URL",
            Self::SsoRegion => "SSO region",
            Self::Scopes => "SSO registration scopes",
            Self::DefaultRegion => "Default client region",
            Self::OutputFormat => "Default output format (empty for none)",
            Self::ProfileName => "Profile name",
        }
    }

    /// The flag of `aws-sso-rs configure sso` that answers it.
    pub fn flag(self) -> &'static str {
        match self {
            Self::SessionName => "--session-name",
            Self::StartUrl => "--start-url",
            Self::SsoRegion => "--region",
            Self::Scopes => "--scopes",
            Self::DefaultRegion => "--default-region",
            Self::OutputFormat => "--output-format",
            Self::ProfileName => "--profile-name",
        }
    }

    /// Whether `value` is an acceptable answer, and if not, why.
    ///
    /// # Errors
    /// Why the value is refused, in a few words.
    pub fn check(self, value: &str) -> Result<(), String> {
        match self {
            Self::SessionName | Self::ProfileName => check_section_name(value),
            Self::StartUrl => check_start_url(value),
            Self::SsoRegion | Self::DefaultRegion => check_region(value),
            Self::Scopes | Self::OutputFormat => Ok(()),
        }
    }
}

/// How the set-up asks a person. Every method answers `None` (or `false`) when nobody can
/// answer here (no terminal, or `--yes`): the set-up then takes the default or says which
/// flag to pass.
pub trait Questions {
    /// The answer to `question`, with `default` offered (`Some("")`: an empty answer is
    /// allowed); the answer must pass [`Question::check`].
    ///
    /// # Errors
    /// The terminal failed or the person cancelled.
    fn ask(&self, question: Question, default: Option<&str>) -> std::io::Result<Option<String>>;
    /// Yes or no to `prompt`, no by default.
    ///
    /// # Errors
    /// As [`Questions::ask`].
    fn confirm(&self, prompt: &str) -> std::io::Result<bool>;
    /// The index of one of `rows` (columns of text) under `title`.
    ///
    /// # Errors
    /// As [`Questions::ask`].
    fn pick(&self, title: &str, rows: &[Vec<String>]) -> std::io::Result<Option<usize>>;
    /// Tells the person something (the only account there is, ...).
    fn note(&self, text: &str);
}

/// What the flags already answer.
#[derive(Debug, Clone, Default)]
pub struct SetupAnswers {
    /// `--session-name`.
    pub session_name: Option<String>,
    /// `--start-url`.
    pub start_url: Option<String>,
    /// `--region`.
    pub sso_region: Option<String>,
    /// `--scopes`.
    pub scopes: Option<String>,
    /// `--account-id`.
    pub account_id: Option<String>,
    /// `--role-name`.
    pub role_name: Option<String>,
    /// `--default-region`.
    pub default_region: Option<String>,
    /// `--output-format`.
    pub output_format: Option<String>,
    /// `--profile-name`.
    pub profile_name: Option<String>,
    /// `--yes`: change an existing session or profile without asking.
    pub yes: bool,
}

/// Why the set-up stopped.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A flag's value is not acceptable.
    #[error("{flag} {value:?}: {why}")]
    Invalid {
        /// The flag.
        flag: &'static str,
        /// Its value.
        value: String,
        /// Why not.
        why: String,
    },
    /// A question has no default and nobody can answer it.
    #[error(
        "{}: no answer; pass {} (nothing is asked without a terminal, or with --yes)",
        .0.prompt(),
        .0.flag()
    )]
    NoAnswer(Question),
    /// A change the person did not agree to, and how to go on.
    #[error("{0}")]
    Declined(String),
    /// Several to choose from and nobody to choose.
    #[error("{0}")]
    MustName(String),
    /// The account or role named, or any at all, is not available to the person.
    #[error("{0}")]
    NoAccess(String),
    /// The terminal failed, or the person cancelled a question.
    #[error("cannot ask: {0}")]
    Terminal(#[from] std::io::Error),
}

impl SetupError {
    /// Whether it is about access (the person lacks an account or role) rather than usage.
    pub fn is_access(&self) -> bool {
        matches!(self, Self::NoAccess(_))
    }
}

/// The set-up of one profile in the config file `path`, whose profiles are `set`.
pub struct SsoSetup<'a, Q: ?Sized> {
    set: &'a ProfileSet,
    path: &'a Path,
    answers: &'a SetupAnswers,
    questions: &'a Q,
}

/// The account, role and profile the set-up settled on: what [`SetupPlan::write`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupPlan {
    /// The session (named).
    pub session: SsoSession,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// The profile's name.
    pub profile: String,
    /// Its `region`.
    pub region: String,
    /// Its `output`, if any.
    pub output: Option<String>,
}

impl SetupPlan {
    /// Writes the profile and its `[sso-session]` into `doc` (not yet saved).
    ///
    /// # Errors
    /// The document refuses the edit.
    pub fn write(
        &self,
        doc: &mut ConfigDocument,
    ) -> Result<WrittenProfile, aws_sso_profile_config::Error> {
        write_sso_profile(
            doc,
            &SsoProfileSpec {
                profile: &self.profile,
                session: &self.session,
                account_id: &self.account_id,
                role_name: &self.role_name,
                region: Some(&self.region),
                output: self.output.as_deref(),
            },
        )
    }
}

impl<'a, Q: Questions + ?Sized> SsoSetup<'a, Q> {
    /// A set-up of the config file at `path`, holding `set`.
    pub fn new(
        set: &'a ProfileSet,
        path: &'a Path,
        answers: &'a SetupAnswers,
        questions: &'a Q,
    ) -> Self {
        Self {
            set,
            path,
            answers,
            questions,
        }
    }

    /// The flag's value, checked; else the answer; else the default; else an error naming the
    /// flag.
    fn answer(
        &self,
        question: Question,
        given: Option<&str>,
        default: Option<&str>,
    ) -> Result<String, SetupError> {
        if let Some(value) = given {
            return match question.check(value) {
                Ok(()) => Ok(value.to_owned()),
                Err(why) => Err(SetupError::Invalid {
                    flag: question.flag(),
                    value: value.to_owned(),
                    why,
                }),
            };
        }
        if let Some(answer) = self.questions.ask(question, default)? {
            return Ok(answer);
        }
        default
            .map(str::to_owned)
            .ok_or(SetupError::NoAnswer(question))
    }

    /// Step 1: the `[sso-session]`, an existing one's values offered as defaults. Changing an
    /// existing session (its profiles would follow) needs `--yes` or the person's consent.
    ///
    /// # Errors
    /// A refused or missing answer, or a change not agreed to.
    pub fn session(&self) -> Result<SsoSession, SetupError> {
        let a = self.answers;
        let name = self.answer(Question::SessionName, a.session_name.as_deref(), None)?;
        let existing = self.set.sso_session_named(&name).ok();
        let start_url = self.answer(
            Question::StartUrl,
            a.start_url.as_deref(),
            existing.as_ref().map(|s| s.start_url.as_str()),
        )?;
        // An existing session's region, else the one a portal host names
        // (`*.portal.REGION.app.aws`, `*.REGION.portal.amazonaws.com`).
        let named_by_host = aws_sso_profile_config::region_of_start_url(&start_url);
        let region = self.answer(
            Question::SsoRegion,
            a.sso_region.as_deref(),
            existing
                .as_ref()
                .map(|s| s.region.as_str())
                .or(named_by_host.as_deref()),
        )?;
        let scopes_default = existing
            .as_ref()
            .map(|s| s.registration_scopes.join(","))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SCOPE.to_owned());
        let scopes = self.answer(Question::Scopes, a.scopes.as_deref(), Some(&scopes_default))?;
        let session = SsoSession {
            name: Some(name),
            start_url,
            region,
            registration_scopes: scopes
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        if let Some(change) = self.set.session_change(&session) {
            let what = change.describe(self.path);
            if !a.yes && !self.questions.confirm(&format!("{what}; go on"))? {
                return Err(SetupError::Declined(format!(
                    "{what}: pass --yes to change it, or choose another --session-name"
                )));
            }
        }
        Ok(session)
    }

    /// Step 2: the account and role, from `dir` (the session's accounts and roles): the ones
    /// named by flags, the only one there is, or the person's pick.
    ///
    /// # Errors
    /// The one named is not there, there is none, or there are several and nobody to pick.
    pub fn account_and_role(
        &self,
        session: &SsoSession,
        dir: &Directory,
    ) -> Result<(String, String), SetupError> {
        let name = session.name.as_deref().unwrap_or_default();
        let start_url = &session.start_url;
        let wanted_account = self.answers.account_id.as_deref();
        let account = match dir.choose_account(wanted_account) {
            Choice::Named(account) => account,
            Choice::NotThere => {
                return Err(SetupError::NoAccess(format!(
                    "you have no access to account {} through {start_url} (or it was assigned in the last hour: `aws-sso-rs list --refresh --sso-session {name}` fetches the list anew); `aws-sso-rs list accounts --sso-session {name}` lists yours",
                    wanted_account.unwrap_or_default(),
                )));
            }
            Choice::NoneAtAll => {
                return Err(SetupError::NoAccess(format!(
                    "no AWS account is assigned to you through {start_url}; ask your administrator to assign you one"
                )));
            }
            Choice::Only(only) => {
                self.questions.note(&format!(
                    "The only AWS account available to you: {} ({}).",
                    only.account.account_name, only.account.account_id
                ));
                only
            }
            Choice::Several(all) => {
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|a| {
                        vec![
                            a.account.account_id.clone(),
                            a.account.account_name.clone(),
                            a.account.email.clone(),
                        ]
                    })
                    .collect();
                match self.questions.pick("Account", &rows)? {
                    Some(i) if i < all.len() => &all[i],
                    _ => {
                        return Err(SetupError::MustName(format!(
                            "{} AWS accounts are available to you; pass --account-id, one of: {}",
                            all.len(),
                            all.iter()
                                .map(|a| format!(
                                    "{} ({})",
                                    a.account.account_id, a.account.account_name
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                }
            }
        };
        let account_id = account.account.account_id.clone();
        let wanted_role = self.answers.role_name.as_deref();
        let role = match account.choose_role(wanted_role) {
            Choice::Named(role) => role.clone(),
            Choice::NotThere => {
                return Err(SetupError::NoAccess(format!(
                    "you have no role {} in account {account_id}; `aws-sso-rs list roles --sso-session {name} --account {account_id}` lists yours",
                    wanted_role.unwrap_or_default()
                )));
            }
            Choice::NoneAtAll => {
                return Err(SetupError::NoAccess(format!(
                    "you have no role in account {account_id}; choose another account, or ask your administrator to assign you one"
                )));
            }
            Choice::Only(only) => {
                self.questions.note(&format!(
                    "The only role available to you in {account_id}: {only}."
                ));
                only.clone()
            }
            Choice::Several(roles) => {
                let rows: Vec<Vec<String>> = roles.iter().map(|r| vec![r.clone()]).collect();
                match self.questions.pick("Role", &rows)? {
                    Some(i) if i < roles.len() => roles[i].clone(),
                    _ => {
                        return Err(SetupError::MustName(format!(
                            "{} roles are available to you in account {account_id}; pass --role-name ({})",
                            roles.len(),
                            roles.join(", ")
                        )));
                    }
                }
            }
        };
        Ok((account_id, role))
    }

    /// Step 3: the profile's region, output and name (an existing profile's own region and
    /// output offered when it is named; `Role-Account` as the name). Updating an existing
    /// profile needs `--yes` or the person's consent.
    ///
    /// # Errors
    /// A refused or missing answer, or an update not agreed to.
    pub fn plan(
        &self,
        session: SsoSession,
        account_id: String,
        role_name: String,
    ) -> Result<SetupPlan, SetupError> {
        let a = self.answers;
        let current = a.profile_name.as_deref().and_then(|p| self.set.profile(p));
        let region_default = current
            .and_then(|p| p.get("region"))
            .unwrap_or(&session.region)
            .to_owned();
        let region = self.answer(
            Question::DefaultRegion,
            a.default_region.as_deref(),
            Some(&region_default),
        )?;
        let output_default = current.and_then(|p| p.get("output")).unwrap_or("");
        let output = self.answer(
            Question::OutputFormat,
            a.output_format.as_deref(),
            Some(output_default),
        )?;
        let suggested = format!("{role_name}-{account_id}");
        let profile = self.answer(
            Question::ProfileName,
            a.profile_name.as_deref(),
            Some(&suggested),
        )?;
        if self.set.profile(&profile).is_some() && !a.yes {
            let path = self.path.display();
            if !self
                .questions
                .confirm(&format!("Profile '{profile}' exists in {path}; update it"))?
            {
                return Err(SetupError::Declined(format!(
                    "profile '{profile}' already exists in {path}; choose another --profile-name, or pass --yes to update it"
                )));
            }
        }
        Ok(SetupPlan {
            session,
            account_id,
            role_name,
            profile,
            region,
            output: (!output.is_empty()).then_some(output),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use aws_sso_profile_config::Source;
    use time::OffsetDateTime;

    use super::*;
    use crate::directory::DirectoryAccount;
    use crate::portal::Account;

    /// Answers from a script; records what was asked and said. `None` in the script: nobody
    /// answers (as without a terminal).
    #[derive(Default)]
    struct Script {
        answers: RefCell<VecDeque<Option<String>>>,
        confirms: RefCell<VecDeque<bool>>,
        picks: RefCell<VecDeque<Option<usize>>>,
        asked: RefCell<Vec<(Question, Option<String>)>>,
        notes: RefCell<Vec<String>>,
    }

    impl Questions for Script {
        fn ask(&self, q: Question, default: Option<&str>) -> std::io::Result<Option<String>> {
            self.asked
                .borrow_mut()
                .push((q, default.map(str::to_owned)));
            Ok(self.answers.borrow_mut().pop_front().flatten())
        }
        fn confirm(&self, _: &str) -> std::io::Result<bool> {
            Ok(self.confirms.borrow_mut().pop_front().unwrap_or(false))
        }
        fn pick(&self, _: &str, _: &[Vec<String>]) -> std::io::Result<Option<usize>> {
            Ok(self.picks.borrow_mut().pop_front().flatten())
        }
        fn note(&self, text: &str) {
            self.notes.borrow_mut().push(text.to_owned());
        }
    }

    const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\noutput = json\n\n[sso-session corp]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n";

    fn set() -> ProfileSet {
        ProfileSet::parse(
            Some(Source {
                path: path(),
                text: CONFIG,
            }),
            None,
        )
        .unwrap()
    }

    fn account(id: &str, name: &str, roles: &[&str]) -> DirectoryAccount {
        DirectoryAccount {
            account: Account {
                account_id: id.into(),
                account_name: name.into(),
                email: format!("{name}@example.com"),
            },
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    fn dir(accounts: Vec<DirectoryAccount>) -> Directory {
        Directory {
            start_url: "https://d-1111111111.awsapps.com/start".into(),
            fetched_at: OffsetDateTime::UNIX_EPOCH,
            accounts,
        }
    }

    fn path() -> &'static Path {
        Path::new("/home/me/.aws/config")
    }

    #[test]
    fn an_existing_session_s_values_are_the_defaults_offered() {
        let set = set();
        let answers = SetupAnswers {
            session_name: Some("corp".into()),
            ..SetupAnswers::default()
        };
        // Nobody answers: each question takes its default.
        let script = Script::default();
        let session = SsoSetup::new(&set, path(), &answers, &script)
            .session()
            .unwrap();
        assert_eq!(session.start_url, "https://d-1111111111.awsapps.com/start");
        assert_eq!(session.region, "eu-west-1");
        assert_eq!(session.registration_scopes, ["sso:account:access"]);
        let asked = script.asked.borrow();
        assert_eq!(
            asked[0],
            (
                Question::StartUrl,
                Some("https://d-1111111111.awsapps.com/start".into())
            )
        );
    }

    #[test]
    fn a_portal_host_that_names_its_region_offers_it() {
        let set = set();
        let answers = SetupAnswers {
            session_name: Some("newer".into()),
            start_url: Some("https://ssoins-72238f444baccc75.portal.eu-central-1.app.aws".into()),
            ..SetupAnswers::default()
        };
        let script = Script::default();
        let session = SsoSetup::new(&set, path(), &answers, &script)
            .session()
            .unwrap();
        assert_eq!(session.region, "eu-central-1");
        let asked = script.asked.borrow();
        assert!(
            asked.contains(&(Question::SsoRegion, Some("eu-central-1".into()))),
            "{asked:?}"
        );
    }

    #[test]
    fn a_new_session_without_an_answer_names_the_flag_to_pass() {
        let set = set();
        let answers = SetupAnswers {
            session_name: Some("new".into()),
            ..SetupAnswers::default()
        };
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .session()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "SSO start URL: no answer; pass --start-url (nothing is asked without a terminal, or with --yes)"
        );
        assert!(!err.is_access());
    }

    #[test]
    fn a_flag_s_value_is_checked_and_named_when_refused() {
        let set = set();
        let answers = SetupAnswers {
            session_name: Some("new".into()),
            start_url: Some("https://d-1111111111.awsapps.com/start".into()),
            sso_region: Some("not a region".into()),
            ..SetupAnswers::default()
        };
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .session()
            .unwrap_err();
        assert!(
            err.to_string().starts_with("--region \"not a region\": "),
            "{err}"
        );
    }

    #[test]
    fn changing_a_session_others_use_needs_consent_or_yes() {
        let set = set();
        let mut answers = SetupAnswers {
            session_name: Some("corp".into()),
            sso_region: Some("us-east-1".into()),
            ..SetupAnswers::default()
        };
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .session()
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("pass --yes to change it, or choose another --session-name"),
            "{err}"
        );
        let agrees = Script::default();
        agrees.confirms.borrow_mut().push_back(true);
        let session = SsoSetup::new(&set, path(), &answers, &agrees)
            .session()
            .unwrap();
        assert_eq!(session.region, "us-east-1");
        answers.yes = true;
        assert!(
            SsoSetup::new(&set, path(), &answers, &Script::default())
                .session()
                .is_ok()
        );
    }

    #[test]
    fn the_only_account_and_role_are_taken_and_said() {
        let set = set();
        let answers = SetupAnswers::default();
        let script = Script::default();
        let setup = SsoSetup::new(&set, path(), &answers, &script);
        let session = set.sso_session_named("corp").unwrap();
        let chosen = setup
            .account_and_role(&session, &dir(vec![account("1", "dev", &["ReadOnly"])]))
            .unwrap();
        assert_eq!(chosen, ("1".into(), "ReadOnly".into()));
        assert_eq!(
            *script.notes.borrow(),
            [
                "The only AWS account available to you: dev (1).",
                "The only role available to you in 1: ReadOnly."
            ]
        );
    }

    #[test]
    fn several_accounts_are_picked_or_must_be_named() {
        let set = set();
        let answers = SetupAnswers::default();
        let session = set.sso_session_named("corp").unwrap();
        let d = dir(vec![
            account("1", "dev", &["ReadOnly"]),
            account("2", "prod", &["Admin", "ReadOnly"]),
        ]);
        let script = Script::default();
        script.picks.borrow_mut().extend([Some(1), Some(0)]);
        let chosen = SsoSetup::new(&set, path(), &answers, &script)
            .account_and_role(&session, &d)
            .unwrap();
        assert_eq!(chosen, ("2".into(), "Admin".into()));
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .account_and_role(&session, &d)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 AWS accounts are available to you; pass --account-id, one of: 1 (dev), 2 (prod)"
        );
        assert!(!err.is_access());
    }

    #[test]
    fn an_account_or_role_not_assigned_is_an_access_error() {
        let set = set();
        let session = set.sso_session_named("corp").unwrap();
        let d = dir(vec![account("1", "dev", &["ReadOnly"])]);
        let answers = SetupAnswers {
            account_id: Some("9".into()),
            ..SetupAnswers::default()
        };
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .account_and_role(&session, &d)
            .unwrap_err();
        assert!(err.is_access());
        assert!(
            err.to_string().starts_with(
                "you have no access to account 9 through https://d-1111111111.awsapps.com/start"
            ),
            "{err}"
        );
        let answers = SetupAnswers {
            role_name: Some("Admin".into()),
            ..SetupAnswers::default()
        };
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .account_and_role(&session, &d)
            .unwrap_err();
        assert!(err.is_access());
        assert!(
            err.to_string()
                .starts_with("you have no role Admin in account 1;"),
            "{err}"
        );
    }

    #[test]
    fn the_plan_offers_role_account_and_an_existing_profile_s_region_and_output() {
        let set = set();
        let session = set.sso_session_named("corp").unwrap();
        let answers = SetupAnswers::default();
        let plan = SsoSetup::new(&set, path(), &answers, &Script::default())
            .plan(session.clone(), "2".into(), "Admin".into())
            .unwrap();
        assert_eq!(plan.profile, "Admin-2");
        assert_eq!(plan.region, "eu-west-1");
        assert_eq!(plan.output, None);
        // Naming the existing profile: its region and output are kept, and updating it needs
        // consent.
        let answers = SetupAnswers {
            profile_name: Some("dev".into()),
            ..SetupAnswers::default()
        };
        let err = SsoSetup::new(&set, path(), &answers, &Script::default())
            .plan(session.clone(), "2".into(), "Admin".into())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile 'dev' already exists in /home/me/.aws/config; choose another --profile-name, or pass --yes to update it"
        );
        let answers = SetupAnswers {
            profile_name: Some("dev".into()),
            yes: true,
            ..SetupAnswers::default()
        };
        let plan = SsoSetup::new(&set, path(), &answers, &Script::default())
            .plan(session, "2".into(), "Admin".into())
            .unwrap();
        assert_eq!(
            (plan.region.as_str(), plan.output.as_deref()),
            ("eu-west-1", Some("json"))
        );
    }
}
