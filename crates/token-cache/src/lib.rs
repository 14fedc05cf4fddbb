//! The caches the AWS CLI v2 and botocore keep for IAM Identity Center, read and written in
//! exactly their formats, so that aws-sso-rs, the `aws` CLI and every AWS SDK share one
//! sign-in.
//!
//! | what | where | name |
//! |---|---|---|
//! | SSO access token ([`SsoToken`]) | `~/.aws/sso/cache` | [`TokenKey`]: SHA-1 of the sso-session name, or of the start URL for a legacy profile |
//! | OIDC client registration ([`ClientRegistration`]) | `~/.aws/sso/cache` | [`RegistrationKey`] |
//! | role credentials ([`RoleCredentials`]; also as a `credential_process` document and a container endpoint's answer) | `~/.aws/cli/cache` | [`RoleKey`] |
//! | an assumed role (`AssumeRole`, `AssumeRoleWithWebIdentity`: [`TokenCache::load_assumed_role`]) | `~/.aws/cli/cache` | [`AssumedRoleKey`]: SHA-1 of the call's arguments, as botocore's `AssumeRoleCredentialFetcher` |
//! | a token the service refused ([`TokenCache::record_refusal`]) | `~/.aws/sso/aws-sso-rs-locks` | `refused-<TokenKey>`: a fingerprint of the refused token |
//!
//! Writes replace a file atomically (temporary file in the same folder, flushed, renamed), so
//! a reader never sees half a file; files are `0600` in `0700` folders. Advisory locks
//! ([`TokenCache::try_lock`], [`TokenCache::lock_waiting`] for async callers, whose sleeper
//! spends the pauses) let concurrent processes agree that one of them refreshes or fetches
//! while the others wait and then read what it wrote. Secrets are [`Secret`]s, which never
//! print. Time is injected: callers pass `now` to the [`ExpiryPolicy`], and the [`Clock`]
//! trait (with [`SystemClock`], the one place aws-sso-rs reads the real time, and
//! [`ManualClock`] for tests) is the clock every crate of aws-sso-rs takes. Each command
//! reports a token the same way, through [`TokenStatus`], and prints spans of time through
//! [`timestamp::human_duration`].
//!
//! The files' contents can live in the OS keyring instead ([`TokenCache::in_keyring`],
//! [`TokenCache::with_storage`], a [`KeyringStore`]): one entry per file, named by its folder
//! and name, under service [`KEYRING_SERVICE`] (in parts when longer than
//! [`MAX_ITEM_BYTES`]); the locks and an index of the item names stay files; nothing secret
//! is written under the home folder.
//!
//! ```
//! use aws_sso_token_cache::{ExpiryPolicy, Secret, SsoToken, TokenCache, TokenKey, TokenState};
//! use time::{Duration, OffsetDateTime};
//!
//! let home = tempfile::tempdir()?;
//! let cache = TokenCache::new(home.path());
//! let key = TokenKey::new("dev"); // the [sso-session dev]
//! assert_eq!(cache.token_path(&key), home.path().join(".aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json"));
//!
//! let now = OffsetDateTime::now_utc();
//! let mut token = SsoToken::new(Secret::new("aoa-token"), now + Duration::hours(8));
//! token.start_url = Some("https://d-1234567890.awsapps.com/start".into());
//! token.region = Some("ap-northeast-1".into());
//! cache.store_token(&key, &token)?;
//!
//! let read = cache.load_token(&key)?.expect("just written");
//! assert!(matches!(ExpiryPolicy::default().token_state(&read, now), TokenState::Valid { .. }));
//! assert_eq!(format!("{:?}", read.access_token), "<redacted>");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod cache;
mod clock;
mod error;
mod folders;
mod key;
mod keyring;
mod lock;
mod policy;
mod record;
mod refusal;
mod secret;
mod status;
pub mod timestamp;

pub use cache::{CachedToken, Moved, TokenCache, TokenListing, Unreadable};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, ErrorKind};
pub use folders::LooseFolder;
pub use key::{AssumeRoleArgs, AssumedRoleKey, RegistrationKey, RoleKey, TokenKey};
pub use keyring::{KEYRING_BACKEND, KEYRING_SERVICE, KeyringStore, MAX_ITEM_BYTES};
pub use lock::{CacheLock, LockKey};
pub use policy::{ExpiryPolicy, REGISTRATION_REUSE_MARGIN, TokenState};
pub use record::{ClientRegistration, RoleCredentials, SsoToken};
pub use secret::Secret;
pub use status::TokenStatus;
