//! The Python venv with the pinned boto3 that the compatibility tests run.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::run_cmd;

/// Makes `target/compat-venv` from `tests/compat/requirements.txt` unless it is already made
/// from the same requirements; returns its Python ([`compat_python`]).
pub fn ensure(root: &Path) -> Result<PathBuf> {
    ensure_named(
        root,
        COMPAT_VENV,
        &root.join("tests/compat/requirements.txt"),
    )
}

/// The compatibility tests' venv, under `target/`.
const COMPAT_VENV: &str = "compat-venv";

/// The Python of the compatibility tests' venv, where [`ensure`] makes it (whether it is made
/// yet or not).
pub fn compat_python(root: &Path) -> PathBuf {
    python_of(&venv_dir(root, COMPAT_VENV))
}

fn venv_dir(root: &Path, name: &str) -> PathBuf {
    root.join("target").join(name)
}

fn python_of(venv: &Path) -> PathBuf {
    venv.join("bin/python")
}

/// Makes `target/NAME` from `requirements` unless it is already made from them.
pub fn ensure_named(root: &Path, name: &str, requirements: &Path) -> Result<PathBuf> {
    let venv = venv_dir(root, name);
    let python = python_of(&venv);

    let wanted = std::fs::read_to_string(requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let stamp = venv.join("requirements.stamp");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    eprintln!(
        "setting up {} (pinned boto3 for the compatibility tests)",
        venv.display()
    );
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .with_context(|| format!("cannot remove {}", venv.display()))?;
    }
    let system_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run_cmd(Command::new(&system_python).args(["-m", "venv"]).arg(&venv)).with_context(|| {
        format!("{system_python} -m venv failed; install python3 and python3-venv")
    })?;
    run_cmd(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
            ])
            .arg(requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}
