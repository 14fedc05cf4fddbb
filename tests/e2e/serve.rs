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
pub(crate) struct Served {
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

    pub(crate) fn start_with(mut cmd: Command, w: &World, args: &[&str]) -> Self {
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

    pub(crate) fn get(&self, profile: &str) -> (u16, String) {
        self.ask("GET", &format!("/profile/{profile}"), Some(&self.token()))
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits; the exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        self.stop_with("-TERM")
    }

    /// Sends `signal` (`-INT`, ...) and waits; the exit status.
    fn stop_with(&mut self, signal: &str) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
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
    assert!(
        body.contains("'nope'") && body.contains("a program names the profile in its URI"),
        "{body}"
    );
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
    // What a program using an AWS SDK shows: the command to run.
    if aws_sso_e2e::find_python().is_some() {
        let uri = format!("{}/profile/dev-account-ro", served.base);
        let token_file = served.token_file.display().to_string();
        let out = w
            .home
            .python_command(
                "tests/e2e/fixtures/serve_client.py",
                &[],
                &[
                    ("AWS_CONFIG_FILE", "/nonexistent"),
                    ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri),
                    ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file),
                ],
            )
            .output()
            .expect("python runs");
        let text = crate::stdout(&out);
        assert!(
            text.contains("failures: 1")
                && text.contains("aws-sso-rs login --profile dev-account-ro"),
            "{text}{}",
            stderr(&out)
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

/// The container case without Docker: two network namespaces joined by a veth pair, as
/// Docker joins a container to its host. On the "host", the ECS agent's address
/// 169.254.170.2 on loopback and the server listening there on port 80; in the "container",
/// boto3 reaching it through its default route, once with `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// (as on ECS) and once with `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the token file. Needs
/// root (CI runs as root); the role is cached first, since the mock is outside.
#[test]
#[ignore = "needs root for network namespaces: cargo xtask ci runs it"]
fn from_another_network_namespace_boto3_reaches_the_server_on_169_254_170_2() {
    aws_sso_e2e::require_botocore!();
    let allowed = Command::new("ip")
        .args(["netns", "list"])
        .env(
            "PATH",
            format!(
                "/usr/sbin:/sbin:{}",
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .status()
        .is_ok_and(|s| s.success())
        && Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout == b"0\n");
    if !allowed {
        let _ = writeln!(
            std::io::stderr(),
            "skipped serve's network-namespace test: it needs root and iproute2 (cargo xtask ci runs it as root in CI)"
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
    let probe = "import botocore.session\n\
        creds = botocore.session.get_session().get_credentials()\n\
        print('method:', creds.method, 'key:', creds.get_frozen_credentials().access_key[:4])";
    let script = format!(
        r#"set -e
S=aws-sso-rs-h$$; C=aws-sso-rs-c$$
server=
cleanup() {{
    [ -n "$server" ] && kill -TERM $server 2>/dev/null && wait $server || true
    ip netns del $S 2>/dev/null || true
    ip netns del $C 2>/dev/null || true
}}
trap cleanup EXIT
ip netns add $S
ip netns add $C
ip link add vh$$ type veth peer name vc$$
ip link set vh$$ netns $S
ip link set vc$$ netns $C
ip -n $S link set lo up
ip -n $S link set vh$$ up
ip -n $S addr add 172.31.250.1/30 dev vh$$
ip -n $S addr add 169.254.170.2/32 dev lo
ip -n $C link set lo up
ip -n $C link set vc$$ up
ip -n $C addr add 172.31.250.2/30 dev vc$$
ip -n $C route add default via 172.31.250.1
ip netns exec $S "{bin}" serve --listen 169.254.170.2:80 --token-file "{token}" --profile dev-account-ro > "{home}/ns-serve.out" 2> "{home}/ns-serve.err" &
server=$!
for i in $(seq 1 100); do [ -s "{token}" ] && break; sleep 0.1; done
ip netns exec $C env -i HOME="{home}" AWS_CONFIG_FILE=/nonexistent AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/profile/dev-account-ro AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="{token}" "{python}" -c "{probe}"
ip netns exec $C env -i HOME="{home}" AWS_CONFIG_FILE=/nonexistent AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.2/profile/dev-account-ro AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="{token}" "{python}" -c "{probe}"
kill -TERM $server
wait $server
server=
"#,
        bin = bin,
        token = token_file.display(),
        home = w.path().display(),
        python = python.display(),
        probe = probe,
    );
    // The environment the binary gets in every test (this home, the mock's endpoints).
    let model = w.cmd(&[]);
    let out = Command::new("sh")
        .args(["-c", &script])
        .envs(
            model
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .env(
            "PATH",
            format!(
                "/usr/sbin:/sbin:{}",
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("sh runs");
    let text = crate::stdout(&out);
    let log = std::fs::read_to_string(w.path().join("ns-serve.err")).unwrap_or_default();
    assert!(out.status.success(), "{text}\n{}\n{log}", stderr(&out));
    let printed = std::fs::read_to_string(w.path().join("ns-serve.out")).unwrap_or_default();
    assert!(
        printed.contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/profile/dev-account-ro"),
        "the relative form is printed on the ECS address: {printed}"
    );
    assert_eq!(
        text.matches("method: container-role key: ASIA").count(),
        2,
        "RELATIVE_URI and FULL_URI across the namespaces: {text}"
    );
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
    let mut answered = 0;
    for client in clients {
        let out = client.wait_with_output().expect("client ends");
        let text = crate::stdout(&out);
        assert!(out.status.success(), "{text}\n{}", stderr(&out));
        assert!(text.contains("failures: 0"), "{text}");
        assert_eq!(text.matches("Arn:").count(), 180, "{text}");
        answered += text.matches("Arn:").count();
    }
    // For `cargo xtask bench --soak`, which reports this line.
    let _ = writeln!(
        std::io::stderr(),
        "soak: 8 boto3 clients for 3 minutes, {answered} calls, 0 failed; {} sign-in refreshes, {} GetRoleCredentials, {} AssumeRole; no browser",
        w.mock.count("CreateToken") - refreshes_before,
        w.mock.count("GetRoleCredentials"),
        w.mock.count("AssumeRole")
    );
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

/// A profile whose credentials come from a `credential_process`: served, the program run once
/// for many requests (what it printed is held until it is due), and a program that prints
/// keys with no expiry is refused with why.
#[test]
fn a_credential_process_profile_is_served_and_run_once_for_many_requests() {
    let w = world(Scenario::default());
    let script = w.path().join("creds.sh");
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let expires = expires
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a date");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> \"$(dirname \"$0\")/runs\"\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"{expires}\"}}'\n"
        ),
    )
    .expect("script");
    let forever = w.path().join("forever.sh");
    std::fs::write(
        &forever,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAFOREVER\", \"SecretAccessKey\": \"s\"}'\n",
    )
    .expect("script");
    #[cfg(unix)]
    for file in [&script, &forever] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "\n[profile proc]\ncredential_process = {}\n\n[profile forever]\ncredential_process = {}\n",
        script.display(),
        forever.display()
    ));
    std::fs::write(&config, text).expect("config");
    let served = Served::start(&w, &[]);
    for _ in 0..5 {
        let (status, body) = served.get("proc");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("ASIAPROCESS"), "{body}");
    }
    let runs = std::fs::read_to_string(w.path().join("runs")).expect("runs");
    assert_eq!(runs.lines().count(), 1, "run once, then held until due");
    let (status, body) = served.get("forever");
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("no expiry or session token"), "{body}");
}

/// What changes while the server runs is seen at once: a profile added to the config is
/// served, a name sent percent-encoded is decoded, and `logout` ends what is served.
#[test]
fn the_config_and_logout_are_followed_while_serving() {
    let w = world(Scenario::default());
    login(&w);
    let served = Served::start(&w, &[]);
    assert_eq!(served.get("dev-account-ro").0, 200);
    let (status, _) = served.get("added-later");
    assert_eq!(status, 404);
    with_chain(&w);
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("\n[profile added-later]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev-account-ro\n");
    std::fs::write(&config, text).expect("config");
    let (status, body) = served.get("added-later");
    assert_eq!(status, 200, "a profile added while serving: {body}");
    let (status, body) = served.ask("GET", "/profile/dev%2Daccount%2Dro", Some(&served.token()));
    assert_eq!(status, 200, "a percent-encoded name: {body}");
    let out = w.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(status, 503, "nothing usable after logout: {body}");
    assert!(body.contains("aws-sso-rs login"), "{body}");
}

/// When renewing fails while the credentials still last, they are served (and the failure
/// said once) rather than a failure answered early.
#[test]
fn a_failed_renewal_serves_what_still_lasts() {
    let w = world(Scenario::default());
    with_chain(&w);
    login(&w);
    let served = Served::start(&w, &["--profile", "deploy-prod"]);
    let (status, body) = served.get("deploy-prod");
    assert_eq!(status, 200, "{body}");
    // The role is refused from now on, and the cached one has five minutes left: due for
    // renewal (15 minutes ahead), which fails.
    w.mock.update_scenario(|s| {
        s.sts
            .deny_assume
            .push("arn:aws:iam::222222222222:role/Deployer".into());
    });
    let key = aws_sso_token_cache::AssumedRoleKey::new(&aws_sso_token_cache::AssumeRoleArgs {
        role_arn: "arn:aws:iam::222222222222:role/Deployer",
        ..aws_sso_token_cache::AssumeRoleArgs::default()
    });
    let cache = w.cache();
    let mut creds = cache
        .load_assumed_role(&key)
        .expect("read")
        .expect("the role is cached");
    creds.expiration = Some(time::OffsetDateTime::now_utc() + time::Duration::minutes(5));
    cache.store_assumed_role(&key, &creds, None).expect("store");
    for _ in 0..3 {
        let (status, body) = served.get("deploy-prod");
        assert_eq!(status, 200, "still lasting, still served: {body}");
        assert!(body.contains(&creds.access_key_id), "{body}");
    }
    let log = served.log();
    assert_eq!(
        log.matches("STS refused to let").count(),
        1,
        "the failed renewal said once: {log}"
    );
    assert!(
        log.contains("serving its credentials until a minute before they expire"),
        "{log}"
    );
    // The role is allowed again: once the failure's cooldown has passed, renewed, and said.
    w.mock.update_scenario(|s| s.sts.deny_assume.clear());
    std::thread::sleep(Duration::from_secs(6));
    let (status, body) = served.get("deploy-prod");
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(&creds.access_key_id), "renewed: {body}");
    assert!(
        served
            .log()
            .contains("profile 'deploy-prod' is renewed again"),
        "{}",
        served.log()
    );
}

/// Where it listens: a server on every address prints loopback; two servers on two ports
/// keep two default token files; Ctrl-C (SIGINT) stops it cleanly.
#[test]
fn addresses_token_files_and_ctrl_c() {
    let w = world(Scenario::default());
    let start = |listen: &str| {
        let mut child = w
            .cmd(&["serve", "--listen", listen])
            .env("XDG_RUNTIME_DIR", w.path().join("xdg"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let uri = lines.next().expect("a line").expect("utf-8");
        let file = lines.next().expect("a line").expect("utf-8");
        (child, uri, file)
    };
    let (mut first, uri, file_one) = start("0.0.0.0:0");
    assert!(
        uri.starts_with("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:"),
        "{uri}"
    );
    let (mut second, _, file_two) = start("127.0.0.1:0");
    assert_ne!(file_one, file_two, "one token file per port");
    for file in [&file_one, &file_two] {
        let path = file
            .strip_prefix("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=")
            .expect("the token file line");
        assert!(
            path.starts_with(&w.path().join("xdg/aws-sso-rs").display().to_string()),
            "{path}"
        );
        assert!(std::path::Path::new(path).exists(), "{path}");
    }
    for child in [&mut first, &mut second] {
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "Ctrl-C is a clean stop: {status:?}");
    }
    let path_one = file_one.trim_start_matches("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=");
    assert!(
        !std::path::Path::new(path_one).exists(),
        "the token file goes with its server"
    );
}

/// What would go wrong quietly or loudly in a server left running: another server taking its
/// token file, a chain that needs an MFA code asked for again and again, a broken profile,
/// an address that is not one.
#[test]
fn a_running_server_is_protected_from_what_would_go_wrong_around_it() {
    let w = world(Scenario::default());
    with_chain(&w);
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("\n[profile needs-mfa]\nrole_arn = arn:aws:iam::222222222222:role/Guarded\nsource_profile = dev-account-ro\nmfa_serial = arn:aws:iam::123456789011:mfa/alice\n\n[profile orphan]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = does-not-exist\n");
    std::fs::write(&config, text).expect("config");
    login(&w);
    let served = Served::start(&w, &[]);
    let token = served.token();

    // Another server given the same --token-file: refused, the first one's token untouched.
    let out = w
        .cmd(&["serve", "--listen", "127.0.0.1:0", "--token-file"])
        .arg(&served.token_file)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("another aws-sso-rs serve is using it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(served.token(), token);

    // A chain that needs an MFA code: 503 at once, and no request to AWS for it, however
    // often it is asked for and however long the server runs.
    let before = w.mock.counters();
    for _ in 0..5 {
        let (status, body) = served.get("needs-mfa");
        assert_eq!(status, 503, "{body}");
        assert!(
            body.contains("MfaCodeNeeded") && body.contains("whoami --profile needs-mfa"),
            "{body}"
        );
    }
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        w.mock.counters(),
        before,
        "nothing sent for a code nobody can give"
    );

    // A profile the config cannot resolve: 500 to the client, said once on stderr.
    for _ in 0..3 {
        let (status, body) = served.get("orphan");
        assert_eq!(status, 500, "{body}");
        assert!(body.contains("does-not-exist"), "{body}");
    }
    let log = served.log();
    assert_eq!(
        log.matches("profile 'orphan' cannot be served").count(),
        1,
        "{log}"
    );
    assert_eq!(
        log.matches("profile 'needs-mfa' cannot be served").count(),
        1,
        "{log}"
    );

    // A request without the token is said once, for whoever runs the server.
    for _ in 0..3 {
        assert_eq!(served.ask("GET", "/profile/dev-account-ro", None).0, 401);
    }
    assert_eq!(
        served.log().matches("came without the right token").count(),
        1,
        "{}",
        served.log()
    );

    // An address that is not one.
    let out = w.run(&["serve", "--listen", "localhost:9911"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("expected an IP address and a port"),
        "{}",
        stderr(&out)
    );
}
