//! Tests of the `aws-sso-rs` binary that need no service: help, settings, `profiles`.
//! (Tests against the mock endpoint live in the workspace's `tests/` folder.)

mod help;
mod profiles;
mod settings;
mod troubleshooting;

pub use aws_sso_e2e::{EXAMPLE_CONFIG, stderr, stdout};

/// The shared temporary home (`aws_sso_e2e::TempHome`), running this package's binary.
pub fn home() -> aws_sso_e2e::TempHome {
    aws_sso_e2e::TempHome::new().for_binary(env!("CARGO_BIN_EXE_aws-sso-rs"))
}
