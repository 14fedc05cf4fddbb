//! `aws-sso-rs serve`: boto3 through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and the token file,
//! each profile kind, the refusals, a sign-in needed and then made, a revoked sign-in, a stop
//! on SIGTERM; the container case in a network namespace; a soak over many lifetimes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sso_mock::Scenario;

use crate::{World, stderr, world};

/// A running `aws-sso-rs serve`, stopped (SIGTERM) when dropped.
struct Served {
    child: Child,
    /// `http://ADDR` (no path).
    base: String,
    token_file: PathBuf,
    log: PathBuf,
}

impl Served {
    fn start(w: &World, args: &[&str]) -> Self {
        Self::start_with(w.cmd(&["serve"]), w, args)
    }

    fn start_with(mut cmd: Command, w: &World, args: &[&str]) -> Self {
        static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = w.path().join(format!("serve-{n}.log"));
        let token_file = w.path().join(format!("run/serve-token-{n}"));
        let mut child = cmd
            .args(["--listen", "127.0.0.1:0", "--token-file"])
            .arg(&token_file)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let uri = lines
            .next()
            .expect("a first line")
            .expect("utf-8")
            .strip_prefix("AWS_CONTAINER_CREDENTIALS_FULL_URI=")
            .expect("the FULL_URI line first")
            .to_owned();
        let file = lines.next().expect("a second line").expect("utf-8");
        assert_eq!(
            file,
            format!(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE={}",
                token_file.display()
            )
        );
        let base = uri[..uri.find("/profile/").expect("a profile path")].to_owned();
        Self {
            child,
            base,
            token_file,
            log,
        }
    }

    fn token(&self) -> String {
        std::fs::read_to_string(&self.token_file).expect("the token file")
    }

    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// The status and body of one request.
    fn ask(&self, method: &str, path: &str, token: Option<&str>) -> (u16, String) {
        let mut stream = TcpStream::connect(self.addr()).expect("connect");
        let auth = token.map_or_else(String::new, |t| format!("Authorization: {t}\r\n"));
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"
        )
        .expect("write");
        let mut text = String::new();
        stream.read_to_string(&mut text).expect("read");
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
        (status, body)
    }

    fn get(&self, profile: &str) -> (u16, String) {
        self.ask("GET", &format!("/profile/{profile}"), Some(&self.token()))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits; the exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const CHAIN: &str = "
[profile deploy-prod]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = dev-account-ro

[profile static-base]
aws_access_key_id = AKIAMOCKSTATICKEY001
aws_secret_access_key = mock/static/secret/key/0000000000000000
";

fn with_chain(w: &World) {
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(CHAIN);
    std::fs::write(&config, text).expect("config");
}

fn login(w: &World) {
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// boto3 with only the container variables `env`; its stdout.
fn boto3(w: &World, env: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    all.extend_from_slice(env);
    let mock_env = w.mock.env();
    let sts = mock_env
        .iter()
        .find(|(k, _)| k == "AWS_ENDPOINT_URL_STS")
        .map(|(_, v)| v.clone())
        .expect("the mock's STS endpoint");
    all.push(("AWS_ENDPOINT_URL_STS", &sts));
    let out = w
        .home
        .python_command("tests/e2e/fixtures/serve_client.py", &[], &all)
        .output()
        .expect("python runs");
    let text = crate::stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    text
}

#[test]
fn boto3_gets_each_profile_kind_through_the_full_uri_and_the_token_file() {
    aws_sso_e2e::require_botocore!();
    let w = world(Scenario::default());
    with_chain(&w);
    login(&w);
    let mut served = Served::start(&w, &[]);
    let token_file = served.token_file.display().to_string();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&served.token_file)
            .expect("token file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the token file is the user's alone");
    }
    for (profile, arn) in [
        (
            "dev-account-ro",
            "123456789011:assumed-role/AWSReservedSSO_ReadOnly_",
        ),
        ("deploy-prod", "222222222222:assumed-role/Deployer/"),
    ] {
        let uri = format!("{}/profile/{profile}", served.base);
        let text = boto3(
            &w,
            &[
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file),
            ],
        );
        assert!(text.contains(arn), "{profile}: {text}");
        assert!(text.contains("failures: 0"), "{profile}: {text}");
    }
    let status = served.stop();
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
    assert!(
        !served.token_file.exists(),
        "the token is removed with the server"
    );
    assert!(served.log().contains("stopped"), "{}", served.log());
}

