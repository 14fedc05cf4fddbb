//! The directory: every account a sign-in reaches and the roles in each, fetched with bounded,
//! adaptive concurrency and cached in a file of this crate's own.
//!
//! `ListAccountRoles` is one call per account, and IAM Identity Center throttles. The fetch
//! keeps a window of calls in flight that grows by one per window of successes and halves on
//! throttling (additive increase, multiplicative decrease, one decrease per generation of
//! calls), and a throttled call is retried after a jittered, growing pause. The AWS SDK's own
//! retries are off for these calls ([`SdkPortal::for_listing`](crate::SdkPortal::for_listing))
//! so that every throttle reaches the window.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sso_device_auth::Sleeper;
use aws_sso_profile_config::atomic::{create_private_dir_all, write_atomic};
use aws_sso_token_cache::{Secret, TokenKey, timestamp};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::portal::{Account, PortalApi, PortalError};

/// An account and the roles the user has in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryAccount {
    /// The account.
    pub account: Account,
    /// Its role names, sorted.
    pub roles: Vec<String>,
}

/// Which one of several a command acts on, given the name it was told (if any): `configure
/// sso`'s account and role, `list --account`'s account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice<'a, T> {
    /// The one named.
    Named(&'a T),
    /// None named, and it is the only one.
    Only(&'a T),
    /// None named, and there are these: a person picks one, or the command asks for its name.
    Several(&'a [T]),
    /// The one named is not among them.
    NotThere,
    /// None named, and there are none.
    NoneAtAll,
}

impl<'a, T> Choice<'a, T> {
    /// The choice among `all` for `wanted`, matched by `is`.
    fn among(all: &'a [T], wanted: Option<&str>, is: impl Fn(&T, &str) -> bool) -> Self {
        match (wanted, all) {
            (Some(name), all) => all
                .iter()
                .find(|t| is(t, name))
                .map_or(Self::NotThere, Self::Named),
            (None, []) => Self::NoneAtAll,
            (None, [only]) => Self::Only(only),
            (None, all) => Self::Several(all),
        }
    }
}

impl DirectoryAccount {
    /// Which of this account's roles a command told `wanted` (a role name) acts on.
    pub fn choose_role(&self, wanted: Option<&str>) -> Choice<'_, String> {
        Choice::among(&self.roles, wanted, |role, name| role == name)
    }
}

/// Every account and role of one sign-in, as fetched at one time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    /// The AWS access portal URL.
    pub start_url: String,
    /// When it was fetched.
    pub fetched_at: OffsetDateTime,
    /// The accounts, sorted by name then id.
    pub accounts: Vec<DirectoryAccount>,
}

impl Directory {
    /// Every (account, role) pair, in order.
    pub fn roles(&self) -> impl Iterator<Item = (&Account, &str)> {
        self.accounts
            .iter()
            .flat_map(|a| a.roles.iter().map(move |r| (&a.account, r.as_str())))
    }

    /// The account with `id`.
    pub fn account(&self, id: &str) -> Option<&DirectoryAccount> {
        self.accounts.iter().find(|a| a.account.account_id == id)
    }

