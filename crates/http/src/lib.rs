//! How aws-sso-rs talks HTTP, in one place at the bottom of the workspace: every AWS SDK
//! client (OIDC, the portal, STS) and the console's sign-in request are built here.
//!
//! - [`Transport`]: the CA bundle (`AWS_CA_BUNDLE`, else the profile's `ca_bundle`) and the
//!   proxies (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), read as the AWS CLI reads them;
//!   passwords in proxy URLs never shown.
//! - [`http_client`] and [`connector`]: rustls over the system's trust store or the bundle's
//!   certificates, through the proxy; the bundle read and the client built once per process.
//! - [`sdk_config`] and [`sdk_client!`]: the settings every SDK client shares (region,
//!   endpoint, time limits of [`sdk_timeouts`], retries of [`sdk_retries`]) and the client of
//!   any service crate, with the request log ([`RequestLog`], `--debug`: method, path,
//!   operation, status and time, never headers or bodies) and [`NoPointRetrying`] (no retry of
//!   what cannot pass).
//! - [`follow_one_redirect`]: where a company's own start URL leads (one request, one
//!   redirect), as the AWS CLI resolves it.
//! - [`probe`]: one request to an endpoint, to see that it can be reached and what its clock
//!   says (`aws-sso-rs doctor`).
//! - [`classify`]: any SDK error as a [`Failure`] (the service's error code, no answer, or
//!   an answer that is not the service's), with [`describe_failure`]'s sentence naming the
//!   endpoint, the CA bundle or the proxy and what to do.
//!
//! ```
//! use aws_sso_http::Transport;
//! use aws_sso_profile_config::MapEnv;
//!
//! let env = MapEnv::new()
//!     .with("HTTPS_PROXY", "http://me:secret@proxy.corp:3128")
//!     .with("NO_PROXY", ".internal.corp");
//! let transport = Transport::from_env(&env);
//! let proxy = transport.proxy_for("https://oidc.eu-west-1.amazonaws.com").unwrap();
//! assert_eq!(proxy.display_url(), "http://proxy.corp:3128");
//! assert!(transport.proxy_for("https://git.internal.corp").is_none());
//! ```
#![warn(missing_docs)]

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod client;
mod failure;
mod log;
mod probe;
mod redirect;
mod sdk;
mod settings;

pub use client::{connector, http_client};
pub use failure::{
    Failure, NoPointRetrying, answer_too_large, classify, describe_failure, is_server_failure,
    worth_retrying,
};
pub use log::{MAX_ANSWER, RequestLog};
pub use probe::{Probe, probe};
pub use redirect::{FollowError, follow_one_redirect};
pub use sdk::{sdk_config, sdk_retries, sdk_timeouts};
pub use settings::{CaBundle, CaBundleSource, Proxy, Transport};
