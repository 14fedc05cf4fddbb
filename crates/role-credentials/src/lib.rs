//! Role credentials for programs, from an IAM Identity Center sign-in, with the AWS CLI v2's
//! role-credential cache.
//!
//! - [`selection`]: which profile or sign-in a command acts on, and the region of its
//!   service calls, with one explanation of a profile the config lacks.
//! - [`cached`]: the fast path. Reads the cache and returns credentials with more than 5 minutes
//!   (configurable) left; no network, no SDK client, no runtime.
//! - [`Resolver::credentials`]: the slow path. Under a per-role lock (so N processes make one
//!   request), it takes a valid token (refreshed through `aws-sso-device-auth` when due, itself
//!   single-flight), calls `GetRoleCredentials`, and caches the answer.
//! - [`Resolver::credentials_or_sign_in`]: the same, signing in first when needed, with the
//!   no-browser-flood guarantee (one sign-in at a time, a cooldown after a failed one);
//!   [`fetch_credentials`]: either, with the SDK clients of a target, as one call.
//! - [`CredentialTarget`]: any profile the credential commands serve, its own IAM Identity
//!   Center role or a [`ChainTarget`] (a role assumed through `source_profile`), with
//!   [`cached_credentials`] (one file) and [`credentials_for`] for either;
//!   [`chain_credentials`]: one STS `AssumeRole` per link, each cached as the AWS CLI caches
//!   it, single-flight per link.
//! - [`Resolver::directory`]: the accounts and roles of a sign-in, fetched with bounded,
//!   adaptive concurrency and cached in a [`DirectoryCache`] of this crate's own;
//!   [`Directory::choose_account`] / [`DirectoryAccount::choose_role`] say which one a
//!   command was told ([`Choice`]); [`Resolver::populate`]: a generated profile for each of them in the config
//!   (`configure populate`).
//! - [`federation_url`] / [`portal_console_url`]: the AWS Management Console for a role, by
//!   federation or through the portal's own link.
//! - [`logout`]: ends the server sessions and removes tokens and role credentials, returning a
//!   [`LogoutReport`]; [`remove_leftovers`], the cached directory and exported keys;
//!   [`sign_out`], both in one call.
//! - [`SsoRoleCredentials`]: the fast and slow paths, as an AWS SDK credentials provider
//!   ([`Providers`] makes it, and [`SsoBearerToken`], from a given environment, clock and
//!   timer, or the process's).
//! - [`program_environment`]: what a program run with a profile's credentials gets (and
//!   [`credential_variables`], [`outer_exec`]).
//! - [`why_signed_out`]: why a sign-in cannot be used, as the cache tells it.
//! - [`active_profile`]: the active profile and how long it lasts, for prompts, and
//!   [`ActiveProfile::warning`], what a person should be told.
//! - [`caller_identity`]: who the credentials belong to (STS); [`federation_token`], a
//!   federated session for an IAM user's keys.
//! - [`ContainerServer`]: the container-credentials protocol, answering as a
//!   [`CredentialHandler`] says ([`ContainerServer::serve_target`]: one profile, for `exec
//!   --server`); [`ProfileServer`]: every profile at `/profile/NAME`, renewed ahead of expiry
//!   ([`ProfileServer::renew`]), the use case of `aws-sso-rs serve`.
//! - [`sign_in_report`]: every sign-in of the config and every cached token, with its state
//!   (the use case of `aws-sso-rs status`); [`profile_report`]: every profile and how it gets
//!   credentials (`aws-sso-rs profiles`).
//! - [`migrate_storage`]: every cache entry moved between the files and the OS keyring
//!   (`aws-sso-rs storage migrate`); [`export_token`], a sign-in's token written to its file
//!   for a tool that reads it (`aws-sso-rs token export`).
//! - [`RecentProfiles`]: the profiles a person used, ranked by frecency for the picker.
//! - [`doctor`]: why something does not work, every check with a verdict and its fix (the
//!   config, the environment, each sign-in, the cache folders, `credential_process` programs,
//!   the shell integration, the endpoints and the clock), the use case of `aws-sso-rs
//!   doctor`; [`find_program`], where a command would find a program.
//! - [`SsoSetup`]: the guided set-up of one profile (`aws-sso-rs configure sso`): its
//!   questions, defaults, checks and consents, asked through [`Questions`].
//!
//! ```no_run
//! use aws_config::BehaviorVersion;
//! use aws_sso_role_credentials::SsoRoleCredentials;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = aws_config::defaults(BehaviorVersion::latest())
//!     .credentials_provider(SsoRoleCredentials::for_profile("dev-account-ro")?)
//!     .load()
//!     .await;
//! let sts = aws_sdk_sts::Client::new(&config);
//! println!("{:?}", sts.get_caller_identity().send().await?.arn());
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod active;
mod chain;
mod clients;
mod console;
mod container;
mod credential_target;
mod directory;
pub mod doctor;
mod environment;
mod error;
mod fast_path;
mod logout;
mod populate;
mod portal;
mod process;
mod provider;
mod recent;
mod report;
mod resolver;
pub mod selection;
mod serve;
mod setup;
mod storage;
mod sts;
mod target;

pub use active::{ActiveProfile, ActiveSource, Lasting, active_profile};
pub use chain::{ChainTarget, MfaCode, NoMfa, cached_assumed, chain_credentials, link_key};
pub use clients::{SdkClients, fetch_credentials};
pub use console::{
    ConsoleRequest, console_destination, console_host, federation_url, portal_console_url,
};
pub use container::{Answer, ContainerServer, CredentialHandler, DRAIN, new_token};
pub use credential_target::{CredentialTarget, cached_credentials, credentials_for};
pub use directory::{
    Choice, Directory, DirectoryAccount, DirectoryCache, DirectoryProgress, FetchTuning, Freshness,
    fetch_accounts_and_roles,
};
pub use environment::{
    Handover, OTHER_CREDENTIAL_SOURCES, ProgramEnvironment, STATIC_KEYS, credential_variables,
    outer_exec, program_environment,
};
pub use error::{Error, ErrorKind, why_signed_out};
pub use fast_path::cached;
pub use logout::{
    Leftovers, LogoutReport, LogoutScope, ServerLogout, TokenLogout, logout, logout_with,
    remove_leftovers, sign_out,
};
pub use populate::PopulateOutcome;
pub use portal::{Account, PortalApi, PortalError, SdkPortal};
pub use process::{find_program, process_program};
pub use provider::{Providers, SsoBearerToken, SsoRoleCredentials};
pub use recent::{Rank, RecentProfiles};
pub use report::{
    ProfileAccess, ProfileReport, ProfileState, SignInKind, SignInReport, SignInState, StorageNote,
    damaged_token, left_in_keyring, profile_report, sign_in_report,
};
pub use resolver::Resolver;
pub use serve::{ProfileServer, ServeEvents, TokenFile, default_token_file, remove_token_file};
pub use setup::{Question, Questions, SetupAnswers, SetupError, SetupPlan, SsoSetup};
pub use storage::{
    Migration, TokenExport, export_token, migrate_storage, write_credential_process_profiles,
};
pub use sts::{CallerIdentity, caller_identity, federation_token};
pub use target::{RoleTarget, SessionTarget};
