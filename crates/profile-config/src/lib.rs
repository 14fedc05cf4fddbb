//! Read, resolve and losslessly edit the AWS shared `config` and `credentials` files, the way
//! the AWS CLI v2 and the AWS SDKs do.
//!
//! - [`FileLocations`]: where the files are (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
//!   `~/.aws/...`, with the home folder rules of each platform).
//! - [`ProfileSet`]: the merged profiles, `[sso-session]` and `[services]` sections, parsed by
//!   the cross-SDK profile-file rules, every value remembering its file and line.
//! - [`select_profile`] and [`ProfileSet::sso_profile`]: which profile, and its typed
//!   IAM Identity Center settings ([`SsoProfile`]), validated with errors that name the file,
//!   line and key; [`ProfileSet::sessions`], every sign-in once ([`SessionList::only_sign_in`],
//!   [`SessionList::only_named_session`], [`SessionList::profiles_for_role`]);
//!   [`SsoVariables`], the profile aws-sso-rs's own `AWS_SSO_*` variables make with no
//!   config; [`ProfileSet::misspelt_keys`], keys that look like a misspelt known one.
//! - [`ProfileSet::credential_chain`]: where any profile's credentials come from, as botocore
//!   reads it ([`CredentialChain`]: roles assumed through `source_profile`, down to an IAM
//!   Identity Center profile, static keys, a `credential_process`, the environment or a web
//!   identity token); [`ProfileSet::role_link`], one profile's own role.
//! - [`is_aws_portal_host`] and [`region_of_start_url`]: what a start URL's host says, as the
//!   AWS CLI reads it (an AWS-owned access-portal host, and the region it names).
//! - [`ProfileSet::endpoint`]: the endpoint URL of a service, honouring `AWS_ENDPOINT_URL_*`,
//!   `[services]` sections and `endpoint_url`.
//! - [`ConfigDocument`]: edits that keep every comment, blank line and key order, saved
//!   atomically; [`populate`] generates a profile per account and role, touching only the
//!   sections it marked.
//!
//! The environment is injected ([`Env`]) so nothing here reads the process environment unless
//! asked to ([`ProcessEnv`], or [`EnvSnapshot`]: read once); every variable's name is in
//! [`env::vars`].
//!
//! ```
//! use aws_sso_profile_config::{MapEnv, ProfileSet, Service, Source, ClientEndpointConfig, select_profile};
//! use std::path::Path;
//!
//! let config = "\
//! [profile dev-ro]
//! sso_session = corp
//! sso_account_id = 123456789011
//! sso_role_name = ReadOnly
//!
//! [sso-session corp]
//! sso_start_url = https://d-1234567890.awsapps.com/start
//! sso_region = ap-northeast-1
//! ";
//! let set = ProfileSet::parse(Some(Source { path: Path::new("~/.aws/config"), text: config }), None)?;
//! let env = MapEnv::new().with("AWS_PROFILE", "dev-ro");
//! let selected = select_profile(None, &env);
//! let sso = set.sso_profile(&selected.name)?.expect("dev-ro signs in with SSO");
//! assert_eq!(sso.session.name.as_deref(), Some("corp"));
//! assert_eq!(sso.role(), Some(("123456789011", "ReadOnly")));
//!
//! let oidc = set.endpoint(Some("dev-ro"), &Service::SsoOidc, &sso.session.region, &env, ClientEndpointConfig::default());
//! assert_eq!(oidc.url, "https://oidc.ap-northeast-1.amazonaws.com");
//! # Ok::<(), aws_sso_profile_config::Error>(())
//! ```
#![warn(missing_docs)]

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod atomic;
mod chain;
mod configure;
mod credentials_file;
mod edit;
mod endpoint;
pub mod env;
mod error;
mod keys;
mod location;
mod parse;
mod populate;
mod process_profiles;
mod profile;
mod sso;
mod start_url;
mod tool_settings;
mod variables;

pub use chain::{ChainSource, CredentialChain, RoleLink, StaticKeys, is_role_arn};
pub use configure::{
    SessionChange, SsoProfileSpec, WrittenProfile, check_region, check_section_name,
    check_start_url, write_sso_profile,
};
pub use credentials_file::{
    EXPORT_MARKER, ExportReport, Exported, ExportedCredentials, export_credentials,
    put_exported_credentials, remove_exported_credentials,
};
pub use edit::{ConfigDocument, NewSection, SectionRef};
pub use endpoint::{ClientEndpointConfig, Endpoint, EndpointSource, Service};
pub use env::{Env, EnvSnapshot, MapEnv, ProcessEnv};
pub use error::{Error, ErrorKind, closest_name};
pub use keys::{KNOWN_KEYS, misspelling_of};
pub use location::{FileLocations, Platform, expand_tilde, home_dir};
pub use populate::{
    Assignment, Covered, GENERATED_MARKER, PopulateOptions, PopulatePlan, populate, profile_name,
};
pub use process_profiles::{PROCESS_MARKER, ProcessProfiles, write_process_profiles};
pub use profile::{FileKind, Location, ProfileSet, Property, Section, Source, Warning};
pub use sso::{
    ConfiguredSession, DEFAULT_SCOPE, ProfileSource, SelectedProfile, SessionList, SsoProfile,
    SsoSession, is_region, select_profile,
};
pub use start_url::{
    is_aws_portal_host, region_of_portal_host, region_of_start_url, start_url_host,
};
pub use tool_settings::{SETTINGS_FILE, Storage, ToolSettings};
pub use variables::{SSO_VARIABLES_PROFILE, SsoVariables};
