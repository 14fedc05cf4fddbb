//! `cargo xtask bench`: release-build benchmarks, with the targets they are held to.

use std::process::Command;

use anyhow::Result;

use crate::{run_cmd, workspace_root};

pub fn run(_args: &[String]) -> Result<()> {
    println!(
        "profile-config: parse a config and resolve one profile (target: 10,000 profiles < 10 ms)"
    );
    run_cmd(Command::new("cargo").current_dir(workspace_root()).args([
        "bench",
        "-p",
        "aws-sso-profile-config",
        "--bench",
        "parse",
    ]))
}
