//! `cargo xtask ci`: everything CI runs, from a fresh machine.

use std::process::Command;

use anyhow::Result;

use crate::{browsers, conformance, default_vectors_dir, run_cmd, venv, workspace_root};

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root());
    cmd
}

pub fn run(_args: &[String]) -> Result<()> {
    let root = workspace_root();
    let python = venv::ensure(&root)?;
    browsers::ensure()?;
    run_cmd(cargo().args(["fmt", "--all", "--check"]))?;
    run_cmd(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run_cmd(
        cargo()
            .args(["test", "--workspace"])
            .env(aws_sso_e2e_python_var(), &python),
    )?;
    let vectors = default_vectors_dir();
    if vectors.is_dir() {
        conformance::run(&vectors)?;
    } else {
        println!("conformance: skipped, no vectors at {}", vectors.display());
    }
    Ok(())
}

/// The variable the compatibility tests read (see `tests/support`).
fn aws_sso_e2e_python_var() -> &'static str {
    "AWS_SSO_RS_PYTHON"
}
