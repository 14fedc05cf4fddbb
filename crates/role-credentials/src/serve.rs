//! The credential server's use case (`aws-sso-rs serve`): each profile of the config at
//! `/profile/NAME`, any kind the credential commands serve, renewed before it expires, never
//! with a browser.
//!
//! - Each request reads the config's stamp (two `stat`s: a change resolves the profiles again)
//!   and the profile's one cache file: what `logout` or another tool changes is seen at once,
//!   and nothing is served from memory that the files no longer hold.
//! - Credentials are renewed ahead of the SDKs' own refresh (15 minutes before they expire,
//!   or half their lifetime when they last less than 30 minutes) by [`ProfileServer::renew`],
//!   a loop over the profiles served so far; the sign-in behind them is refreshed with its
//!   refresh token inside its refresh window, so the server serves for as long as the refresh
//!   token lasts. Fetches are single-flight within the server and, through the cache's locks,
//!   with every other aws-sso-rs process.
//! - When a person must act (sign in, an MFA code), each request gets `503` with the message
//!   naming the command, [`ServeEvents::unavailable`] is told once, and no new attempt is made
//!   until the sign-in's token file changes or a cooldown passes: it recovers by itself once
//!   the person signs in.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_sso_profile_config::{Env, FileLocations, ProfileSource, SelectedProfile};
use aws_sso_token_cache::{Clock, ExpiryPolicy, TokenCache, TokenKey};
use time::{Duration, OffsetDateTime};

use crate::container::{Answer, CredentialHandler};
use crate::{CredentialTarget, Error, ErrorKind, NoMfa, cached_credentials, credentials_for};

/// How far ahead of their expiry credentials are renewed: the AWS SDKs refresh container
/// credentials 15 minutes ahead (botocore's advisory window), so what is served keeps more.
const RENEW_AHEAD: Duration = Duration::minutes(15);

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
}

/// What is known of one served profile.
struct Entry {
    target: CredentialTarget,
    /// One fetch at a time for this profile.
    fetch: tokio::sync::Mutex<()>,
    state: Mutex<EntryState>,
}

#[derive(Default)]
struct EntryState {
    /// How long the last credentials fetched here lasted, and the sign-in's token.
    credentials_lifetime: Option<Duration>,
    token_lifetime: Option<Duration>,
    /// The last failure: its answer, when, and the token file's stamp then.
    failed: Option<(Failure, OffsetDateTime, Option<FileStamp>)>,
}

#[derive(Clone)]
enum Failure {
    Unavailable(String),
    Failed(String),
}

impl Failure {
    fn cooldown(&self) -> Duration {
        match self {
            Self::Unavailable(_) => SIGN_IN_COOLDOWN,
            Self::Failed(_) => FAILURE_COOLDOWN,
        }
    }

    fn answer(&self) -> Answer {
        match self {
            Self::Unavailable(m) => Answer::Unavailable(m.clone()),
            Self::Failed(m) => Answer::Failed(m.clone()),
        }
    }

