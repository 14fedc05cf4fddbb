//! `cargo xtask bench`: release-build benchmarks, with the targets they are held to.

use std::process::Command;

use anyhow::Result;

use crate::{run_cmd, workspace_root};

fn bench(package: &str, bench: &str) -> Result<()> {
    run_cmd(
        Command::new("cargo")
            .current_dir(workspace_root())
            .args(["bench", "-p", package, "--bench", bench]),
    )
}

pub fn run(_args: &[String]) -> Result<()> {
    println!(
        "profile-config: parse a config and resolve one profile (target: 10,000 profiles < 10 ms)"
    );
    bench("aws-sso-profile-config", "parse")?;
    println!(
        "\nmock endpoint: GetRoleCredentials answered per second on loopback (target: >= 5,000)"
    );
    bench("aws-sso-mock-endpoint", "throughput")
}
