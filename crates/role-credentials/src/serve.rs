//! The credential server's use case (`aws-sso-rs serve`, and `exec --server`'s one profile):
//! each profile at `/profile/NAME`, any kind the credential commands serve, renewed before it
//! expires, never with a browser.
//!
//! - Each request reads the config's stamp (two `stat`s: a change resolves the profiles again)
//!   and the profile's one cache file: what `logout` or another tool changes is seen at once,
//!   and nothing is served from memory that the files no longer hold (but what a
//!   `credential_process` printed, which has no file, until it is due).
//! - Credentials are renewed ahead of the SDKs' own refresh (15 minutes before they expire,
//!   or half their lifetime when they last less than 30 minutes) by [`ProfileServer::renew`],
//!   a loop over the profiles asked for lately; the sign-in behind them is refreshed with its
//!   refresh token inside its refresh window, so the server serves for as long as the refresh
//!   token lasts. Fetches are single-flight within the server and, through the cache's locks,
//!   with every other aws-sso-rs process.
//! - When renewing fails while the credentials still last, they are served until a minute
//!   before they expire. When a person must act (sign in, an MFA code), each request gets
//!   `503` with the message naming the command, [`ServeEvents::unavailable`] is told once,
//!   and no new attempt is made until the sign-in's token file changes or a cooldown passes:
//!   it recovers by itself once the person signs in.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_sso_profile_config::{Env, FileLocations, ProfileSource, SelectedProfile};
use aws_sso_token_cache::{Clock, ExpiryPolicy, RoleCredentials, TokenCache, TokenKey};
use time::{Duration, OffsetDateTime};

use crate::container::{Answer, CredentialHandler};
use crate::{CredentialTarget, Error, ErrorKind, NoMfa, cached_credentials, credentials_for};

/// How far ahead of their expiry credentials are renewed: the AWS SDKs refresh container
/// credentials 15 minutes ahead (botocore's advisory window), so what is served keeps more.
const RENEW_AHEAD: Duration = Duration::minutes(15);

/// When renewing fails, cached credentials are still served while they last this long.
const LAST_MINUTE: Duration = Duration::minutes(1);

/// After a failure that needs a person (a sign-in), how long requests get the same answer
/// without a new attempt, unless the sign-in's token file changes (the person signed in).
const SIGN_IN_COOLDOWN: Duration = Duration::seconds(30);

/// After any other failure (the network, the service), how long before a new attempt.
const FAILURE_COOLDOWN: Duration = Duration::seconds(5);

/// What the server tells the person running it (the CLI prints it).
pub trait ServeEvents: Send + Sync + 'static {
    /// Profile `profile` cannot be served until a person acts, or failed; said once until it
    /// changes.
    fn unavailable(&self, profile: &str, message: &str);
    /// Profile `profile` is served again after being unavailable.
    fn recovered(&self, profile: &str);
    /// Renewing profile `profile` (or refreshing its sign-in) failed while what it serves
    /// still lasts; said once until it changes.
    fn renewal_failed(&self, profile: &str, message: &str) {
        let _ = (profile, message);
    }
    /// Profile `profile` is renewed again (until `until`) after [`ServeEvents::renewal_failed`].
    fn renewed_again(&self, profile: &str, until: Option<OffsetDateTime>) {
        let _ = (profile, until);
    }
    /// The first request without the right token came from `peer` (the later ones are not
    /// told: anyone may send them).
    fn unauthorized(&self, peer: std::net::SocketAddr) {
        let _ = peer;
    }
}

/// What is known of one served profile.
struct Entry {
    target: CredentialTarget,
    /// One fetch at a time for this profile.
    fetch: tokio::sync::Mutex<()>,
    state: Mutex<EntryState>,
}

struct EntryState {
    /// How long the last credentials fetched here lasted, and the sign-in's token.
    credentials_lifetime: Option<Duration>,
    token_lifetime: Option<Duration>,
    /// What a `credential_process` printed: no file holds it.
    held: Option<RoleCredentials>,
    /// When a client last asked: only profiles asked for lately are renewed.
    last_asked: OffsetDateTime,
    /// The last failure: its answer, when, and the token file's stamp before that attempt.
    failed: Option<(Failure, OffsetDateTime, Option<u64>)>,
    /// What [`ServeEvents::unavailable`] was last told, so it is told once.
    said: Option<String>,
    /// What [`ServeEvents::renewal_failed`] was last told.
    renewal_said: Option<String>,
    /// No sign-in refresh is tried before this (after one that changed nothing).
    token_retry_after: Option<OffsetDateTime>,
}

