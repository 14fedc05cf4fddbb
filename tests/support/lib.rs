//! Shared helpers for the end-to-end and compatibility tests of aws-sso-rs.

pub mod browser;
pub mod http;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The variable naming the Python (with the pinned boto3 of `tests/compat/requirements.txt`)
/// that the compatibility tests run. `cargo xtask ci` sets it up and sets it.
pub const PYTHON_VAR: &str = "AWS_SSO_RS_PYTHON";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_owned()
}

/// The Python to run botocore with: `AWS_SSO_RS_PYTHON`, else the venv `cargo xtask ci`
/// makes in `target/compat-venv`.
///
/// # Panics
/// When neither exists, with the command that sets it up.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os(PYTHON_VAR) {
        return PathBuf::from(p);
    }
    let venv = workspace_root().join("target/compat-venv/bin/python");
    assert!(
        venv.exists(),
        "the compatibility tests need Python with the pinned boto3: run `cargo xtask venv` \
         (or `cargo xtask ci`), or set {PYTHON_VAR}"
    );
    venv
}

/// A temporary home folder with `.aws/config`.
pub struct TempHome {
    dir: tempfile::TempDir,
}

impl Default for TempHome {
    fn default() -> Self {
        Self::new()
    }
}

impl TempHome {
    /// An empty home with an `.aws` folder.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp home");
        std::fs::create_dir_all(dir.path().join(".aws")).expect("create .aws");
        Self { dir }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `~/.aws/config`.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.path().join(".aws/config"), text).expect("write config");
    }

    /// The caches under this home.
    pub fn cache(&self) -> aws_sso_token_cache::TokenCache {
        aws_sso_token_cache::TokenCache::new(self.path())
    }

    /// Runs `tests/compat/botocore_probe.py ARGS` with this home and returns its JSON answer.
    ///
    /// # Panics
    /// When the probe fails, with its stderr.
    pub fn botocore(&self, args: &[&str]) -> serde_json::Value {
        self.run_python("tests/compat/botocore_probe.py", args, &[])
    }

    /// Runs a Python script of the workspace with the pinned boto3, in this home with only
    /// `env` added to a clean environment, and returns the JSON it prints.
    ///
    /// # Panics
    /// When the script fails, with its stderr.
    pub fn run_python(
        &self,
        script: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> serde_json::Value {
        let out = Command::new(python())
            .arg(workspace_root().join(script))
            .args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("AWS_CONFIG_FILE", self.path().join(".aws/config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.path().join(".aws/credentials"),
            )
            .envs(env.iter().copied())
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {}: {e}; run: cargo xtask venv",
                    python().display()
                )
            });
        assert!(
            out.status.success(),
            "{script} {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the script prints JSON")
    }
}
