//! `cargo xtask <command>`: project automation for aws-sso-rs.
//!
//! - `conformance [--vectors DIR]`: run the shared AWS conformance suites.
//! - `bench`: release-build benchmarks with figures to compare against the targets.
//! - `ci [--verbose] [--only STEP,...]`: everything CI runs (the README's test command), one
//!   line a step, each step's output in `target/ci-logs/`.
//! - `fuzz [--time SECONDS] [TARGET...]`: the cargo-fuzz targets (nightly), 600 s each by default.
//! - `dist`: the release archive (binary, completions, man pages, docs) and SHA256SUMS.
//! - `demo`: the tour of aws-sso-rs in a temporary home (the README's main command).
//! - `venv`: the Python venv with the pinned boto3 for the compatibility tests.
//! - `browsers` (hidden, a step of `ci`): Debian's Chromium, tmux and the shells for the tests.

mod bench;
mod browsers;
mod ci;
mod conformance;
mod demo;
mod dist;
mod fuzz;
mod venv;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = args
        .split_first()
        .map_or(("help", &[][..]), |(c, r)| (c.as_str(), r));
    match command {
        "conformance" => conformance::run(&vectors_dir(rest)?),
        "bench" => bench::run(rest),
        "measure" => bench::measure(rest),
        "ci" => ci::run(rest),
        "demo" => demo::run(rest),
        "dist" => dist::run(rest),
        "fuzz" => fuzz::run(rest),
        "venv" => venv::ensure(&workspace_root()).map(|p| println!("{}", p.display())),
        "browsers" => browsers::ensure(),
        "package" => ci::package(),
        "help" | "--help" | "-h" => {
            println!("{}", HELP);
            Ok(())
        }
        other => bail!("unknown command '{other}'\n\n{HELP}"),
    }
}

const HELP: &str = "usage: cargo xtask <command>

commands:
  conformance [--vectors DIR]  run the shared AWS conformance suites (default DIR: ../shared/vectors)
  bench [--process|--prompt|--serve|--populate]
                               release-build benchmarks: parsing, the mock, whole processes,
                               prompt against cat, the credential server, populate at scale
                               (each flag: only that one)
  ci [--verbose] [--only STEP,...]
                               everything CI runs: venv, Chromium and shells, fmt, clippy,
                               tests, docs (-D warnings), cargo deny, cargo package, the
                               demo, conformance, each fuzz target for 20 s; one line a step,
                               each step's output in target/ci-logs/NN-STEP.log, the test
                               counts and a verdict (--verbose: the output live too;
                               --only fmt,doc: just those steps)
  fuzz [--time SECONDS] [TARGET...]
                               the cargo-fuzz targets (config_parser, config_editor,
                               cache_readers) on the nightly toolchain, 600 s each by default
  demo                         a tour of aws-sso-rs in a temporary home, no AWS account needed
  dist                         the release archive in target/dist: the stripped binary, shell
                               completions, man pages, README, licences, CHANGELOG; SHA256SUMS
  venv                         make target/compat-venv (Python with the pinned boto3)";

/// Where Cargo puts what it builds: `CARGO_TARGET_DIR` (relative to the workspace root when
/// relative), else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The workspace root (the parent of this crate's folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_owned()
}

fn vectors_dir(args: &[String]) -> Result<PathBuf> {
    match args {
        [] => Ok(default_vectors_dir()),
        [flag, dir] if flag == "--vectors" => Ok(PathBuf::from(dir)),
        _ => bail!("usage: cargo xtask conformance [--vectors DIR]"),
    }
}

/// `AWS_SSO_RS_VECTORS`, else `../shared/vectors` beside the workspace.
pub fn default_vectors_dir() -> PathBuf {
    std::env::var_os("AWS_SSO_RS_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/vectors"))
}

/// Runs a command, failing with its name if it fails.
pub fn run_cmd(cmd: &mut std::process::Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}
