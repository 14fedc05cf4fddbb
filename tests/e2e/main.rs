//! End-to-end tests: the real `aws-sso-rs` binary against aws-sso-mock, in a temporary home.

mod botocore;
mod browser_login;
mod chains;
mod corpus;
mod credentials;
mod doctor;
pub mod everyday;

mod keyring;
mod kills;
mod login;
mod network;
mod tls;

mod logout_status;
mod problems;
mod secrets;
mod serve;
mod shells;
mod terminal;

use aws_sso_mock::Scenario;

pub use aws_sso_e2e::http::{allow_in_browser, follow};
pub use aws_sso_e2e::{MockWorld as World, stderr, stdout};

/// The shared world (`aws_sso_e2e::MockWorld`) running this package's `aws-sso-rs`.
pub fn world(scenario: Scenario) -> World {
    World::new(env!("CARGO_BIN_EXE_aws-sso-rs"), scenario)
}