#[test]
fn refusals_say_nothing_to_strangers_and_name_what_is_wrong_to_clients() {
    let w = world(Scenario::default());
    with_chain(&w);
    login(&w);
    let served = Served::start(&w, &["--profile", "dev-account-ro", "--debug"]);
    let token = served.token();
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(status, 200, "{body}");
    let creds: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    for key in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
        assert!(creds[key].is_string(), "{key} in {body}");
    }
    for sent in [None, Some("wrong")] {
        let (status, body) = served.ask("GET", "/profile/dev-account-ro", sent);
        assert_eq!((status, body.as_str()), (401, ""), "token {sent:?}");
        let (status, body) = served.ask("GET", "/profile/nope", sent);
        assert_eq!(
            (status, body.as_str()),
            (401, ""),
            "no profile named to strangers"
        );
    }
    let (status, _) = served.ask("POST", "/profile/dev-account-ro", Some(&token));
    assert_eq!(status, 405);
    let (status, body) = served.get("deploy-prod");
    assert_eq!(status, 404);
    assert!(body.contains("'deploy-prod' is not served here"), "{body}");
    let (status, body) = served.ask("GET", "/credentials", Some(&token));
    assert_eq!(status, 404);
    assert!(body.contains("/profile/NAME"), "{body}");

    // Every profile when none is named: an unknown one is named back.
    let all = Served::start(&w, &[]);
    let (status, body) = all.get("nope");
    assert_eq!(status, 404);
    assert!(body.contains("'nope'"), "{body}");
    let (status, body) = all.get("static-base");
    assert_eq!(status, 500);
    assert!(body.contains("long-term keys"), "{body}");
    drop(all);

    // A port in use: named, and the running server's token left alone.
    let out = w
        .cmd(&["serve", "--listen", served.addr(), "--token-file"])
        .arg(&served.token_file)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains(served.addr()) && text.contains("--listen"),
        "{text}"
    );
    assert_eq!(served.token(), token, "the first server's token stays");

    // --debug shows the requests, never a secret.
    let log = served.log();
    assert!(log.contains("GET /profile/dev-account-ro"), "{log}");
    assert!(!log.contains(&token), "the token is never logged");
    let secret = creds["SecretAccessKey"].as_str().expect("secret");
    assert!(!log.contains(secret), "no secret in the log");

    // Named profiles are checked at start.
    let out = w.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--profile",
        "dev-acount-ro",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("dev-account-ro"),
        "the closest name: {}",
        stderr(&out)
    );
}

#[test]
fn a_sign_in_needed_is_named_logged_once_and_served_again_after_login() {
    let w = world(Scenario::default());
    let served = Served::start(&w, &[]);
    for _ in 0..3 {
        let (status, body) = served.get("dev-account-ro");
        assert_eq!(status, 503, "{body}");
        assert!(
            body.contains("aws-sso-rs login --profile dev-account-ro"),
            "{body}"
        );
    }
    let log = served.log();
    assert_eq!(
        log.matches("profile 'dev-account-ro' cannot be served")
            .count(),
        1,
        "said once: {log}"
    );
    assert!(
        !w.path().join("opened").exists(),
        "the server never opens a browser"
    );
    login(&w);
    let opened_by_login = w.opened(1).len();
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(status, 200, "served again without a restart: {body}");
    assert!(served.log().contains("is served again"), "{}", served.log());
    assert_eq!(
        w.opened(0).len(),
        opened_by_login,
        "only the login's own page"
    );
}

