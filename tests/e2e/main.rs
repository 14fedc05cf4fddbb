//! End-to-end tests: the real `aws-sso-rs` binary against aws-sso-mock, in a temporary home.

mod botocore;
mod browser_login;
mod credentials;

mod login;

mod logout_status;
mod problems;
mod terminal;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aws_sso_mock::{MockServer, Scenario};

/// The intro's config: two profiles on one sso-session, one legacy profile.
pub const CONFIG: &str = "\
[profile dev-account-ro]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = ReadOnly
region = ap-northeast-1

[profile dev-account-admin]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = Administrator

[profile legacy-ro]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_account_id = 123456789011
sso_role_name = ReadOnly

[sso-session my-sso]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_registration_scopes = sso:account:access
";

/// A temporary home with the intro's config, a mock, and a `BROWSER` that records what it is
/// asked to open.
pub struct World {
    pub home: tempfile::TempDir,
    pub mock: MockServer,
}

impl World {
    pub fn new(scenario: Scenario) -> Self {
        let home = tempfile::tempdir().expect("temp home");
        std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
        std::fs::write(home.path().join(".aws/config"), CONFIG).expect("config");
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
        Self {
            home,
            mock: MockServer::start(scenario).expect("start the mock"),
        }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// `aws-sso-rs ARGS` with this home, the mock's endpoints and the recording browser.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aws-sso-rs"));
        cmd.args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("BROWSER", self.path().join("browser.sh"));
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        for (k, v) in self.mock.env() {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs")
    }

    pub fn cache(&self) -> aws_sso_token_cache::TokenCache {
        aws_sso_token_cache::TokenCache::new(self.path())
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

    pub fn token_file(&self, key: &str) -> PathBuf {
        self.cache()
            .token_path(&aws_sso_token_cache::TokenKey::new(key))
    }

    /// The URLs the recording browser was asked to open, waiting up to 20 s for `n` of them.
    pub fn opened(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = std::fs::read_to_string(self.path().join("opened")).unwrap_or_default();
            let urls: Vec<String> = text.lines().map(str::to_owned).collect();
            if urls.len() >= n || Instant::now() > deadline {
                return urls;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub use aws_sso_e2e::http::{allow_in_browser, follow};

impl World {
    /// Runs `tests/compat/botocore_probe.py ARGS` with the pinned botocore, this home and the
    /// mock's endpoints; returns its JSON answer.
    pub fn botocore(&self, args: &[&str]) -> serde_json::Value {
        let script = aws_sso_e2e::workspace_root().join("tests/compat/botocore_probe.py");
        let mut cmd = Command::new(aws_sso_e2e::python());
        cmd.arg(script)
            .args(args)
            .env_clear()
            .env("HOME", self.path());
        for (k, v) in self.mock.env() {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("python runs");
        assert!(
            out.status.success(),
            "botocore {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    }
}
