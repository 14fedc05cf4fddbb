//! Shared helpers for the end-to-end and compatibility tests of aws-sso-rs.

pub mod browser;
pub mod http;
pub mod keyring;
pub mod proxy;

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
/// (or `cargo xtask venv`) makes in `target/compat-venv`; `None` when neither exists.
pub fn find_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(PYTHON_VAR) {
        return Some(PathBuf::from(p));
    }
    let venv = workspace_root().join("target/compat-venv/bin/python");
    venv.exists().then_some(venv)
}

/// The Python to run botocore with (see [`find_python`]).
///
/// # Panics
/// When there is none, with the command that sets it up.
pub fn python() -> PathBuf {
    find_python().unwrap_or_else(|| {
        panic!(
            "the compatibility tests need Python with the pinned boto3: run `cargo xtask venv` \
             (or `cargo xtask ci`), or set {PYTHON_VAR}"
        )
    })
}

/// Skips the calling test, with a message saying how to run it, when there is no Python
/// with the pinned boto3 (a plain `cargo test` on a fresh machine). Under `cargo xtask ci`
/// (which sets `AWS_SSO_RS_PYTHON`) nothing is skipped.
#[macro_export]
macro_rules! require_botocore {
    () => {
        if $crate::find_python().is_none() {
            // Written to stderr itself, not through eprintln!, so the test harness does not
            // swallow it: the person running `cargo test` sees what was skipped and why.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped a test in {}: it needs Python with the pinned boto3; run `cargo xtask venv` once (cargo xtask ci does)",
                module_path!()
            );
            return;
        }
    };
}

/// The example config (`tests/support/example-config.ini`): two profiles on one
/// sso-session, a legacy profile and a plain one. The one copy every test and the demo use.
pub const EXAMPLE_CONFIG: &str = include_str!("example-config.ini");

