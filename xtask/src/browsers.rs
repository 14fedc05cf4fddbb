//! Debian's Chromium and ChromeDriver, for the browser tests.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::run_cmd;

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Installs `chromium` and `chromium-driver` with apt when either is missing.
pub fn ensure() -> Result<()> {
    let chromium =
        std::env::var("AWS_SSO_RS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if Path::new(&chromium).is_file() && on_path("chromedriver") {
        return Ok(());
    }
    eprintln!("installing Debian's chromium and chromium-driver for the browser tests");
    let sudo = |args: &[&str]| {
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0"));
        let mut cmd = if is_root {
            Command::new(args[0])
        } else {
            Command::new("sudo")
        };
        if !is_root {
            cmd.arg("-n").arg(args[0]);
        }
        cmd.args(&args[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_cmd(&mut sudo(&["apt-get", "update", "-qq"])).context("apt-get update failed")?;
    run_cmd(&mut sudo(&["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"]))
        .context("cannot install chromium and chromium-driver; install them by hand, or set AWS_SSO_RS_CHROMIUM")
}
