//! End-to-end tests: the real `aws-sso-rs` binary against aws-sso-mock, in a temporary home.

mod botocore;
mod browser_login;
mod credentials;

mod login;

mod logout_status;
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

/// Plays the person in a browser over HTTP: opens the authorize URL, signs in, allows; returns
/// the redirect location (the loopback callback).
pub fn allow_in_browser(url: &str) -> String {
    use std::io::{Read, Write};
    let http = |addr: &str, method: &str, target: &str, form: &str| {
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        write!(s, "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}", form.len()).expect("send");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        out
    };
    let rest = url
        .strip_prefix("http://")
        .expect("the mock is on loopback");
    let (addr, target) = rest.split_at(rest.find('/').expect("path"));
    let page = http(addr, "GET", target, "");
    let id = page
        .split("name=\"id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("sign-in form")
        .to_owned();
    http(
        addr,
        "POST",
        "/authorize/signin",
        &format!("id={id}&username=alice&password=x"),
    );
    let answer = http(
        addr,
        "POST",
        "/authorize/decide",
        &format!("id={id}&decision=allow"),
    );
    answer
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("a redirect")
        .trim()
        .to_owned()
}

/// Sends the browser to the loopback callback, as it would after the redirect.
pub fn follow(location: &str) -> String {
    use std::io::{Read, Write};
    let rest = location.strip_prefix("http://").expect("loopback");
    let (addr, target) = rest.split_at(rest.find('/').expect("path"));
    let mut s = std::net::TcpStream::connect(addr).expect("connect to the CLI's listener");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

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