    fn message(&self) -> &str {
        match self {
            Self::Unavailable(m) | Self::Failed(m) => m,
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

/// How far ahead of its expiry something that lasts `lifetime` is renewed: [`RENEW_AHEAD`],
/// or half its lifetime when that is shorter.
fn margin(lifetime: Option<Duration>, ahead: Duration) -> Duration {
    lifetime.map_or(ahead, |l| ahead.min(l / 2))
}

/// Whether `error` needs a person (a sign-in, an MFA code) rather than time.
fn needs_a_person(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NeedsLogin { .. }
            | ErrorKind::DamagedToken { .. }
            | ErrorKind::MfaCodeNeeded { .. }
            | ErrorKind::LoginCoolingDown { .. }
    )
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
    /// The config files' stamps when `entries` were resolved.
    config: Mutex<Resolved>,
}

impl<E: ServeEvents> ProfileServer<E> {
    /// A server of the profiles in `locations`' files (only those of `only`, when given),
    /// with the cache, environment and clock given.
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
            config: Mutex::new((Vec::new(), HashMap::new())),
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

    /// The entry of `profile`, resolved once per state of the config files.
    fn entry(&self, profile: &str) -> Result<Arc<Entry>, Answer> {
        let stamps = self.config_stamps();
        {
            let mut config = self
                .config
                .lock()
                .expect("the server's state is not poisoned");
            if config.0 != stamps {
                // The config changed: every profile is resolved again (what was learnt of
                // lifetimes is learnt again too).
                *config = (stamps, HashMap::new());
            }
            if let Some(entry) = config.1.get(profile) {
                return Ok(entry.clone());
            }
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
                let text = e.to_string();
                let not_found = matches!(e.kind(), ErrorKind::Config(c)
                    if matches!(c.kind(), aws_sso_profile_config::ErrorKind::ProfileNotFound { .. }));
                return Err(if not_found {
                    Answer::NotFound(text)
                } else {
                    Answer::Failed(text)
                });
            }
        };
        if target.long_term_keys() {
            return Err(Answer::Failed(format!(
                "profile '{profile}' holds long-term keys, and the container-credentials protocol carries short-lived credentials (the AWS SDKs need their token and expiry); serve a role assumed on them instead"
            )));
        }
        let entry = Arc::new(Entry {
            target,
            fetch: tokio::sync::Mutex::new(()),
            state: Mutex::new(EntryState::default()),
        });
        let mut config = self
            .config
            .lock()
            .expect("the server's state is not poisoned");
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

    fn token_stamp(&self, entry: &Entry) -> Option<FileStamp> {
        let sign_in = entry.target.sign_in()?;
        stamp(
            &self
                .cache
                .token_path(&TokenKey::for_session(&sign_in.session)),
        )
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
            Err(answer) => return answer,
        };
        let policy = Self::policy(&entry);
        if let Some(c) = cached_credentials(&self.cache, &entry.target, &policy, self.clock.now()) {
            self.served(profile, &entry);
            return Answer::Credentials(c);
        }
        self.fetch(profile, &entry).await
    }

    /// Fetches `entry`'s credentials, single-flight; a failure in its cooldown is answered
    /// again without a new attempt.
    async fn fetch(&self, profile: &str, entry: &Entry) -> Answer {
        let _one = entry.fetch.lock().await;
        let now = self.clock.now();
        let policy = Self::policy(entry);
        // Another request fetched them meanwhile.
        if let Some(c) = cached_credentials(&self.cache, &entry.target, &policy, now) {
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
            return failure.answer();
        }
        let token_before = entry.target.sign_in().and_then(|s| {
            self.cache
                .load_token(&TokenKey::for_session(&s.session))
                .ok()
                .flatten()
                .map(|t| t.expires_at)
        });
        let got = credentials_for(
            &entry.target,
            &self.cache,
            &self.clock,
            policy,
            None::<(&aws_sso_device_auth::PrintPresenter, _)>,
            &NoMfa,
        )
        .await;
        let now = self.clock.now();
        match got {
            Ok(c) => {
                let token_after = entry.target.sign_in().and_then(|s| {
                    self.cache
                        .load_token(&TokenKey::for_session(&s.session))
                        .ok()
                        .flatten()
                        .map(|t| t.expires_at)
                });
                {
                    let mut state = entry.state.lock().expect("the entry is not poisoned");
                    if let Some(until) = c.expiration {
                        state.credentials_lifetime = Some(until - now);
                    }
                    // A token renewed now shows how long the sign-in's tokens last.
                    if let Some(until) = token_after.filter(|after| Some(*after) != token_before) {
                        state.token_lifetime = Some(until - now);
                    }
                }
                self.served(profile, entry);
                Answer::Credentials(c)
            }
            Err(e) => {
                let failure = if needs_a_person(&e) {
                    Failure::Unavailable(e.to_string())
                } else {
                    Failure::Failed(e.to_string())
                };
                let said = {
                    let mut state = entry.state.lock().expect("the entry is not poisoned");
                    let said = state
                        .failed
                        .as_ref()
                        .is_some_and(|(f, _, _)| f.message() == failure.message());
                    state.failed = Some((failure.clone(), now, self.token_stamp(entry)));
                    said
                };
                if !said {
                    self.events.unavailable(profile, failure.message());
                }
                failure.answer()
            }
        }
    }

    /// Marks `entry` served: a failure before is over.
    fn served(&self, profile: &str, entry: &Entry) {
        let was_failing = entry
            .state
            .lock()
            .expect("the entry is not poisoned")
            .failed
            .take()
            .is_some();
        if was_failing {
            self.events.recovered(profile);
        }
    }

    /// Renews, forever, the credentials of every profile served so far before they expire,
    /// and the sign-ins behind them inside their refresh window (never with a browser).
    /// Run it beside [`crate::ContainerServer::serve`]; it ends when dropped.
    pub async fn renew(&self) {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
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
        let policy = Self::policy(entry);
        let credentials_due =
            cached_credentials(&self.cache, &entry.target, &policy, now).is_none();
        let token_due = entry.target.sign_in().is_some_and(|s| {
            self.cache
                .load_token(&TokenKey::for_session(&s.session))
                .ok()
                .flatten()
                .is_some_and(|t| {
                    t.expires_at - now < policy.token_refresh_window && t.can_refresh(now)
                })
        });
        if credentials_due {
            let _ = self.fetch(profile, entry).await;
        } else if token_due && let Some(role) = entry.target.sso_role() {
            let _one = entry.fetch.lock().await;
            let before = self
                .cache
                .load_token(&role.token_key())
                .ok()
                .flatten()
                .map(|t| t.expires_at);
            let clients = crate::SdkClients::for_target(role);
            let refreshed = clients
                .resolver(&self.clock, &self.cache)
                .with_policy(policy)
                .token(role)
                .await;
            if let Ok(token) = refreshed
                && Some(token.expires_at) != before
            {
                let mut state = entry.state.lock().expect("the entry is not poisoned");
                state.token_lifetime = Some(token.expires_at - self.clock.now());
                tracing::debug!(
                    "credential server: refreshed the sign-in of profile '{profile}' (until {})",
                    token.expires_at
                );
            }
        }
    }
}

impl<E: ServeEvents> CredentialHandler for ProfileServer<E> {
    async fn answer(&self, path: &str) -> Answer {
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

/// `exec --server`'s one profile at `/credentials`.
pub(crate) struct OneProfile {
    target: CredentialTarget,
    cache: TokenCache,
    clock: Arc<dyn Clock>,
}

impl OneProfile {
    pub(crate) fn new(target: CredentialTarget, cache: TokenCache, clock: Arc<dyn Clock>) -> Self {
        Self {
            target,
            cache,
            clock,
        }
    }
}

impl CredentialHandler for OneProfile {
    async fn answer(&self, path: &str) -> Answer {
        if path != "/credentials" {
            return Answer::NotFound(format!(
                "nothing is served at {path}: the credentials are at /credentials"
            ));
        }
        let policy = ExpiryPolicy::default();
        if let Some(c) = cached_credentials(&self.cache, &self.target, &policy, self.clock.now()) {
            return Answer::Credentials(c);
        }
        match credentials_for(
            &self.target,
            &self.cache,
            &self.clock,
            policy,
            None::<(&aws_sso_device_auth::PrintPresenter, _)>,
            &NoMfa,
        )
        .await
        {
            Ok(c) => Answer::Credentials(c),
            Err(e) if needs_a_person(&e) => Answer::Unavailable(e.to_string()),
            Err(e) => Answer::Failed(e.to_string()),
        }
    }
}

/// Where `aws-sso-rs serve` writes its token by default: `$XDG_RUNTIME_DIR/aws-sso-rs/` (a
/// folder only the user can read, emptied at logout), else the tool's cache folder.
pub fn default_token_file(env: &dyn Env, tool_cache_dir: &std::path::Path) -> PathBuf {
    env.non_empty(aws_sso_profile_config::env::vars::XDG_RUNTIME_DIR)
        .map_or_else(
            || tool_cache_dir.to_owned(),
            |d| PathBuf::from(d).join("aws-sso-rs"),
        )
        .join("serve-token")
}

/// A credential server's token in its file (mode 0600, in a folder only the user can read),
/// for `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, which the AWS SDKs read on each request.
#[derive(Debug)]
pub struct TokenFile {
    path: PathBuf,
    token: aws_sso_token_cache::Secret,
}

impl TokenFile {
    /// Writes `token` to `path` atomically (a reader never sees half of it), making its
    /// folder if needed.
    ///
    /// # Errors
    /// The folder or the file cannot be written.
    pub fn write(path: PathBuf, token: aws_sso_token_cache::Secret) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            aws_sso_profile_config::atomic::create_private_dir_all(dir)?;
        }
        aws_sso_profile_config::atomic::write_atomic(&path, token.expose().as_bytes(), 0o600)?;
        Ok(Self { path, token })
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