#[derive(Clone)]
enum Failure {
    Unavailable { code: &'static str, message: String },
    Failed(String),
}

impl Failure {
    fn of(error: &Error) -> Self {
        let code = match error.kind() {
            ErrorKind::NeedsLogin { .. } | ErrorKind::LoginCoolingDown { .. } => "SignInNeeded",
            ErrorKind::DamagedToken { .. } => "DamagedToken",
            ErrorKind::MfaCodeNeeded { .. } => "MfaCodeNeeded",
            _ => return Self::Failed(error.to_string()),
        };
        Self::Unavailable {
            code,
            message: error.to_string(),
        }
    }

    fn cooldown(&self) -> Duration {
        match self {
            Self::Unavailable { .. } => SIGN_IN_COOLDOWN,
            Self::Failed(_) => FAILURE_COOLDOWN,
        }
    }

    fn answer(&self) -> Answer {
        match self {
            Self::Unavailable { code, message } => Answer::Unavailable {
                code,
                message: message.clone(),
            },
            Self::Failed(m) => Answer::Failed(m.clone()),
        }
    }

    fn message(&self) -> &str {
        match self {
            Self::Unavailable { message, .. } | Self::Failed(message) => message,
        }
    }
}

/// A file's identity and state, to notice a change without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    modified: Option<SystemTime>,
    len: u64,
    #[cfg(unix)]
    inode: u64,
}

fn stamp(path: &std::path::Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(FileStamp {
        modified: meta.modified().ok(),
        len: meta.len(),
        #[cfg(unix)]
        inode: std::os::unix::fs::MetadataExt::ino(&meta),
    })
}

/// How far ahead of its expiry something that lasts `lifetime` is renewed: `ahead`, or half
/// its lifetime when that is shorter.
fn margin(lifetime: Option<Duration>, ahead: Duration) -> Duration {
    lifetime.map_or(ahead, |l| ahead.min(l / 2))
}

/// The config files' stamps, and the profiles resolved while the files were so.
type Resolved = (Vec<Option<FileStamp>>, HashMap<String, Arc<Entry>>);

/// The server's state: the config, the cache, and what it knows of each profile served.
pub struct ProfileServer<E: ServeEvents> {
    locations: FileLocations,
    env: Arc<dyn Env + Send + Sync>,
    cache: TokenCache,
    clock: Arc<dyn Clock>,
    only: Option<BTreeSet<String>>,
    events: E,
    /// `exec --server`: one profile, already resolved, at `/credentials`.
    fixed: Option<String>,
    config: Mutex<Resolved>,
    /// What was said of profiles the config cannot resolve, so it is said once.
    broken: Mutex<HashMap<String, String>>,
    /// Whether a request without the right token was told of.
    unauthorized_said: std::sync::atomic::AtomicBool,
}

impl<E: ServeEvents> ProfileServer<E> {
    /// Whether the config file is there (a server started without one answers 404 to every
    /// profile until it is).
    pub fn config_exists(&self) -> bool {
        self.fixed.is_some() || self.locations.config.exists()
    }

