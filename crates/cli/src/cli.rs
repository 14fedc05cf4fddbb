//! The command line: clap types live here and nowhere else.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sign in to AWS through IAM Identity Center (AWS SSO), compatible with the AWS CLI v2.
///
/// aws-sso-rs reads ~/.aws/config and shares ~/.aws/sso/cache and ~/.aws/cli/cache with the
/// AWS CLI and every AWS SDK, so you can mix it freely with `aws` and boto3.
#[derive(Debug, Parser)]
#[command(name = "aws-sso-rs", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print the resolved settings of the command as JSON and exit, without doing anything.
    #[arg(long, global = true, hide = true)]
    pub show_settings: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the profiles in the AWS config files, their sign-in and token state.
    Profiles(ProfilesArgs),
}

/// Output formats of listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Aligned columns for people.
    Table,
    /// JSON for programs.
    Json,
}

#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// How to print the list.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}
