//! Sign in to IAM Identity Center the way the AWS CLI v2 does, and share its cache.
//!
//! - **Client registration** (`RegisterClient`), cached in `~/.aws/sso/cache` under the AWS CLI's
//!   file name and reused while more than 15 minutes remain and its grant types fit the flow.
//! - **Device code** ([`DeviceFlow`]): `StartDeviceAuthorization`, then `CreateToken` every
//!   `interval` seconds; `slow_down` adds 5 seconds; the code's lifetime is the deadline.
//! - **PKCE authorization code** ([`PkceFlow`]): a random 64-character verifier and `state`, the
//!   authorize URL on the OIDC endpoint, a listener on `127.0.0.1` for the redirect, or an
//!   address the user pastes from a remote browser.
//! - **Refresh**: `CreateToken` with the refresh token, keeping a rotated one.
//!
//! [`login`] is the use case as one call (what `aws-sso-rs login` runs): for a
//! [`SignInTarget`] (the session, its OIDC endpoint and the [`Flow`]), it takes the
//! cross-process login lock, reuses a token with more than the refresh window left unless
//! forced, refreshes one that is due (signing in anew when it cannot be refreshed),
//! runs the flow and caches the token; [`login_each`] signs in to several targets in turn.
//! [`SignIn`] is the same over injected parts: the OIDC
//! calls behind [`OidcApi`] ([`SdkOidc`] uses `aws-sdk-ssooidc`), time behind [`Clock`] and
//! [`Sleeper`], and what the person sees behind [`Presenter`]. The SDK client is built by
//! `aws-sso-http` (CA bundle, proxy, time limits, retries, the request log).
//!
//! ```no_run
//! use aws_sso_device_auth::{login, LoginOptions, NamedBy, PrintPresenter, SignInTarget, SystemClock};
//! use aws_sso_profile_config::{ProcessEnv, ProfileSet, SsoSession};
//! use aws_sso_token_cache::TokenCache;
//!
//! # async fn demo() -> Result<(), aws_sso_device_auth::Error> {
//! let session = SsoSession {
//!     name: Some("my-sso".into()),
//!     start_url: "https://d-1234567890.awsapps.com/start".into(),
//!     region: "eu-west-1".into(),
//!     registration_scopes: vec!["sso:account:access".into()],
//! };
//! let set = ProfileSet::default();
//! let target = SignInTarget::resolve(
//!     NamedBy::SsoSession("my-sso".into()), session, &set, &ProcessEnv, false,
//! );
//! let cache = TokenCache::new(std::path::Path::new("/home/me"));
//! let outcome = login(&target, &cache, &SystemClock, &PrintPresenter, LoginOptions::default()).await?;
//! println!("signed in until {}", outcome.token().expires_at);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod api;
mod browser_url;
mod clock;
mod device;
mod error;
mod flows;
mod pkce;
mod presenter;
mod refresh;
mod registration;
mod sign_in;
mod target;

pub use api::{
    ApiError, DeviceAuthorization, Grant, OidcApi, RegisterRequest, Registered, SdkOidc, Tokens,
};
pub use browser_url::check_url;
pub use clock::{Clock, ManualClock, Sleeper, SystemClock, TokioSleeper};
pub use device::{DEFAULT_INTERVAL, DeviceFlow, SLOW_DOWN_STEP};
pub use error::{Error, ErrorKind};
pub use pkce::{CALLBACK_PATH, DEFAULT_WAIT, PkceFlow, REGISTERED_REDIRECT, challenge};
pub use presenter::{Presenter, PrintPresenter};
pub use registration::DEVICE_GRANT;
pub use sign_in::{
    LoginOptions, LoginOutcome, PkceOptions, SignIn, TargetFailed, login, login_each,
};
pub use target::{Flow, NamedBy, SignInTarget, profile_login_command};