/// The output's stdout, as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The output's stderr, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A temporary home folder with an `.aws` folder: the one home every test uses, with a way
/// to run a binary in it with a clean environment.
pub struct TempHome {
    dir: tempfile::TempDir,
    binary: Option<PathBuf>,
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
        Self { dir, binary: None }
    }

    /// A home with the example config.
    pub fn with_example_config() -> Self {
        let home = Self::new();
        home.write_config(EXAMPLE_CONFIG);
        home
    }

    /// Runs `binary` (a test's `env!("CARGO_BIN_EXE_...")`) in [`TempHome::command`].
    #[must_use]
    pub fn for_binary(mut self, binary: impl Into<PathBuf>) -> Self {
        self.binary = Some(binary.into());
        self
    }

    /// The binary with `args`, with only `HOME` (and `PATH`) set.
    ///
    /// # Panics
    /// When no binary was given.
    pub fn command(&self, args: &[&str]) -> Command {
        let binary = self
            .binary
            .as_ref()
            .expect("TempHome::for_binary names the binary to run");
        let mut cmd = Command::new(binary);
        cmd.args(args).env_clear().env("HOME", self.path());
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd
    }

    /// Runs the binary with `args`, stdin closed.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.command(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs")
    }

    /// Insta settings that replace this home's path with `[HOME]`.
    pub fn insta(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        settings.add_filter(&regex_escape(&self.path().display().to_string()), "[HOME]");
        settings
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `~/.aws/config`; returns its path.
    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.path().join(".aws/config");
        std::fs::write(&path, text).expect("write config");
        path
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

    /// The command that runs `script ARGS` with the pinned Python, this home and `env`.
    pub fn python_command(&self, script: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(python());
        cmd.arg(workspace_root().join(script))
            .args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("AWS_CONFIG_FILE", self.path().join(".aws/config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.path().join(".aws/credentials"),
            )
            .envs(env.iter().copied());
        cmd
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
        let out = self
            .python_command(script, args, env)
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

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// A temporary home with the example config, a running mock, and a `BROWSER` that records
/// what it is asked to open: the world of the end-to-end tests.
pub struct MockWorld {
    /// The home.
    pub home: TempHome,
    /// The mock.
    pub mock: aws_sso_mock::MockServer,
}

impl MockWorld {
    /// The world, running `binary`, against a mock playing `scenario`.
    pub fn new(binary: impl Into<PathBuf>, scenario: aws_sso_mock::Scenario) -> Self {
        Self::around(
            binary,
            aws_sso_mock::MockServer::start(scenario).expect("start the mock"),
        )
    }

    /// The world against a mock that speaks HTTPS only, its test authority's certificate
    /// written to [`MockWorld::ca_file`] (which no command trusts unless told to).
    pub fn new_tls(binary: impl Into<PathBuf>, scenario: aws_sso_mock::Scenario) -> Self {
        let world = Self::around(
            binary,
            aws_sso_mock::MockServer::start_tls(scenario).expect("start the TLS mock"),
        );
        std::fs::write(
            world.ca_file(),
            world.mock.ca_pem().expect("a TLS mock has a CA"),
        )
        .expect("write the CA");
        world
    }

    /// Where [`MockWorld::new_tls`] wrote the mock's test authority (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.path().join("mock-ca.pem")
    }

    fn around(binary: impl Into<PathBuf>, mock: aws_sso_mock::MockServer) -> Self {
        let home = TempHome::with_example_config().for_binary(binary);
        let browser = home.path().join("browser.sh");
        std::fs::write(
            &browser,
            "#!/bin/sh\necho \"$1\" >> \"$(dirname \"$0\")/opened\"\n",
        )
        .expect("script");
        #[cfg(unix)]
        std::fs::set_permissions(
            &browser,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("chmod");
        Self { home, mock }
    }

    /// The home folder.
    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// The binary with `args`, this home, the mock's endpoints and the recording browser.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.home.command(args);
        cmd.env("BROWSER", self.path().join("browser.sh"));
        for (k, v) in self.mock.env() {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs the binary with `args`, stdin closed.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.cmd(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs")
    }

    /// The caches under this home.
    pub fn cache(&self) -> aws_sso_token_cache::TokenCache {
        self.home.cache()
    }

    /// Changes the cached token of `key` (a session name or start URL) with `edit`.
    pub fn edit_token(
        &self,
        key: &str,
        edit: impl FnOnce(&mut aws_sso_token_cache::SsoToken),
    ) -> aws_sso_token_cache::SsoToken {
        let cache = self.cache();
        let key = aws_sso_token_cache::TokenKey::new(key);
        let mut token = cache
            .load_token(&key)
            .expect("read the token")
            .expect("a cached token");
        edit(&mut token);
        cache.store_token(&key, &token).expect("store the token");
        token
    }

    /// The token file of `key` (a session name or start URL).
    pub fn token_file(&self, key: &str) -> PathBuf {
        self.cache()
            .token_path(&aws_sso_token_cache::TokenKey::new(key))
    }

    /// The URLs the recording browser was asked to open, waiting up to 20 s for `n` of them.
    pub fn opened(&self, n: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let text = std::fs::read_to_string(self.path().join("opened")).unwrap_or_default();
            let urls: Vec<String> = text.lines().map(str::to_owned).collect();
            if urls.len() >= n || std::time::Instant::now() > deadline {
                return urls;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// The command of [`MockWorld::botocore`], to start it alongside something else.
    pub fn botocore_command(&self, args: &[&str]) -> Command {
        let env: Vec<(String, String)> = self.mock.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.home
            .python_command("tests/compat/botocore_probe.py", args, &env)
    }

    /// Runs `tests/compat/botocore_probe.py ARGS` with the pinned botocore, this home and the
    /// mock's endpoints; returns its JSON answer.
    pub fn botocore(&self, args: &[&str]) -> serde_json::Value {
        let env: Vec<(String, String)> = self.mock.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.home
            .run_python("tests/compat/botocore_probe.py", args, &env)
    }
}
