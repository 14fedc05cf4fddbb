//! Debian's Chromium and ChromeDriver, for the browser tests, tmux for the terminal tests,
//! zsh and fish for the shell tests, and iproute2's `ip` for the credential server's test in a
//! network namespace.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::run_cmd;

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// `args` as root: directly when we are root, else through `sudo -n`.
fn as_root(args: &[&str]) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
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
}

/// Installs `chromium`, `chromium-driver`, `tmux`, `zsh`, `fish` and `iproute2`, and the Secret
/// Service of the keyring tests (`dbus-daemon`, `dbus-bin`, `gnome-keyring`,
/// `libsecret-tools`), with apt when any is missing.
pub fn ensure() -> Result<()> {
    let chromium =
        std::env::var("AWS_SSO_RS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if Path::new(&chromium).is_file()
        && [
            "chromedriver",
            "tmux",
            "zsh",
            "fish",
            "dbus-daemon",
            "dbus-send",
            "gnome-keyring-daemon",
            "secret-tool",
        ]
        .into_iter()
        .all(on_path)
        && (on_path("ip") || Path::new("/usr/sbin/ip").is_file() || Path::new("/sbin/ip").is_file())
    {
        return Ok(());
    }
    eprintln!(
        "installing Debian's chromium, chromium-driver, tmux, zsh, fish, iproute2, dbus-daemon, dbus-bin, gnome-keyring and libsecret-tools for the browser, terminal, shell, network-namespace and keyring tests"
    );
    run_cmd(&mut as_root(&["apt-get", "update", "-qq"])).context("apt-get update failed")?;
    run_cmd(&mut as_root(&["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver", "tmux", "zsh", "fish", "iproute2", "dbus-daemon", "dbus-bin", "gnome-keyring", "libsecret-tools"]))
        .context("cannot install chromium, chromium-driver, tmux, zsh, fish, iproute2, dbus-daemon, dbus-bin, gnome-keyring and libsecret-tools; install them by hand, or set AWS_SSO_RS_CHROMIUM")
}