    /// A server of the profiles in `locations`' files (only those of `only`, when given),
    /// each at `/profile/NAME`, with the cache, environment and clock given.
    pub fn new(
        locations: FileLocations,
        env: Arc<dyn Env + Send + Sync>,
        cache: TokenCache,
        clock: Arc<dyn Clock>,
        only: Option<BTreeSet<String>>,
        events: E,
    ) -> Self {
        Self {
            locations,
            env,
            cache,
            clock,
            only,
            events,
            fixed: None,
            config: Mutex::new((Vec::new(), HashMap::new())),
            broken: Mutex::new(HashMap::new()),
            unauthorized_said: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// A server of `target` alone, at `/credentials` (`aws-sso-rs exec --server`).
    pub fn for_target(
        target: CredentialTarget,
        cache: TokenCache,
        clock: Arc<dyn Clock>,
        events: E,
    ) -> Self {
        let profile = target.profile().to_owned();
        let entry = Arc::new(Entry {
            target,
            fetch: tokio::sync::Mutex::new(()),
            state: Mutex::new(EntryState::new(clock.now())),
        });
        Self {
            locations: FileLocations {
                config: PathBuf::new(),
                credentials: PathBuf::new(),
            },
            env: Arc::new(aws_sso_profile_config::MapEnv::new()),
            cache,
            clock,
            only: None,
            events,
            fixed: Some(profile.clone()),
            config: Mutex::new((Vec::new(), HashMap::from([(profile, entry)]))),
            broken: Mutex::new(HashMap::new()),
            unauthorized_said: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The path that serves `profile`: `/profile/NAME`, the name percent-encoded.
    pub fn path_of(profile: &str) -> String {
        format!(
            "/profile/{}",
            percent_encoding::utf8_percent_encode(profile, PATH_SEGMENT)
        )
    }

    fn config_stamps(&self) -> Vec<Option<FileStamp>> {
        [&self.locations.config, &self.locations.credentials]
            .into_iter()
            .map(|p| stamp(p))
            .collect()
    }

    /// Forgets every resolved profile when the config files changed (not for a fixed one).
    fn forget_if_changed(&self) -> Vec<Option<FileStamp>> {
        if self.fixed.is_some() {
            return Vec::new();
        }
        let stamps = self.config_stamps();
        let mut config = self
            .config
            .lock()
            .expect("the server's state is not poisoned");
        if config.0 != stamps {
            // Every profile is resolved again (what was learnt of lifetimes is learnt again).
            *config = (stamps.clone(), HashMap::new());
        }
        stamps
    }

    /// The entry of `profile`, resolved once per state of the config files.
    fn entry(&self, profile: &str) -> Result<Arc<Entry>, Answer> {
        let stamps = self.forget_if_changed();
        if let Some(entry) = self
            .config
            .lock()
            .expect("the server's state is not poisoned")
            .1
            .get(profile)
        {
            return Ok(entry.clone());
        }
        let selected = SelectedProfile {
            name: profile.to_owned(),
            source: ProfileSource::Flag,
        };
        let target = match crate::selection::credential_target(
            &self.locations,
            &selected,
            self.env.as_ref(),
        ) {
            Ok((target, _)) => target,
            Err(e) => {
                let not_found = match e.kind() {
                    ErrorKind::Config(c) => match c.kind() {
                        aws_sso_profile_config::ErrorKind::ProfileNotFound {
                            path,
                            file_missing,
                            ..
                        } => Some((path.clone(), *file_missing)),
                        _ => None,
                    },
                    _ => None,
                };
                return Err(match not_found {
                    Some((path, true)) => Answer::NotFound(format!(
                        "there is no profile '{profile}': the config file {} does not exist",
                        path.display()
                    )),
                    Some((path, false)) => {
                        let closest = aws_sso_profile_config::ProfileSet::load(&self.locations)
                            .ok()
                            .and_then(|set| {
                                aws_sso_profile_config::closest_name(
                                    set.profiles().map(|p| p.name()),
                                    profile,
                                )
                                .map(|c| format!(" (did you mean /profile/{c}?)"))
                            })
                            .unwrap_or_default();
                        Answer::NotFound(format!(
                            "there is no profile '{profile}' in {}; a program names the profile in its URI, /profile/NAME{closest}",
                            path.display()
                        ))
                    }
                    None => Answer::Failed(e.to_string()),
                });
            }
        };
        if target.long_term_keys() {
            return Err(Answer::Failed(no_expiry(profile)));
        }
        let entry = Arc::new(Entry {
            target,
            fetch: tokio::sync::Mutex::new(()),
            state: Mutex::new(EntryState::new(self.clock.now())),
        });
        let mut config = self
            .config
            .lock()
            .expect("the server's state is not poisoned");
        // Resolved against files that changed meanwhile: used once, not kept.
        if config.0 != stamps {
            return Ok(entry);
        }
        Ok(config.1.entry(profile.to_owned()).or_insert(entry).clone())
    }

    /// The policy for `entry`: credentials renewed ahead of the SDKs' own refresh.
    fn policy(entry: &Entry) -> ExpiryPolicy {
        let state = entry.state.lock().expect("the entry is not poisoned");
        let default = ExpiryPolicy::default();
        ExpiryPolicy {
            role_credentials_window: margin(state.credentials_lifetime, RENEW_AHEAD),
            token_refresh_window: margin(state.token_lifetime, default.token_refresh_window),
            ..default
        }
    }

    /// `entry`'s credentials with more than `policy`'s window left: its cache file, or what
    /// its process printed.
    fn cached(
        &self,
        entry: &Entry,
        policy: &ExpiryPolicy,
        now: OffsetDateTime,
    ) -> Option<RoleCredentials> {
        // Signed out (`logout`): nothing that stood on the sign-in is served, even what a
        // renewal under way at that moment stored after it.
        if let Some(sign_in) = entry.target.sign_in()
            && !self
                .cache
                .has_token(&TokenKey::for_session(&sign_in.session))
        {
            return None;
        }
        cached_credentials(&self.cache, &entry.target, policy, now).or_else(|| {
            entry
                .state
                .lock()
                .expect("the entry is not poisoned")
                .held
                .clone()
                .filter(|c| policy.role_credentials_fresh(c, now))
        })
    }

    /// A fingerprint of the sign-in's token as stored (a file or a keyring item): a new
    /// sign-in changes it.
    fn token_stamp(&self, entry: &Entry) -> Option<u64> {
        let sign_in = entry.target.sign_in()?;
        self.cache
            .token_fingerprint(&TokenKey::for_session(&sign_in.session))
    }

    fn token_expiry(&self, entry: &Entry) -> Option<OffsetDateTime> {
        let sign_in = entry.target.sign_in()?;
        self.cache
            .load_token(&TokenKey::for_session(&sign_in.session))
            .ok()
            .flatten()
            .map(|t| t.expires_at)
    }

    /// The credentials of `profile`: cached, else fetched (once at a time), or why not.
    pub async fn credentials(&self, profile: &str) -> Answer {
        if self
            .only
            .as_ref()
            .is_some_and(|only| !only.contains(profile))
        {
            return Answer::NotFound(format!(
                "profile '{profile}' is not served here: this aws-sso-rs serve was started with --profile {}",
                self.only
                    .iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" --profile ")
            ));
        }
        let entry = match self.entry(profile) {
            Ok(entry) => entry,
            Err(answer) => {
                // A profile the config cannot resolve, or one this server was started for and
                // that is gone from the files: said once (anyone with the token may ask for
                // any name; those are answered, not said).
                let said = match &answer {
                    Answer::Failed(m) => Some(m),
                    Answer::NotFound(m) if self.only.is_some() => Some(m),
                    _ => None,
                };
                if let Some(message) = said {
                    let mut broken = self
                        .broken
                        .lock()
                        .expect("the server's state is not poisoned");
                    if broken.get(profile) != Some(message) {
                        broken.insert(profile.to_owned(), message.clone());
                        drop(broken);
                        self.events.unavailable(profile, message);
                    }
                }
                return answer;
            }
        };
        if self
            .broken
            .lock()
            .expect("the server's state is not poisoned")
            .remove(profile)
            .is_some()
        {
            self.events.recovered(profile);
        }
        self.answer_for(profile, &entry).await
    }

    async fn answer_for(&self, profile: &str, entry: &Entry) -> Answer {
        let now = self.clock.now();
        entry
            .state
            .lock()
            .expect("the entry is not poisoned")
            .last_asked = now;
        if let Some(c) = self.cached(entry, &Self::policy(entry), now) {
            self.served(profile, entry);
            return Answer::Credentials(c);
        }
        self.fetch(profile, entry).await
    }

    /// Fetches `entry`'s credentials, single-flight; a failure in its cooldown is answered
    /// again without a new attempt; when renewing fails, what still lasts is served.
    async fn fetch(&self, profile: &str, entry: &Entry) -> Answer {
        let _one = entry.fetch.lock().await;
        let now = self.clock.now();
        let policy = Self::policy(entry);
        // Another request fetched them meanwhile.
        if let Some(c) = self.cached(entry, &policy, now) {
            self.served(profile, entry);
            return Answer::Credentials(c);
        }
        let token_stamp = self.token_stamp(entry);
        let cooling = {
            let state = entry.state.lock().expect("the entry is not poisoned");
            state
                .failed
                .as_ref()
                .filter(|(failure, at, stamp)| {
                    now - *at < failure.cooldown() && *stamp == token_stamp
                })
                .map(|(failure, _, _)| failure.clone())
        };
        if let Some(failure) = cooling {
            return self
                .still_lasting(entry, now)
                .map_or_else(|| failure.answer(), Answer::Credentials);
        }
        let token_before = self.token_expiry(entry);
        // Boxed: the fetch is a deep future, and the server's own stays small.
        let got = Box::pin(credentials_for(
            &entry.target,
            &self.cache,
            &self.clock,
            policy,
            None::<(&aws_sso_device_auth::PrintPresenter, _)>,
            &NoMfa,
        ))
        .await;
        let now = self.clock.now();
        // A token renewed now (whatever came of the rest) shows how long the sign-in's tokens
        // last, so the next refresh waits for the last part of its life.
        let token_after = self.token_expiry(entry);
        if let Some(until) = token_after.filter(|after| Some(*after) != token_before) {
            entry
                .state
                .lock()
                .expect("the entry is not poisoned")
                .token_lifetime = Some(until - now);
        }
        // The container protocol carries a session token and an expiry.
        let got = got.map_err(|e| Failure::of(&e)).and_then(|c| {
            if c.expiration.is_none() || c.session_token().is_none() {
                Err(Failure::Failed(no_expiry(profile)))
            } else {
                Ok(c)
            }
        });
        match got {
            Ok(c) => {
                let renewed_again = {
                    let mut state = entry.state.lock().expect("the entry is not poisoned");
                    if let Some(until) = c.expiration {
                        state.credentials_lifetime = Some(until - now);
                    }
                    if cached_credentials(&self.cache, &entry.target, &ExpiryPolicy::default(), now)
                        .is_none()
                    {
                        state.held = Some(c.clone());
                    }
                    state.renewal_said.take().is_some()
                };
                if renewed_again {
                    self.events.renewed_again(profile, c.expiration);
                }
                tracing::debug!(
                    "credential server: fetched the credentials of profile '{profile}' (until {})",
                    c.expiration
                        .map(aws_sso_token_cache::timestamp::format)
                        .unwrap_or_default()
                );
                self.served(profile, entry);
                Answer::Credentials(c)
            }
            Err(failure) => {
                // The token file as it is now (this attempt may have refreshed it): only a
                // change after this one (a person signing in) ends the cooldown.
                let stamp_now = self.token_stamp(entry);
                entry
                    .state
                    .lock()
                    .expect("the entry is not poisoned")
                    .failed = Some((failure.clone(), now, stamp_now));
                if let Some(c) = self.still_lasting(entry, now) {
                    self.say_renewal_failed(
                        profile,
                        entry,
                        &format!(
                            "{}; serving its credentials until a minute before they expire ({})",
                            failure.message(),
                            c.expiration
                                .map(aws_sso_token_cache::timestamp::format)
                                .unwrap_or_default()
                        ),
                    );
                    return Answer::Credentials(c);
                }
                let said = {
                    let mut state = entry.state.lock().expect("the entry is not poisoned");
                    let said = state.said.as_deref() == Some(failure.message());
                    state.said = Some(failure.message().to_owned());
                    said
                };
                if !said {
                    self.events.unavailable(profile, failure.message());
                }
                failure.answer()
            }
        }
    }

    /// What `entry` still has for more than [`LAST_MINUTE`].
    fn still_lasting(&self, entry: &Entry, now: OffsetDateTime) -> Option<RoleCredentials> {
        let last = ExpiryPolicy {
            role_credentials_window: LAST_MINUTE,
            ..ExpiryPolicy::default()
        };
        self.cached(entry, &last, now)
    }

    fn say_renewal_failed(&self, profile: &str, entry: &Entry, message: &str) {
        let mut state = entry.state.lock().expect("the entry is not poisoned");
        if state.renewal_said.as_deref() != Some(message) {
            state.renewal_said = Some(message.to_owned());
            drop(state);
            self.events.renewal_failed(profile, message);
        }
    }

    /// Marks `entry` served: a failure before is over.
    fn served(&self, profile: &str, entry: &Entry) {
        let was_failing = {
            let mut state = entry.state.lock().expect("the entry is not poisoned");
            if state.failed.is_none() && state.said.is_none() {
                return;
            }
            state.failed = None;
            state.said.take().is_some()
        };
        if was_failing {
            self.events.recovered(profile);
        }
    }

    /// Renews, forever, the credentials of every profile asked for lately (within twice its
    /// credentials' lifetime, at least ten minutes) before they expire, and the sign-ins behind
    /// them inside their refresh window (never with a browser). Run it beside
    /// [`crate::ContainerServer::serve`]; it ends when dropped.
    pub async fn renew(&self) {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            self.forget_if_changed();
            let entries: Vec<(String, Arc<Entry>)> = {
                let config = self
                    .config
                    .lock()
                    .expect("the server's state is not poisoned");
                config
                    .1
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            for (profile, entry) in entries {
                self.renew_one(&profile, &entry).await;
            }
        }
    }

    async fn renew_one(&self, profile: &str, entry: &Entry) {
        let now = self.clock.now();
        let (asked_lately, token_may_retry) = {
            let state = entry.state.lock().expect("the entry is not poisoned");
            let keep: Duration = (state.credentials_lifetime.unwrap_or(Duration::hours(1)) * 2_i32)
                .max(Duration::minutes(10));
            (
                now - state.last_asked < keep,
                state.token_retry_after.is_none_or(|t| now >= t),
            )
        };
        if !asked_lately {
            return;
        }
        let policy = Self::policy(entry);
        if self.cached(entry, &policy, now).is_none() {
            let _ = Box::pin(self.fetch(profile, entry)).await;
            return;
        }
        let Some(role) = entry.target.sso_role() else {
            return;
        };
        let token_due = self
            .cache
            .load_token(&role.token_key())
            .ok()
            .flatten()
            .is_some_and(|t| {
                t.expires_at - now < policy.token_refresh_window && t.can_refresh(now)
            });
        if !(token_due && token_may_retry) {
            return;
        }
        let _one = entry.fetch.lock().await;
        let before = self.token_expiry(entry);
        let clients = crate::SdkClients::for_target(role);
        let resolver = clients
            .resolver(&self.clock, &self.cache)
            .with_policy(policy);
        let refreshed = Box::pin(resolver.token(role)).await;
        let now = self.clock.now();
        let mut state = entry.state.lock().expect("the entry is not poisoned");
        match refreshed {
            Ok(token) if Some(token.expires_at) != before => {
                state.token_lifetime = Some(token.expires_at - now);
                state.token_retry_after = None;
                tracing::debug!(
                    "credential server: refreshed the sign-in of profile '{profile}' (until {})",
                    aws_sso_token_cache::timestamp::format(token.expires_at)
                );
            }
            other => {
                // Not renewed (the service or the network failed, or refused it): not tried
                // again before the cooldown; the requests say the rest.
                state.token_retry_after = Some(now + SIGN_IN_COOLDOWN);
                drop(state);
                let why = match other {
                    Err(e) => e.to_string(),
                    Ok(_) => "the refresh gave no new token".to_owned(),
                };
                self.say_renewal_failed(
                    profile,
                    entry,
                    &format!("cannot refresh the sign-in: {why}; trying again in 30 seconds"),
                );
            }
        }
    }
}

impl EntryState {
    fn new(now: OffsetDateTime) -> Self {
        Self {
            credentials_lifetime: None,
            token_lifetime: None,
            held: None,
            last_asked: now,
            failed: None,
            said: None,
            renewal_said: None,
            token_retry_after: None,
        }
    }
}

/// Why a profile whose credentials do not expire is not served.
fn no_expiry(profile: &str) -> String {
    format!(
        "profile '{profile}' gives keys with no expiry or session token (long-term keys, or a credential_process that prints none), and the container-credentials protocol carries short-lived credentials (the AWS SDKs need their token and expiry); serve a role assumed on them instead"
    )
}

impl<E: ServeEvents> CredentialHandler for ProfileServer<E> {
    fn refused(&self, peer: std::net::SocketAddr) {
        if !self
            .unauthorized_said
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            self.events.unauthorized(peer);
        }
    }

    async fn answer(&self, path: &str) -> Answer {
        if let Some(profile) = &self.fixed {
            if path != "/credentials" {
                return Answer::NotFound(format!(
                    "nothing is served at {path}: the credentials are at /credentials"
                ));
            }
            let entry = self
                .config
                .lock()
                .expect("the server's state is not poisoned")
                .1
                .get(profile)
                .cloned()
                .expect("a fixed profile is always there");
            return self.answer_for(profile, &entry).await;
        }
        let Some(encoded) = path.strip_prefix("/profile/").filter(|p| !p.is_empty()) else {
            return Answer::NotFound(format!(
                "nothing is served at {path}: each profile is at /profile/NAME"
            ));
        };
        let Ok(profile) = percent_encoding::percent_decode_str(encoded).decode_utf8() else {
            return Answer::NotFound(format!("{path} names no profile"));
        };
        self.credentials(&profile).await
    }
}

/// Characters a profile name keeps percent-encoded in a path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'@')
    .remove(b'+');

/// Where `aws-sso-rs serve` listening on `addr` writes its token by default:
/// `serve-PORT.token` for `127.0.0.1`, `serve-ADDRESS-PORT.token` for another address, in
/// `$XDG_RUNTIME_DIR/aws-sso-rs/` (a folder only the user can read, emptied when the user's
/// last session ends), else in the `serve` folder of the tool's cache folder. One file per
/// address and port: two servers never take each other's token.
pub fn default_token_file(
    env: &dyn Env,
    tool_cache_dir: &std::path::Path,
    addr: std::net::SocketAddr,
) -> PathBuf {
    let name = if addr.ip() == std::net::IpAddr::from([127, 0, 0, 1]) {
        format!("serve-{}.token", addr.port())
    } else {
        // `:` of an IPv6 address is no good in a file name on every system.
        let ip = addr.ip().to_string().replace(':', "_");
        format!("serve-{ip}-{}.token", addr.port())
    };
    env.non_empty(aws_sso_profile_config::env::vars::XDG_RUNTIME_DIR)
        .map_or_else(
            || tool_cache_dir.join("serve"),
            |d| PathBuf::from(d).join("aws-sso-rs"),
        )
        .join(name)
}

/// Removes a token file and its lock at once (a second stop signal, which cannot wait for
/// the [`TokenFile`] to be dropped).
pub fn remove_token_file(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    let mut lock = path.as_os_str().to_owned();
    lock.push(".lock");
    let _ = std::fs::remove_file(PathBuf::from(lock));
}

/// A credential server's token in its file (mode 0600, in a folder only the user can read),
/// for `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, which the AWS SDKs read on each request.
#[derive(Debug)]
pub struct TokenFile {
    path: PathBuf,
    token: aws_sso_token_cache::Secret,
    /// `PATH.lock`, locked while this server runs: no second server takes the same file.
    lock: (PathBuf, std::fs::File),
}

impl TokenFile {
    /// Writes `token` to `path` atomically (a reader never sees half of it), making its
    /// folder if needed; with `own_folder` (the default folder, aws-sso-rs's own), that folder
    /// is made private (`0700`) even when it was there already.
    ///
    /// # Errors
    /// The folder or the file cannot be written.
    pub fn write(
        path: PathBuf,
        token: aws_sso_token_cache::Secret,
        own_folder: bool,
    ) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            aws_sso_profile_config::atomic::create_private_dir_all(dir)?;
            #[cfg(unix)]
            if own_folder {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
            #[cfg(not(unix))]
            let _ = own_folder;
        }
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::ResourceBusy,
                    "another aws-sso-rs serve is using it",
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        aws_sso_profile_config::atomic::write_atomic(&path, token.expose().as_bytes(), 0o600)?;
        Ok(Self {
            path,
            token,
            lock: (lock_path, lock),
        })
    }

    /// The file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Removes the file, if it still holds this token (another server may have written its
    /// own since, which stays).
    pub fn remove(self) {
        if std::fs::read(&self.path).is_ok_and(|t| t == self.token.expose().as_bytes()) {
            let _ = std::fs::remove_file(&self.path);
        }
        let _ = std::fs::remove_file(&self.lock.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;

    impl ServeEvents for Quiet {
        fn unavailable(&self, _: &str, _: &str) {}
        fn recovered(&self, _: &str) {}
    }

    #[test]
    fn short_lived_credentials_are_renewed_at_half_their_life_long_ones_15_minutes_ahead() {
        assert_eq!(margin(None, RENEW_AHEAD), Duration::minutes(15));
        assert_eq!(
            margin(Some(Duration::hours(1)), RENEW_AHEAD),
            Duration::minutes(15)
        );
        assert_eq!(
            margin(Some(Duration::seconds(20)), RENEW_AHEAD),
            Duration::seconds(10)
        );
    }

    #[test]
    fn a_profile_name_round_trips_through_its_path() {
        for name in ["dev-ro", "team/prod admin", "é@x+y"] {
            let path = ProfileServer::<Quiet>::path_of(name);
            let encoded = path.strip_prefix("/profile/").expect("prefix");
            assert!(!encoded.contains(' ') && !encoded.contains('/'), "{path}");
            let back = percent_encoding::percent_decode_str(encoded)
                .decode_utf8()
                .expect("utf-8");
            assert_eq!(back, name);
        }
    }
}
