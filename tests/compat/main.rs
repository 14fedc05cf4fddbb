//! aws-sso-rs and the real botocore (pinned in `requirements.txt`) read each other's files.

mod cache_keys;
mod mock_fidelity;
mod role_credentials;
mod token_files;

/// The example config, shared by every test.
pub use aws_sso_e2e::EXAMPLE_CONFIG as CONFIG;

pub const START_URL: &str = "https://d-XXXXXXXXX.awsapps.com/start";
