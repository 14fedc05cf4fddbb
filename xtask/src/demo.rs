//! `cargo xtask demo`: the tour of aws-sso-rs on a machine with no AWS account.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{run_cmd, workspace_root};

/// The intro's config: read-only and admin profiles on one account, one sso-session.
pub const INTRO_CONFIG: &str = "\
[profile dev-account-ro]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = ReadOnly
region = ap-northeast-1

[profile dev-account-admin]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = Administrator
region = ap-northeast-1

[sso-session my-sso]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_registration_scopes = sso:account:access
";

fn step(bin: &Path, home: &Path, args: &[&str]) -> Result<()> {
    println!("\n$ aws-sso-rs {}", args.join(" "));
    run_cmd(
        Command::new(bin)
            .args(args)
            .env("HOME", home)
            .env_remove("AWS_CONFIG_FILE")
            .env_remove("AWS_PROFILE"),
    )
}

pub fn run(_args: &[String]) -> Result<()> {
    let root = workspace_root();
    run_cmd(Command::new("cargo").current_dir(&root).args([
        "build",
        "--quiet",
        "-p",
        "aws-sso-rs-cli",
    ]))?;
    let bin = root.join("target/debug/aws-sso-rs");
    let home = tempfile::tempdir().context("cannot make a temporary home")?;
    let config = home.path().join(".aws/config");
    std::fs::create_dir_all(config.parent().expect("has a parent"))?;
    std::fs::write(&config, INTRO_CONFIG)?;
    println!(
        "A temporary home at {} with this ~/.aws/config:\n\n{INTRO_CONFIG}",
        home.path().display()
    );
    step(&bin, home.path(), &["profiles"])?;
    step(&bin, home.path(), &["profiles", "--output", "json"])?;
    println!(
        "\nNo token is cached yet; `aws-sso-rs login` (against the bundled mock endpoint) comes next."
    );
    Ok(())
}
