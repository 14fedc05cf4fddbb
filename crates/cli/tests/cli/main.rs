//! Tests of the `aws-sso-rs` binary that need no service: help, settings, `profiles`.
//! (Tests against the mock endpoint live in the workspace's `tests/` folder.)

mod help;
mod profiles;
mod settings;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary home folder with an `.aws` folder, and a way to run the binary in it with a
/// clean environment.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp home");
        std::fs::create_dir_all(dir.path().join(".aws")).expect("create .aws");
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.path().join(".aws/config");
        std::fs::write(&path, text).expect("write config");
        path
    }

    /// Runs `aws-sso-rs ARGS` with only `HOME` (and `PATH`) set.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_aws-sso-rs"));
        cmd.args(args).env_clear().env("HOME", self.path());
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd
    }

    /// Insta settings that replace this home's path with `[HOME]`.
    pub fn insta(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        settings.add_filter(&regex_escape(&self.path().display().to_string()), "[HOME]");
        settings
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

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 stderr")
}

/// The intro's config: two profiles on one sso-session, a legacy one, a plain one.
pub const INTRO_CONFIG: &str = "\
# my accounts
[default]
region = us-east-1

[profile dev-account-ro]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = ReadOnly
region = ap-northeast-1

[profile dev-account-admin]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = Administrator
region = ap-northeast-1

[profile legacy-ro]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_account_id = 210987654321
sso_role_name = ReadOnly

[sso-session my-sso]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_registration_scopes = sso:account:access
";
