//! `cargo xtask fuzz [--time SECONDS] [TARGET...]`: the fuzz targets of `fuzz/` (cargo-fuzz,
//! libFuzzer) over the config parser, the editor and the cache readers, each for SECONDS
//! (default 600). Installs cargo-fuzz from crates.io when it is missing; needs the nightly
//! toolchain (installed, never downloaded here). `cargo xtask ci` runs each for 20 seconds.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{run_cmd, workspace_root};

/// Every target in `fuzz/fuzz_targets`.
pub const TARGETS: [&str; 3] = ["config_parser", "config_editor", "cache_readers"];

pub fn run(args: &[String]) -> Result<()> {
    let mut seconds = 600u64;
    let mut targets = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--time" => {
                seconds = rest
                    .next()
                    .context("--time needs a number of seconds")?
                    .parse()
                    .context("--time needs a number of seconds")?;
            }
            t if TARGETS.contains(&t) => targets.push(t.to_owned()),
            other => bail!("unknown fuzz target or flag '{other}' (targets: {TARGETS:?})"),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    fuzz(&targets, seconds)
}

/// Runs `targets` for `seconds` each; fails on the first crash, naming the saved input.
pub fn fuzz(targets: &[String], seconds: u64) -> Result<()> {
    ensure_cargo_fuzz()?;
    let dir = workspace_root().join("fuzz");
    for target in targets {
        println!("fuzz: {target} for {seconds} s");
        run_cmd(
            Command::new("cargo")
                .current_dir(&dir)
                .args(["+nightly", "fuzz", "run", target, "--"])
                .arg(format!("-max_total_time={seconds}"))
                .arg("-print_final_stats=1"),
        )
        .with_context(|| {
            format!(
                "the fuzz target {target} failed; the input that broke it is under fuzz/artifacts/{target}/ (rerun: cargo +nightly fuzz run {target} FILE, in fuzz/)"
            )
        })?;
    }
    Ok(())
}

fn ensure_cargo_fuzz() -> Result<()> {
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        println!("fuzz: installing cargo-fuzz from crates.io");
        run_cmd(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !nightly {
        bail!("the fuzz targets need the nightly toolchain (rustup toolchain list shows none)");
    }
    Ok(())
}
