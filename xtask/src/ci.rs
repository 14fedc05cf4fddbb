//! `cargo xtask ci`: everything CI runs, from a fresh machine.

use std::process::Command;

use anyhow::Result;

use crate::{browsers, conformance, default_vectors_dir, fuzz, run_cmd, venv, workspace_root};

/// The variable the compatibility tests read to find the venv's Python
/// (`aws_sso_e2e::PYTHON_VAR`; the test crate is not a dependency of xtask, to keep
/// `cargo xtask` quick to build).
const PYTHON_VAR: &str = "AWS_SSO_RS_PYTHON";

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
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    // --include-ignored runs the browser tests, which a plain `cargo test` skips.
    run_cmd(
        cargo()
            .args(["test", "--workspace", "--locked", "--", "--include-ignored"])
            .env(PYTHON_VAR, &python),
    )?;
    // The docs build without a warning (broken links, bad code blocks).
    run_cmd(
        cargo()
            .args(["doc", "--no-deps", "--workspace", "--locked"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    // Supply chain: licences, banned and duplicate crates, where crates come from. The
    // advisory database cannot be fetched here (docs/security.md says how to check it).
    ensure_tool("cargo-deny", "deny")?;
    run_cmd(cargo().args(["deny", "--locked", "check", "licenses", "bans", "sources"]))?;
    // Every crate packages, and builds from its package, in dependency order (a local
    // registry stands in for crates.io, where they are not published yet).
    run_cmd(cargo().args([
        "package",
        "--workspace",
        "--exclude",
        "xtask",
        "--exclude",
        "aws-sso-e2e",
        "--locked",
    ]))?;
    // The README's main command must work too.
    crate::demo::run(&[])?;
    let vectors = default_vectors_dir();

    if vectors.is_dir() {
        conformance::run(&vectors)?;
    } else {
        println!("conformance: skipped, no vectors at {}", vectors.display());
    }
    // Each fuzz target briefly (the 10-minute runs: cargo xtask fuzz).
    let targets: Vec<String> = fuzz::TARGETS.iter().map(|t| (*t).to_owned()).collect();
    fuzz::fuzz(&targets, 20)?;
    Ok(())
}

/// Installs `crate_name` from crates.io unless `cargo SUBCOMMAND --version` already works.
pub fn ensure_tool(crate_name: &str, subcommand: &str) -> Result<()> {
    let installed = cargo()
        .args([subcommand, "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        println!("ci: installing {crate_name} from crates.io");
        run_cmd(cargo().args(["install", crate_name, "--locked"]))?;
    }
    Ok(())
}
