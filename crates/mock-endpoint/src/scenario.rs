//! What the mock pretends: the directory, lifetimes, approval, latency, throttling, failures.
//!
//! A scenario is a TOML file; every field has a default, so an empty file is the default
//! scenario: start URL `https://d-XXXXXXXXX.awsapps.com/start` in `ap-northeast-1`, user
//! `alice`, account `123456789011` with roles `ReadOnly` and `Administrator`, a second account
//! `210987654321` with `ReadOnly`, and device codes approved automatically after the first poll.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The whole scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// The AWS access portal URL tokens are issued for.
    pub start_url: String,
    /// The Identity Center region.
    pub region: String,
    /// The signed-in user's name (the last part of assumed-role ARNs).
    pub user: String,
    /// The accounts and roles assigned to the user.
    pub accounts: Vec<Account>,
    /// Generated accounts added to `accounts`, for benchmarks.
    pub bulk: Option<Bulk>,
    /// Lifetimes, in seconds.
    pub lifetimes: Lifetimes,
    /// How device codes get approved.
    pub device: Device,
    /// Whether `CreateToken` issues refresh tokens and rotates them on use.
    pub refresh: Refresh,
    /// Page size of `ListAccounts` / `ListAccountRoles` when the caller sets none.
    pub page_size: usize,
    /// Added latency per API, in milliseconds (`GetRoleCredentials = 50`).
    pub latency_ms: BTreeMap<String, u64>,
    /// Requests per second allowed per API before `TooManyRequests` / `SlowDown`.
    pub throttle_rps: BTreeMap<String, u32>,
    /// Failures injected at random.
    pub failures: Failures,
    /// Announce device verification pages at this base URL instead of the mock's own (to test
    /// that clients refuse, say, a plain `http://` page).
    pub verification_base: Option<String>,
    /// Fixed answers per API, whatever the request (hostile-server tests: missing fields,
    /// wrong types, oversized bodies). The request is still counted and logged.
    pub canned: BTreeMap<String, Canned>,
    /// STS: IAM users' static keys it accepts, roles it refuses to let anyone assume, MFA.
    pub sts: Sts,
    /// How far ahead of this machine's clock the mock's answers say they were sent (their
    /// `Date` header, in seconds; negative: behind): a machine whose clock is wrong, as
    /// `aws-sso-rs doctor` sees it.
    pub clock_skew_seconds: i64,
}

/// What STS accepts beyond the credentials the mock issued itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sts {
    /// IAM users whose long-term keys sign requests (static keys in a profile).
    pub users: Vec<IamUser>,
    /// Role ARNs `AssumeRole` refuses (`AccessDenied`) whoever asks.
    pub deny_assume: Vec<String>,
    /// Role ARNs `AssumeRole` grants only with an MFA code (`SerialNumber` and `TokenCode`).
    pub require_mfa: Vec<String>,
    /// The one MFA code accepted.
    pub mfa_code: String,
}

impl Default for Sts {
    fn default() -> Self {
        Self {
            users: vec![IamUser {
                access_key_id: "AKIAMOCKSTATICKEY001".into(),
                secret_access_key: "mock/static/secret/key/0000000000000000".into(),
                account: "123456789011".into(),
                name: "ci-user".into(),
            }],
            deny_assume: Vec::new(),
            require_mfa: Vec::new(),
            mfa_code: "123456".into(),
        }
    }
}

/// An IAM user with a long-term access key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamUser {
    /// `AKIA...`.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
    /// The account (12 digits).
    pub account: String,
    /// The user name.
    pub name: String,
}

/// A fixed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Canned {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: String,
    /// The `Content-Type`.
    pub content_type: String,
    /// Pads the body with spaces (JSON whitespace) to this many bytes: an oversized answer.
    pub pad_to: usize,
    /// Sends the body in chunks without a `Content-Length`.
    pub chunked: bool,
}

impl Default for Canned {
    fn default() -> Self {
        Self {
            status: 200,
            body: String::new(),
            content_type: "application/json".into(),
            pad_to: 0,
            chunked: false,
        }
    }
}