    /// Which account a command told `wanted` (an account id) acts on.
    pub fn choose_account(&self, wanted: Option<&str>) -> Choice<'_, DirectoryAccount> {
        Choice::among(&self.accounts, wanted, |a, id| a.account.account_id == id)
    }

    /// Whether it was fetched more than `max_age` before `now`.
    pub fn is_stale(&self, max_age: Duration, now: OffsetDateTime) -> bool {
        now - self.fetched_at > max_age || self.fetched_at > now
    }

    fn to_json(&self) -> String {
        let accounts: Vec<Value> = self
            .accounts
            .iter()
            .map(|a| {
                json!({
                    "accountId": a.account.account_id,
                    "accountName": a.account.account_name,
                    "emailAddress": a.account.email,
                    "roles": a.roles,
                })
            })
            .collect();
        let doc = json!({
            "version": 1,
            "startUrl": self.start_url,
            "fetchedAt": timestamp::format(self.fetched_at),
            "accounts": accounts,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    fn from_json(text: &str) -> Option<Self> {
        let doc: Value = serde_json::from_str(text).ok()?;
        if doc.get("version")?.as_u64()? != 1 {
            return None;
        }
        let string = |v: &Value, k: &str| v.get(k)?.as_str().map(str::to_owned);
        let mut accounts = Vec::new();
        for a in doc.get("accounts")?.as_array()? {
            let roles = a
                .get("roles")?
                .as_array()?
                .iter()
                .map(|r| r.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()?;
            accounts.push(DirectoryAccount {
                account: Account {
                    account_id: string(a, "accountId")?,
                    account_name: string(a, "accountName")?,
                    email: string(a, "emailAddress")?,
                },
                roles,
            });
        }
        Some(Self {
            start_url: string(&doc, "startUrl")?,
            fetched_at: timestamp::parse(doc.get("fetchedAt")?.as_str()?)?,
            accounts,
        })
    }
}

/// How old a cached directory may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use a cached one up to this age; fetch when it is older (stale) or missing.
    UpTo(Duration),
    /// Fetch anew (`--refresh`).
    Refetch,
}

impl Default for Freshness {
    /// Up to one hour: assignments change rarely, and a picker should open at once.
    fn default() -> Self {
        Self::UpTo(Duration::from_secs(3600))
    }
}

/// Where directories are cached: one JSON file per sign-in (named like its token file, by the
/// SHA-1 of the session name or start URL), `0600` in a `0700` folder of aws-sso-rs's own
/// that holds nothing of the AWS CLI's. Account names, e-mail addresses and role names only:
/// no token, no credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryCache {
    dir: PathBuf,
}

impl DirectoryCache {
    /// The cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of the sign-in whose token key is `key`.
    pub fn path(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("directory-{}.json", key.hash()))
    }

    /// The cached directory of `key`; `None` when there is none or it cannot be read (it is
    /// only a cache: a damaged one is fetched anew and replaced).
    pub fn load(&self, key: &TokenKey) -> Option<Directory> {
        let path = self.path(key);
        let text = std::fs::read_to_string(&path).ok()?;
        let dir = Directory::from_json(&text);
        if dir.is_none() {
            tracing::debug!("ignoring the unreadable directory cache {}", path.display());
        }
        dir
    }

    /// Writes the directory of `key` (atomically, `0600`).
    ///
    /// # Errors
    /// The folder or the file cannot be written.
    pub fn store(&self, key: &TokenKey, directory: &Directory) -> std::io::Result<()> {
        create_private_dir_all(&self.dir)?;
        write_atomic(&self.path(key), directory.to_json().as_bytes(), 0o600)
    }

    /// Deletes every cached directory; returns how many there were.
    ///
    /// # Errors
    /// The folder cannot be read or a file cannot be deleted.
    pub fn clear(&self) -> std::io::Result<usize> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in entries {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with("directory-") && name.ends_with(".json") {
                std::fs::remove_file(&path)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Deletes the directory of `key`; returns whether there was one.
    ///
    /// # Errors
    /// The file exists and cannot be deleted.
    pub fn remove(&self, key: &TokenKey) -> std::io::Result<bool> {
        match std::fs::remove_file(self.path(key)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// How hard the fetch may push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchTuning {
    /// Calls in flight at the start.
    pub initial_concurrency: usize,
    /// Never fewer calls in flight than this (one call at a time cannot use a limit whose
    /// period is shorter than a call's round trip).
    pub min_concurrency: usize,
    /// Never more calls in flight than this.
    pub max_concurrency: usize,
    /// Attempts per call before a throttled call fails.
    pub max_attempts: u32,
    /// The first retry's pause (then doubling, jittered).
    pub base_backoff: Duration,
    /// The longest pause.
    pub max_backoff: Duration,
}

impl Default for FetchTuning {
    fn default() -> Self {
        Self {
            initial_concurrency: 4,
            min_concurrency: 2,
            max_concurrency: 16,
            max_attempts: 12,
            base_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(250),
        }
    }
}

impl FetchTuning {
    /// The pause before attempt `attempt` (1 = the first retry): half the doubled base, plus
    /// a random part up to the other half.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(self.max_backoff);
        let half = ceiling / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// What the fetch reports as it goes (a progress bar, say).
pub trait DirectoryProgress: Sync {
    /// The accounts are listed; their roles come next.
    fn accounts_listed(&self, _accounts: usize) {}
    /// One more account's roles are in.
    fn account_done(&self) {}
}

impl DirectoryProgress for () {}

/// The window of calls in flight: additive increase, multiplicative decrease.
struct Window {
    limit: f64,
    min: f64,
    max: f64,
    generation: u64,
}

impl Window {
    fn new(tuning: &FetchTuning) -> Self {
        let max = tuning.max_concurrency.max(1) as f64;
        let min = (tuning.min_concurrency.max(1) as f64).min(max);
        Self {
            limit: (tuning.initial_concurrency as f64).clamp(min, max),
            min,
            max,
            generation: 0,
        }
    }

    fn size(&self) -> usize {
        self.limit as usize
    }

    fn succeeded(&mut self) {
        self.limit = (self.limit + 1.0 / self.limit).min(self.max);
    }

    /// A call started in `generation` was throttled: halve once per generation.
    fn throttled(&mut self, generation: u64) {
        if generation == self.generation {
            self.limit = (self.limit / 2.0).max(self.min);
            self.generation += 1;
        }
    }
}

/// Lists every account `token` reaches and the roles in each, at most
/// `tuning.max_concurrency` calls at a time, adapting to throttling.
///
/// # Errors
/// The first error that is not throttling, or throttling that outlasts `tuning.max_attempts`.
pub async fn fetch_accounts_and_roles<P: PortalApi, S: Sleeper>(
    portal: &P,
    sleeper: &S,
    token: &Secret,
    tuning: &FetchTuning,
    progress: &dyn DirectoryProgress,
) -> Result<Vec<DirectoryAccount>, PortalError> {
    let mut attempt = 0;
    let accounts = loop {
        match portal.list_accounts(token).await {
            Err(e)
                if (e == PortalError::Throttled || e.is_transient())
                    && attempt + 1 < tuning.max_attempts =>
            {
                attempt += 1;
                sleeper.sleep(tuning.backoff(attempt)).await;
            }
            other => break other?,
        }
    };
    progress.accounts_listed(accounts.len());
    let mut roles: Vec<Option<Vec<String>>> = vec![None; accounts.len()];
    let mut queue: VecDeque<(usize, u32)> = (0..accounts.len()).map(|i| (i, 0)).collect();
    let mut window = Window::new(tuning);
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < window.size() {
            let Some((index, attempt)) = queue.pop_front() else {
                break;
            };
            let generation = window.generation;
            let pause = (attempt > 0).then(|| tuning.backoff(attempt));
            let account_id = accounts[index].account_id.as_str();
            running.push(async move {
                if let Some(pause) = pause {
                    sleeper.sleep(pause).await;
                }
                let result = portal.list_account_roles(token, account_id).await;
                (index, attempt, generation, result)
            });
        }
        let Some((index, attempt, generation, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(mut names) => {
                names.sort();
                names.dedup();
                roles[index] = Some(names);
                window.succeeded();
                progress.account_done();
            }
            Err(PortalError::Throttled) if attempt + 1 < tuning.max_attempts => {
                window.throttled(generation);
                tracing::debug!(
                    "ListAccountRoles throttled; {} in flight from now on",
                    window.size()
                );
                queue.push_front((index, attempt + 1));
            }
            // A 5xx or a broken connection: try that account again after a pause, without
            // narrowing the window (the service is not asking us to slow down).
            Err(e) if e.is_transient() && attempt + 1 < tuning.max_attempts => {
                tracing::debug!("ListAccountRoles failed ({e}); trying again");
                queue.push_back((index, attempt + 1));
            }
            Err(e) => return Err(e),
        }
    }
    drop(running);
    let mut out: Vec<DirectoryAccount> = accounts
        .into_iter()
        .zip(roles)
        .map(|(account, roles)| DirectoryAccount {
            account,
            roles: roles.unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| {
        (a.account.account_name.to_lowercase(), &a.account.account_id)
            .cmp(&(b.account.account_name.to_lowercase(), &b.account.account_id))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_grows_by_one_per_window_and_halves_once_per_generation() {
        let mut w = Window::new(&FetchTuning::default());
        assert_eq!(w.size(), 4);
        for _ in 0..4 {
            w.succeeded();
        }
        assert_eq!(w.size(), 4, "about one more per four successes at four");
        w.succeeded();
        assert_eq!(w.size(), 5);
        let generation = w.generation;
        w.throttled(generation);
        w.throttled(generation);
        assert_eq!(w.size(), 2, "two throttles of one generation halve once");
        w.throttled(w.generation);
        w.throttled(w.generation);
        assert_eq!(w.size(), 2, "never below the floor");
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let t = FetchTuning::default();
        for _ in 0..100 {
            let first = t.backoff(1);
            assert!(first >= Duration::from_millis(10) && first <= Duration::from_millis(20));
            let third = t.backoff(3);
            assert!(third >= Duration::from_millis(40) && third <= Duration::from_millis(80));
            assert!(t.backoff(30) <= t.max_backoff);
        }
    }

    #[test]
    fn a_choice_is_the_one_named_the_only_one_or_several() {
        let account = |id: &str, roles: &[&str]| DirectoryAccount {
            account: Account {
                account_id: id.into(),
                account_name: format!("team {id}"),
                email: String::new(),
            },
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        };
        let d = Directory {
            start_url: "https://d-1.awsapps.com/start".into(),
            fetched_at: OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time"),
            accounts: vec![
                account("1", &["ReadOnly"]),
                account("2", &["Admin", "ReadOnly"]),
            ],
        };
        assert!(
            matches!(d.choose_account(Some("2")), Choice::Named(a) if a.account.account_id == "2")
        );
        assert_eq!(d.choose_account(Some("3")), Choice::NotThere);
        assert!(matches!(d.choose_account(None), Choice::Several(all) if all.len() == 2));
        let one = &d.accounts[0];
        assert_eq!(one.choose_role(None), Choice::Only(&"ReadOnly".to_owned()));
        assert_eq!(one.choose_role(Some("Admin")), Choice::NotThere);
        let none = Directory {
            accounts: Vec::new(),
            ..d.clone()
        };
        assert_eq!(none.choose_account(None), Choice::NoneAtAll);
    }

    #[test]
    fn directory_round_trips_and_rejects_damage() {
        let d = Directory {
            start_url: "https://d-1.awsapps.com/start".into(),
            fetched_at: OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time"),
            accounts: vec![DirectoryAccount {
                account: Account {
                    account_id: "111122223333".into(),
                    account_name: "Dev".into(),
                    email: "dev@example.com".into(),
                },
                roles: vec!["ReadOnly".into()],
            }],
        };
        assert_eq!(Directory::from_json(&d.to_json()), Some(d));
        assert_eq!(Directory::from_json("{\"version\":1}"), None);
        assert_eq!(Directory::from_json("not json"), None);
    }

    /// A portal of `n` accounts that throttles the first two roles calls of every third
    /// account and counts the calls in flight.
    struct Throttling {
        n: usize,
        calls: std::sync::atomic::AtomicUsize,
        in_flight: std::sync::atomic::AtomicUsize,
        most_in_flight: std::sync::atomic::AtomicUsize,
        seen: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    }

    impl PortalApi for Throttling {
        async fn logout(&self, _: &Secret) -> Result<(), PortalError> {
            Ok(())
        }
        async fn get_role_credentials(
            &self,
            _: &Secret,
            _: &str,
            _: &str,
        ) -> Result<aws_sso_token_cache::RoleCredentials, PortalError> {
            Err(PortalError::Forbidden)
        }
        async fn list_accounts(&self, _: &Secret) -> Result<Vec<Account>, PortalError> {
            Ok((0..self.n)
                .map(|i| Account {
                    account_id: format!("{i:012}"),
                    account_name: format!("acct-{i:04}"),
                    email: format!("{i}@example.com"),
                })
                .collect())
        }
        async fn list_account_roles(
            &self,
            _: &Secret,
            account_id: &str,
        ) -> Result<Vec<String>, PortalError> {
            use std::sync::atomic::Ordering::SeqCst;
            let now = self.in_flight.fetch_add(1, SeqCst) + 1;
            self.most_in_flight.fetch_max(now, SeqCst);
            tokio::task::yield_now().await;
            self.in_flight.fetch_sub(1, SeqCst);
            self.calls.fetch_add(1, SeqCst);
            let tries = {
                let mut seen = self.seen.lock().expect("lock");
                let n = seen.entry(account_id.to_owned()).or_insert(0);
                *n += 1;
                *n
            };
            let index: usize = account_id.parse().expect("numeric id");
            if index.is_multiple_of(3) && tries <= 2 {
                return Err(PortalError::Throttled);
            }
            if index % 7 == 1 && tries == 1 {
                return Err(if index.is_multiple_of(2) {
                    PortalError::Service {
                        code: "InternalServerException".into(),
                        message: "boom".into(),
                    }
                } else {
                    PortalError::Unreachable {
                        endpoint: "fake".into(),
                        reason: "connection reset".into(),
                    }
                });
            }
            Ok(vec![format!("Role-{account_id}"), "ReadOnly".into()])
        }
        fn endpoint(&self) -> &str {
            "fake"
        }
    }

    struct NoSleep;
    impl Sleeper for NoSleep {
        async fn sleep(&self, _: Duration) {}
    }

    #[tokio::test]
    async fn throttled_calls_are_retried_within_the_window_bound() {
        let portal = Throttling {
            n: 200,
            calls: 0.into(),
            in_flight: 0.into(),
            most_in_flight: 0.into(),
            seen: Default::default(),
        };
        let done = std::sync::atomic::AtomicUsize::new(0);
        struct Count<'a>(&'a std::sync::atomic::AtomicUsize);
        impl DirectoryProgress for Count<'_> {
            fn account_done(&self) {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let tuning = FetchTuning::default();
        let got =
            fetch_accounts_and_roles(&portal, &NoSleep, &Secret::new("t"), &tuning, &Count(&done))
                .await
                .expect("every throttled call is retried");
        assert_eq!(got.len(), 200);
        assert!(
            got.iter().all(|a| a.roles.len() == 2),
            "every account has its roles"
        );
        assert_eq!(got[0].roles, ["ReadOnly", "Role-000000000000"], "sorted");
        assert_eq!(done.into_inner(), 200);
        // Accounts throttled first are past their first try when the failure would come.
        let failed_once = (0..200).filter(|i| i % 7 == 1 && i % 3 != 0).count();
        assert_eq!(
            portal.calls.into_inner(),
            200 + 2 * 67 + failed_once,
            "each throttled call and each 5xx or reset retried, nothing else called twice"
        );
        let most = portal.most_in_flight.into_inner();
        assert!(
            most <= tuning.max_concurrency,
            "{most} calls in flight at once"
        );
    }

    #[tokio::test]
    async fn throttling_that_never_ends_fails_after_the_attempts() {
        struct Always;
        impl PortalApi for Always {
            async fn logout(&self, _: &Secret) -> Result<(), PortalError> {
                Ok(())
            }
            async fn get_role_credentials(
                &self,
                _: &Secret,
                _: &str,
                _: &str,
            ) -> Result<aws_sso_token_cache::RoleCredentials, PortalError> {
                Err(PortalError::Forbidden)
            }
            async fn list_accounts(&self, _: &Secret) -> Result<Vec<Account>, PortalError> {
                Err(PortalError::Throttled)
            }
            async fn list_account_roles(
                &self,
                _: &Secret,
                _: &str,
            ) -> Result<Vec<String>, PortalError> {
                Err(PortalError::Throttled)
            }
            fn endpoint(&self) -> &str {
                "fake"
            }
        }
        let err = fetch_accounts_and_roles(
            &Always,
            &NoSleep,
            &Secret::new("t"),
            &FetchTuning::default(),
            &(),
        )
        .await
        .expect_err("gives up");
        assert_eq!(err, PortalError::Throttled);
    }
}