#[test]
fn a_revoked_sign_in_gets_the_login_message_without_a_loop_of_refreshes() {
    let w = world(Scenario::default());
    login(&w);
    let served = Served::start(&w, &[]);
    assert_eq!(served.get("dev-account-ro").0, 200);
    w.mock.revoke_all();
    // The cached role credentials are gone (as after they expire): the server must ask.
    for path in std::fs::read_dir(w.path().join(".aws/cli/cache")).expect("cache") {
        std::fs::remove_file(path.expect("entry").path()).expect("remove");
    }
    let refreshes_before = w.mock.count("CreateToken");
    let roles_before = w.mock.count("GetRoleCredentials");
    for _ in 0..10 {
        let (status, body) = served.get("dev-account-ro");
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("aws-sso-rs login"), "{body}");
    }
    // Let the renewal loop run a few times too.
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        w.mock.count("CreateToken") - refreshes_before <= 1,
        "at most one refresh attempt: {:?}",
        w.mock.counters()
    );
    assert!(
        w.mock.count("GetRoleCredentials") - roles_before <= 1,
        "one refused attempt, then the answer is known: {:?}",
        w.mock.counters()
    );
}

/// Renewal ahead of expiry, with no one asking: 20-second role credentials and a 40-second
/// sign-in, served once, then left alone for 25 seconds. The server fetches the role again
/// before it expires and refreshes the sign-in from its refresh token by itself, and the next
/// request is answered from what it renewed.
#[test]
#[ignore = "half a minute: cargo xtask ci runs it"]
fn credentials_and_the_sign_in_are_renewed_ahead_with_no_one_asking() {
    let mut s = Scenario::default();
    s.lifetimes.access_token = 40;
    s.lifetimes.role_credentials = 20;
    let w = world(s);
    login(&w);
    let served = Served::start(&w, &["--profile", "dev-account-ro"]);
    assert_eq!(served.get("dev-account-ro").0, 200);
    let (roles, refreshes) = (
        w.mock.count("GetRoleCredentials"),
        w.mock.count("CreateToken"),
    );
    std::thread::sleep(Duration::from_secs(25));
    assert!(
        w.mock.count("GetRoleCredentials") >= roles + 2,
        "the role fetched again before each expiry, unasked: {:?}",
        w.mock.counters()
    );
    assert!(
        w.mock.count("CreateToken") > refreshes,
        "the sign-in refreshed inside its window, unasked: {:?}",
        w.mock.counters()
    );
    let before = w.mock.count("GetRoleCredentials");
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(status, 200, "{body}");
    let creds: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let expires = time::OffsetDateTime::parse(
        creds["Expiration"].as_str().expect("Expiration"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("a date");
    assert!(
        expires > time::OffsetDateTime::now_utc() + time::Duration::seconds(5),
        "what is served still has time left: {body}"
    );
    assert_eq!(
        w.mock.count("GetRoleCredentials"),
        before,
        "answered from what was renewed"
    );
    assert_eq!(w.opened(0).len(), 1, "no browser but the login's");
}

/// The container case without Docker: a network namespace where the server listens on
/// 169.254.170.2, port 80, and boto3 uses `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, as in ECS.
/// Needs root (CI runs as root); the role is cached first, since the mock is outside.
#[test]
#[ignore = "needs root for a network namespace: cargo xtask ci runs it"]
fn in_a_network_namespace_boto3_uses_the_relative_uri_on_169_254_170_2() {
    aws_sso_e2e::require_botocore!();
    let allowed = Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !allowed {
        let _ = writeln!(
            std::io::stderr(),
            "skipped serve's network-namespace test: `unshare -n` needs root (cargo xtask ci runs as root in CI)"
        );
        return;
    }
    let w = world(Scenario::default());
    login(&w);
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bin = env!("CARGO_BIN_EXE_aws-sso-rs");
    let python = aws_sso_e2e::python();
    let token_file = w.path().join("run/serve-token");
    // Inside: loopback up, the ECS address on it, the server, then boto3 with STS on the
    // server's own address (nothing else is reachable in there): it must get the credentials;
    // the STS call itself cannot leave the namespace and is not what is tested.
    let script = format!(
        r#"set -e
ip link set lo up
ip addr add 169.254.170.2/32 dev lo
"{bin}" serve --listen 169.254.170.2:80 --token-file "{token}" --profile dev-account-ro > "{home}/ns-serve.out" 2> "{home}/ns-serve.err" &
server=$!
for i in $(seq 1 100); do [ -s "{token}" ] && break; sleep 0.1; done
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/profile/dev-account-ro AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="{token}" AWS_CONFIG_FILE=/nonexistent HOME="{home}" "{python}" -c '
import botocore.session
creds = botocore.session.get_session().get_credentials()
print("method:", creds.method)
print("key:", creds.get_frozen_credentials().access_key[:4])
'
kill -TERM $server
wait $server
"#,
        bin = bin,
        token = token_file.display(),
        home = w.path().display(),
        python = python.display(),
    );
    // The environment the binary gets in every test (this home, the mock's endpoints).
    let model = w.cmd(&[]);
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .env(
            "PATH",
            format!(
                "/usr/sbin:/sbin:{}",
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .envs(
            model
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .output()
        .expect("unshare runs");
    let text = crate::stdout(&out);
    assert!(
        out.status.success(),
        "{text}\n{}\n{}",
        stderr(&out),
        std::fs::read_to_string(w.path().join("ns-serve.err")).unwrap_or_default()
    );
    assert!(text.contains("method: container-role"), "{text}");
    assert!(text.contains("key: ASIA"), "{text}");
    let log = std::fs::read_to_string(w.path().join("ns-serve.err")).unwrap_or_default();
    assert!(log.contains("stopped"), "stopped on SIGTERM: {log}");
}

/// Many lifetimes: a 40-second sign-in and 20-second role credentials, 8 boto3 clients for
/// three minutes. No request fails, the sign-in is refreshed from its refresh token, and no
/// browser opens.
#[test]
#[ignore = "three minutes: cargo xtask ci runs it"]
fn a_soak_over_many_lifetimes_fails_no_request_and_refreshes_the_sign_in() {
    aws_sso_e2e::require_botocore!();
    let mut s = Scenario::default();
    s.lifetimes.access_token = 40;
    s.lifetimes.role_credentials = 20;
    let w = world(s);
    with_chain(&w);
    login(&w);
    let served = Served::start(&w, &[]);
    let token_file = served.token_file.display().to_string();
    let refreshes_before = w.mock.count("CreateToken");
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let profile = if i % 2 == 0 {
                "dev-account-ro"
            } else {
                "deploy-prod"
            };
            let uri = format!("{}/profile/{profile}", served.base);
            let mock_env = w.mock.env();
            let sts = mock_env
                .iter()
                .find(|(k, _)| k == "AWS_ENDPOINT_URL_STS")
                .map(|(_, v)| v.clone())
                .expect("STS");
            w.home
                .python_command(
                    "tests/e2e/fixtures/serve_client.py",
                    &[],
                    &[
                        ("AWS_CONFIG_FILE", "/nonexistent"),
                        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri),
                        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file),
                        ("AWS_ENDPOINT_URL_STS", &sts),
                        ("ROUNDS", "180"),
                        ("SLEEP", "1"),
                    ],
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("client")
        })
        .collect();
    for client in clients {
        let out = client.wait_with_output().expect("client ends");
        let text = crate::stdout(&out);
        assert!(out.status.success(), "{text}\n{}", stderr(&out));
        assert!(text.contains("failures: 0"), "{text}");
        assert_eq!(text.matches("Arn:").count(), 180, "{text}");
    }
    assert!(
        w.mock.count("CreateToken") > refreshes_before,
        "the sign-in was refreshed: {:?}",
        w.mock.counters()
    );
    assert_eq!(
        w.opened(0).len(),
        1,
        "no browser but the login's: {}",
        served.log()
    );
}