/// One account and the roles the user has in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// 12 digits.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The account's e-mail address.
    pub email: String,
    /// Role (permission set) names.
    pub roles: Vec<String>,
}

/// `accounts` × `roles` generated accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bulk {
    /// How many accounts.
    pub accounts: usize,
    /// How many roles in each (`Role0`, `Role1`, ...).
    pub roles: usize,
}

/// Lifetimes in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lifetimes {
    /// Access tokens (`expiresIn` of `CreateToken`).
    pub access_token: i64,
    /// Refresh tokens.
    pub refresh_token: i64,
    /// Client registrations (`clientSecretExpiresAt`).
    pub registration: i64,
    /// Role credentials.
    pub role_credentials: i64,
    /// Device codes (`expiresIn` of `StartDeviceAuthorization`).
    pub device_code: i64,
    /// Authorization codes of the PKCE flow.
    pub authorization_code: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            access_token: 8 * 3600,
            refresh_token: 90 * 86_400,
            registration: 90 * 86_400,
            role_credentials: 3600,
            device_code: 600,
            authorization_code: 300,
        }
    }
}

/// How device codes get approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Approval {
    /// `CreateToken` answers `authorization_pending` once, then succeeds.
    AfterFirstPoll,
    /// Approved as soon as the code is issued.
    Immediate,
    /// Only the browser page or the admin API approves.
    Manual,
    /// The user denies: `access_denied`.
    Deny,
}

/// Device-code settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Device {
    /// How codes get approved.
    pub approval: Approval,
    /// The polling `interval` the service asks for, in seconds.
    pub interval: i64,
}

impl Default for Device {
    fn default() -> Self {
        Self {
            approval: Approval::AfterFirstPoll,
            interval: 1,
        }
    }
}

/// Refresh-token behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Refresh {
    /// Issue refresh tokens (to clients registered with the `refresh_token` grant, or any
    /// client asking for `sso:account:access`).
    pub issue: bool,
    /// A refresh token works once; each refresh returns a new one.
    pub rotate: bool,
}

impl Default for Refresh {
    fn default() -> Self {
        Self {
            issue: true,
            rotate: true,
        }
    }
}

/// Random failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Failures {
    /// Fraction of requests answered with a 500 `InternalServerException`.
    pub error_rate: f64,
    /// Fraction of connections dropped without an answer.
    pub reset_rate: f64,
    /// Fraction of requests answered as throttled (429 `TooManyRequestsException` from the
    /// portal, 400 `SlowDownException` from OIDC), whatever the rate.
    pub throttle_rate: f64,
    /// Fraction of requests left unanswered for `timeout_seconds`.
    pub timeout_rate: f64,
    /// How long a "timed out" request hangs.
    pub timeout_seconds: u64,
    /// The APIs failures apply to; empty means all.
    pub apis: Vec<String>,
}

impl Default for Failures {
    fn default() -> Self {
        Self {
            error_rate: 0.0,
            reset_rate: 0.0,
            throttle_rate: 0.0,
            timeout_rate: 0.0,
            timeout_seconds: 30,
            apis: Vec::new(),
        }
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            start_url: "https://d-XXXXXXXXX.awsapps.com/start".into(),
            region: "ap-northeast-1".into(),
            user: "alice".into(),
            accounts: vec![
                Account {
                    id: "123456789011".into(),
                    name: "dev-account".into(),
                    email: "dev@example.com".into(),
                    roles: vec!["ReadOnly".into(), "Administrator".into()],
                },
                Account {
                    id: "210987654321".into(),
                    name: "prod-account".into(),
                    email: "prod@example.com".into(),
                    roles: vec!["ReadOnly".into()],
                },
            ],
            bulk: None,
            lifetimes: Lifetimes::default(),
            device: Device::default(),
            refresh: Refresh::default(),
            page_size: 20,
            latency_ms: BTreeMap::new(),
            throttle_rps: BTreeMap::new(),
            failures: Failures::default(),
            verification_base: None,
            canned: BTreeMap::new(),
            sts: Sts::default(),
            clock_skew_seconds: 0,
        }
    }
}

/// A scenario file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ScenarioError {
    path: String,
    message: String,
}

impl Scenario {
    /// Parses a scenario from TOML text.
    ///
    /// # Errors
    /// Unknown keys, wrong types, or an invalid scenario (see [`Scenario::validate`]).
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let scenario: Self = toml::from_str(text).map_err(|e| ScenarioError {
            path: origin.into(),
            message: e.to_string(),
        })?;
        scenario.validate().map_err(|message| ScenarioError {
            path: origin.into(),
            message,
        })?;
        Ok(scenario)
    }

    /// Reads a scenario file.
    ///
    /// # Errors
    /// The file cannot be read or is not a valid scenario.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// The default scenario plus `accounts` × `roles` generated accounts.
    pub fn bulk(accounts: usize, roles: usize) -> Self {
        Self {
            bulk: Some(Bulk { accounts, roles }),
            ..Self::default()
        }
    }

    /// Checks what TOML cannot: account ids, rates, positive lifetimes.
    ///
    /// # Errors
    /// A sentence saying what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        for a in &self.accounts {
            if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("account id {:?} is not 12 digits", a.id));
            }
        }
        for (name, rate) in [
            ("error_rate", self.failures.error_rate),
            ("reset_rate", self.failures.reset_rate),
            ("timeout_rate", self.failures.timeout_rate),
            ("throttle_rate", self.failures.throttle_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("failures.{name} = {rate} is not between 0 and 1"));
            }
        }
        let l = self.lifetimes;
        if [
            l.access_token,
            l.refresh_token,
            l.registration,
            l.role_credentials,
            l.device_code,
            l.authorization_code,
        ]
        .iter()
        .any(|&s| s <= 0)
        {
            return Err("every lifetime must be a positive number of seconds".into());
        }
        if self.page_size == 0 {
            return Err("page_size must be at least 1".into());
        }
        Ok(())
    }

    /// Every account, the generated ones included.
    pub fn all_accounts(&self) -> Vec<Account> {
        let mut all = self.accounts.clone();
        if let Some(bulk) = self.bulk {
            for i in 0..bulk.accounts {
                all.push(Account {
                    id: format!("{:012}", 300_000_000_000u64 + i as u64),
                    name: format!("bulk-account-{i}"),
                    email: format!("bulk-{i}@example.com"),
                    roles: (0..bulk.roles).map(|r| format!("Role{r}")).collect(),
                });
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_default_scenario() {
        assert_eq!(
            Scenario::from_toml("", "x").expect("valid"),
            Scenario::default()
        );
    }

    #[test]
    fn a_full_file_parses() {
        let text = r#"
            start_url = "https://d-1.awsapps.com/start"
            region = "eu-west-1"
            page_size = 2
            [[accounts]]
            id = "111111111111"
            name = "a"
            email = "a@example.com"
            roles = ["R"]
            [lifetimes]
            role_credentials = 5
            [device]
            approval = "manual"
            interval = 2
            [latency_ms]
            GetRoleCredentials = 10
            [throttle_rps]
            GetRoleCredentials = 3
            [failures]
            error_rate = 0.5
            apis = ["GetRoleCredentials"]
        "#;
        let s = Scenario::from_toml(text, "x").expect("valid");
        assert_eq!(s.device.approval, Approval::Manual);
        assert_eq!(s.lifetimes.role_credentials, 5);
        assert_eq!(
            s.lifetimes.access_token,
            8 * 3600,
            "unset fields keep defaults"
        );
    }

    #[test]
    fn mistakes_are_named() {
        let e = Scenario::from_toml("regoin = \"x\"", "s.toml").expect_err("unknown key");
        assert!(e.to_string().contains("regoin"), "{e}");
        let e = Scenario::from_toml(
            "[[accounts]]\nid = \"1\"\nname = \"a\"\nemail = \"e\"\nroles = []",
            "s.toml",
        )
        .expect_err("bad id");
        assert!(e.to_string().contains("12 digits"), "{e}");
    }

    #[test]
    fn bulk_accounts_are_generated() {
        let s = Scenario::bulk(50, 3);
        let all = s.all_accounts();
        assert_eq!(all.len(), 52);
        assert_eq!(all[51].roles, vec!["Role0", "Role1", "Role2"]);
    }
}
