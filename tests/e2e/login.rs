//! `aws-sso-rs login`: both flows, reuse, --force, --all, refresh, the pasted callback,
//! concurrent logins, and each failure with its message and exit code.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use aws_sso_mock::{Approval, Scenario};

use crate::{allow_in_browser, follow, stderr, world};

fn manual() -> Scenario {
    let mut s = Scenario::default();
    s.device.approval = Approval::Manual;
    s
}

#[test]
fn device_code_login_then_reuse_then_force() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Signed in to profile 'dev-account-ro'"),
        "{err}"
    );
    let opened = w.opened(1);
    assert!(
        opened[0].starts_with(&format!("{}/device?user_code=", w.mock.url())),
        "the browser opened the verification page: {opened:?}"
    );
    let token = w
        .cache()
        .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
        .expect("read")
        .expect("token cached");
    assert!(w.mock.token_is_valid(token.access_token.expose()));
    assert!(
        token.refresh_token.is_some(),
        "scopes were registered, so a refresh token came back"
    );
    assert!(!err.contains(token.access_token.expose()));

    let tokens_before = w.mock.count("CreateToken");
    let again = w.run(&["login", "--profile", "dev-account-admin"]);
    assert!(again.status.success());
    assert!(
        stderr(&again).contains("Already signed in"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        w.mock.count("CreateToken"),
        tokens_before,
        "a valid token is reused without a request"
    );

    let forced = w.run(&[
        "login",
        "--profile",
        "dev-account-ro",
        "--use-device-code",
        "--force",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let new = w
        .cache()
        .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
        .expect("read")
        .expect("token");
    assert_ne!(
        new.access_token, token.access_token,
        "--force signs in again"
    );
    assert_eq!(
        w.mock.count("RegisterClient"),
        1,
        "the registration is reused"
    );
}

#[test]
fn pkce_login_through_the_browser() {
    let w = world(Scenario::default());
    let child = w
        .cmd(&["login", "--profile", "dev-account-ro"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start login");
    let url = w
        .opened(1)
        .pop()
        .expect("the browser was asked to open the authorize page");
    assert!(
        url.starts_with(&format!(
            "{}/authorize?response_type=code&client_id=",
            w.mock.url()
        )),
        "{url}"
    );
    assert!(
        url.contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A")
            && url.contains(
                "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge="
            ),
        "{url}"
    );
    let page = follow(&allow_in_browser(&url));
    assert!(
        page.contains("You can close this window"),
        "the browser is told it worked: {page}"
    );
    let out = child.wait_with_output().expect("login ends");
    assert!(out.status.success(), "{}", stderr(&out));
    let token = w
        .cache()
        .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
        .expect("read")
        .expect("cached");
    assert!(w.mock.token_is_valid(token.access_token.expose()));
    assert_eq!(
        w.mock.count("StartDeviceAuthorization"),
        0,
        "sso-session profiles use PKCE by default"
    );
}

#[test]
fn pkce_login_on_a_remote_host_by_pasting_the_callback_address() {
    let w = world(Scenario::default());
    let mut child = w
        .cmd(&["login", "--profile", "dev-account-ro", "--no-browser"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start login");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .starts_with("http://127.0.0.1")
                .then(|| l.trim().to_owned())
        })
        .expect("the authorize address is printed");
    assert!(w.opened(0).is_empty(), "--no-browser opens nothing");
    let location = allow_in_browser(&url);
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "not the address").expect("type");
    writeln!(stdin, "{location}").expect("paste");
    let status = child.wait().expect("login ends");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("paste the whole address")),
        "a wrong paste is explained: {rest:?}"
    );
    assert!(
        w.cache()
            .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
            .expect("read")
            .is_some()
    );
}

#[test]
fn all_signs_in_once_per_distinct_session() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--all", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        w.mock.count("StartDeviceAuthorization"),
        2,
        "my-sso and the legacy start URL"
    );
    assert!(w.token_file("my-sso").exists());
    assert!(
        w.token_file("https://d-XXXXXXXXX.awsapps.com/start")
            .exists()
    );
}

#[test]
fn a_token_due_for_refresh_is_refreshed_silently() {
    let w = world(Scenario::default());
    assert!(
        w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"])
            .status
            .success()
    );
    let cache = w.cache();
    let key = aws_sso_token_cache::TokenKey::new("my-sso");
    let token = w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(5)
    });
    let starts = w.mock.count("StartDeviceAuthorization");
    let out = w.run(&["login", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let refreshed = cache.load_token(&key).expect("read").expect("token");
    assert_ne!(refreshed.access_token, token.access_token);
    assert!(refreshed.expires_at > token.expires_at + time::Duration::hours(7));
    assert_eq!(
        w.mock.count("StartDeviceAuthorization"),
        starts,
        "no new sign-in, no browser"
    );
    assert!(
        w.opened(0).len() == 1,
        "only the first login opened a browser"
    );
}

#[test]
fn concurrent_logins_for_one_session_run_one_flow() {
    let w = world(manual());
    let spawn = || {
        w.cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("start")
    };
    let first = spawn();
    let url = w.opened(1).pop().expect("the first login opened a browser");
    let mut second = spawn();
    // Approve only once the second process says it is waiting for the first.
    let mut lines = BufReader::new(second.stderr.take().expect("stderr")).lines();
    let waiting = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("in progress; waiting"));
    assert!(waiting.is_some(), "the second login waits for the first");
    let code = url.split("user_code=").nth(1).expect("code").to_owned();
    assert!(w.mock.approve(&code));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let (a, b) = (
        first.wait_with_output().expect("first"),
        second.wait().expect("second"),
    );
    assert!(
        a.status.success() && b.success(),
        "{}\n{rest:?}",
        stderr(&a)
    );
    assert!(
        rest.iter().any(|l| l.contains("Already signed in")),
        "{rest:?}"
    );
    assert_eq!(w.mock.count("StartDeviceAuthorization"), 1);
    assert_eq!(w.opened(2).len(), 1, "one browser tab");
}

#[test]
fn failures_have_clear_messages_and_exit_codes() {
    // Unreachable endpoint: exit 6, the endpoint named.
    let w = world(Scenario::default());
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let out = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .env("AWS_ENDPOINT_URL_SSO_OIDC", format!("http://{closed}"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("http://{closed}")),
        "{}",
        stderr(&out)
    );

    // Denied: exit 5.
    let mut s = Scenario::default();
    s.device.approval = Approval::Deny;
    let w = world(s);
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("denied in the browser"),
        "{}",
        stderr(&out)
    );
    assert!(!w.token_file("my-sso").exists(), "no partial cache");

    // The code expires: exit 5.
    let mut s = manual();
    s.lifetimes.device_code = 2;
    let w = world(s);
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("expired before it was allowed"),
        "{}",
        stderr(&out)
    );

    // A region the config may not hold: exit 3, file and line named.
    let w = world(Scenario::default());
    std::fs::write(w.path().join(".aws/config"), "[profile p]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1.evil.example\nsso_account_id = 123456789011\nsso_role_name = R\n").expect("write");
    let out = w.run(&["login", "--profile", "p"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("line 3") && stderr(&out).contains("sso_region"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        w.mock.counters().values().sum::<u64>(),
        0,
        "nothing was sent"
    );

    // A profile that does not use IAM Identity Center.
    std::fs::write(
        w.path().join(".aws/config"),
        "[profile keys]\nregion = us-east-1\n",
    )
    .expect("write");
    let out = w.run(&["login", "--profile", "keys"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a config error, as for credential-process"
    );
    let process = w.run(&["credential-process", "--profile", "keys"]);
    assert_eq!(process.status.code(), Some(3), "{}", stderr(&process));
    assert!(
        stderr(&out).contains("does not sign in with IAM Identity Center"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_waiting_leaves_no_token() {
    let w = world(manual());
    let child = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    w.opened(1);
    std::thread::sleep(Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(!w.token_file("my-sso").exists());
}

#[test]
fn a_verification_page_that_is_not_https_is_refused() {
    let w = world(Scenario {
        verification_base: Some("http://device.example.com".into()),
        ..Scenario::default()
    });

    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to open http://device.example.com/device"),
        "{}",
        stderr(&out)
    );
    assert!(w.opened(0).is_empty(), "no browser was opened");
    assert_eq!(w.mock.count("CreateToken"), 0, "nothing was polled");
    assert!(!w.token_file("my-sso").exists());
}

#[test]
fn debug_shows_requests_and_decisions_but_no_secret() {
    let w = world(Scenario::default());
    let url = w.mock.url().to_owned();
    // Every command, with --debug, on every path that handles a secret: a device-code login,
    // a PKCE login through the browser, a refresh, role credentials fetched and cached,
    // STS, the account list, populate, the console, the credentials-file export, the prompt,
    // status, profiles, logout.
    let mut logs = Vec::new();
    let mut run = |args: &[&str], stdout_has_secrets: bool| {
        let out = w.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        logs.push((args.join(" "), stderr(&out)));
        if !stdout_has_secrets {
            logs.push((format!("{} (stdout)", args.join(" ")), crate::stdout(&out)));
        }
    };
    run(&["--debug", "login", "--profile", "legacy-ro"], false);
    let pkce = w
        .cmd(&["--debug", "login", "--profile", "dev-account-ro"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the PKCE login");
    let authorize = w.opened(2).pop().expect("the authorize page");
    follow(&allow_in_browser(&authorize));
    let out = pkce.wait_with_output().expect("PKCE login ends");
    assert!(out.status.success(), "{}", stderr(&out));
    let pkce_log = stderr(&out);
    w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(5);
    });
    run(
        &[
            "--debug",
            "credential-process",
            "--profile",
            "dev-account-ro",
        ],
        true,
    );
    run(
        &[
            "--debug",
            "export",
            "--profile",
            "dev-account-admin",
            "--format",
            "env",
        ],
        true,
    );
    run(&["--debug", "whoami", "--profile", "legacy-ro"], false);
    run(
        &["--debug", "list", "--sso-session", "my-sso", "--refresh"],
        false,
    );
    run(
        &[
            "--debug",
            "configure",
            "populate",
            "--sso-session",
            "my-sso",
            "--dry-run",
        ],
        false,
    );
    // The console URL on stdout holds a sign-in token: that is its purpose.
    run(
        &[
            "--debug",
            "console",
            "--profile",
            "dev-account-ro",
            "--print",
        ],
        true,
    );
    run(
        &[
            "--debug",
            "export",
            "--profile",
            "dev-account-ro",
            "--format",
            "ini",
            "--to-credentials-file",
        ],
        false,
    );
    run(&["--debug", "prompt"], false);
    run(&["--debug", "status"], false);
    run(&["--debug", "profiles"], false);
    run(&["--debug", "logout"], false);
    logs.push(("login --profile dev-account-ro (PKCE)".into(), pkce_log));

    let all = logs.iter().map(|(_, l)| l.as_str()).collect::<String>();
    for line in [
        format!("OIDC endpoint {url}, device-code flow"),
        format!("OIDC endpoint {url}, authorization-code flow"),
        format!("request: POST {url}/client/register (SSO OIDC RegisterClient)"),
        format!("request: POST {url}/device_authorization"),
        format!("request: POST {url}/token (SSO OIDC CreateToken)"),
        format!("request: GET {url}/federation/credentials (SSO GetRoleCredentials)"),
        format!("request: POST {url}/logout (SSO Logout)"),
        format!("request: GET {url}/federation (getSigninToken) -> 200"),
        "response: HTTP 400 after".to_owned(),
        "response: HTTP 200 after".to_owned(),
        "opened a browser at".to_owned(),
    ] {
        assert!(all.contains(&line), "--debug shows {line:?}:\n{all}");
    }
    assert!(
        w.mock.count("CreateToken") >= 4,
        "device polls, the PKCE code and a refresh were all logged: {:?}",
        w.mock.counters()
    );

    let secrets = w.mock.issued_secrets();
    let kinds = [
        ("aoa", "access tokens"),
        ("aor", "refresh tokens"),
        ("IQoJb3JpZ2luX2Vj", "role session tokens"),
    ];
    for (prefix, what) in kinds {
        assert!(
            secrets.iter().filter(|s| s.starts_with(prefix)).count() >= 2,
            "the run issued {what}: {} secrets",
            secrets.len()
        );
    }
    assert!(secrets.len() >= 12, "{} secrets", secrets.len());
    for secret in &secrets {
        for (command, log) in &logs {
            assert!(
                !log.contains(secret.as_str()),
                "a secret ({} characters, starting {:?}) leaked into the output of `{command}`",
                secret.len(),
                &secret[..4.min(secret.len())]
            );
        }
    }
}

#[test]
fn when_no_browser_starts_the_address_is_printed_and_login_goes_on() {
    let w = world(Scenario::default());
    let out = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .env("BROWSER", "/nonexistent/browser")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("No browser could be started")
            && err.contains("open the address above on any device"),
        "says plainly that no browser started, and what to do (already in the device flow): {err}"
    );
    assert!(
        !err.contains("QR code"),
        "no terminal here, so no QR code to promise: {err}"
    );
    assert!(
        !err.contains("/nonexistent/browser") && !err.contains("Os {"),
        "no debug text: {err}"
    );
    assert_eq!(
        err.matches(&format!("{}/device?user_code=", w.mock.url()))
            .count(),
        1,
        "the address is printed once: {err}"
    );
}

#[test]
fn redirect_port_sets_the_loopback_port() {
    let w = world(Scenario::default());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let child = w
        .cmd(&[
            "login",
            "--profile",
            "dev-account-ro",
            "--redirect-port",
            &port.to_string(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let url = w.opened(1).pop().expect("authorize URL");
    assert!(
        url.contains(&format!(
            "redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Foauth%2Fcallback"
        )),
        "{url}"
    );
    let location = allow_in_browser(&url);
    assert!(
        location.starts_with(&format!("http://127.0.0.1:{port}/oauth/callback?code=")),
        "{location}"
    );
    follow(&location);
    assert!(child.wait_with_output().expect("ends").status.success());
}

#[test]
fn login_with_no_profile_uses_the_configs_only_sign_in_and_names_the_flag_when_there_are_several() {
    // The README's config: `default` is not an IAM Identity Center profile, and my-sso is
    // the only [sso-session] (as `list` takes it).
    let w = world(Scenario::default());
    let out = w.run(&["login", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Signed in to sso-session 'my-sso'"),
        "{}",
        stderr(&out)
    );
    assert!(
        w.cache()
            .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
            .expect("read")
            .is_some()
    );

    // A misspelt session: the one probably meant, in a sentence.
    let out = w.run(&["login", "--sso-session", "my-ssso", "--use-device-code"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("; did you mean 'my-sso'? The sessions there: my-sso"),
        "{}",
        stderr(&out)
    );

    // Two sessions and nobody at a terminal to pick: the flags that choose each.
    let config = std::fs::read_to_string(w.path().join(".aws/config")).expect("config");
    w.home.write_config(&format!(
        "{config}\n[sso-session other]\nsso_start_url = https://d-other.awsapps.com/start\nsso_region = eu-west-1\n"
    ));
    let out = w.run(&["login", "--use-device-code"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("IAM Identity Center sign-ins; name one: --sso-session my-sso, --sso-session other, --profile legacy-ro"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn with_no_browser_and_no_terminal_login_uses_the_device_code_instead_of_waiting() {
    let w = world(Scenario::default());
    // No BROWSER, no display, stdin not a terminal: a browser sign-in could never finish.
    let out = w
        .cmd(&["login", "--profile", "dev-account-ro"])
        .env_remove("BROWSER")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("no browser can be opened here (DISPLAY and WAYLAND_DISPLAY are unset")
            && err.contains("so the sign-in uses the device code"),
        "says why the flow changed: {err}"
    );
    assert_eq!(
        err.matches(&format!("{}/device?user_code=", w.mock.url()))
            .count(),
        1,
        "the device code's address, to open on any device: {err}"
    );
    assert!(!err.contains("Waiting for the browser"), "{err}");
    // What --show-settings says, for the same run.
    let settings = w
        .cmd(&["login", "--profile", "dev-account-ro", "--show-settings"])
        .env_remove("BROWSER")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&settings.stdout).expect("json");
    assert_eq!(json["targets"][0]["flow"], "device-code", "{json}");
    assert!(json["device_code_instead"].is_string(), "{json}");
}

#[test]
fn no_browser_with_no_display_and_no_terminal_uses_the_device_code_and_says_so_once() {
    let w = world(Scenario::default());
    // --no-browser prints an address to open by hand: with no display here and no terminal
    // to paste the redirect into, only the device code can finish (not a 10-minute wait).
    let out = w
        .cmd(&["login", "--all", "--no-browser"])
        .env_remove("BROWSER")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.matches("so the sign-in uses the device code").count(),
        1,
        "said once for the run: {err}"
    );
    assert!(err.contains("(--no-browser)"), "{err}");
    assert!(!err.contains("Waiting for the browser"), "{err}");
    // Nothing to sign in to: nothing said about the flow.
    let again = w
        .cmd(&["login", "--profile", "dev-account-ro", "--no-browser"])
        .env_remove("BROWSER")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let err = stderr(&again);
    assert!(again.status.success(), "{err}");
    assert!(err.contains("Already signed in"), "{err}");
    assert!(!err.contains("device code"), "{err}");
}

/// `login --show-settings` (plus `extra` flags) with no `BROWSER`, `PATH` = `path` and the
/// variables `vars`: the flow it would use and why.
fn flow_with(
    w: &crate::World,
    path: &std::path::Path,
    vars: &[(&str, &str)],
    extra: &[&str],
) -> (String, String) {
    let mut args = vec!["login", "--profile", "dev-account-ro", "--show-settings"];
    args.extend_from_slice(extra);
    let out = w
        .cmd(&args)
        .env_remove("BROWSER")
        .env("PATH", path)
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    (
        json["targets"][0]["flow"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        json["device_code_instead"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[test]
fn where_no_browser_can_open_the_device_code_is_chosen_before_starting_unless_pkce_is_asked_for() {
    let w = world(Scenario::default());
    let bin = tempfile::tempdir().expect("tmp");
    let fake = |name: &str| {
        use std::os::unix::fs::PermissionsExt;
        let path = bin.path().join(name);
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    };
    let empty = tempfile::tempdir().expect("tmp");
    let ssh = [("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")];
    let display = [("DISPLAY", ":0")];
    let wsl = [("WSL_DISTRO_NAME", "Ubuntu")];
    let device = "device-code";
    let pkce = "authorization-code";

    // Over SSH with no display.
    let (flow, why) = flow_with(&w, empty.path(), &ssh, &[]);
    assert_eq!(flow, device);
    assert!(
        why.contains("this is an SSH session with no display (DISPLAY and WAYLAND_DISPLAY are unset) and BROWSER is unset"),
        "{why}"
    );
    // A display, but nothing to open a browser with (a container).
    let (flow, why) = flow_with(&w, empty.path(), &display, &[]);
    assert_eq!(flow, device);
    assert!(
        why.contains("no program that opens a browser (xdg-open, gio, kde-open) is installed"),
        "{why}"
    );
    // WSL with no way to Windows' browser.
    let (flow, why) = flow_with(&w, empty.path(), &wsl, &[]);
    assert_eq!(flow, device);
    assert!(
        why.contains("this is WSL and Windows' powershell.exe"),
        "{why}"
    );
    // Asked for PKCE: kept (the address is pasted back, or the port forwarded).
    for asked in [&["--use-pkce"][..], &["--redirect-port", "43210"]] {
        let (flow, why) = flow_with(&w, empty.path(), &ssh, asked);
        assert_eq!((flow.as_str(), why.as_str()), (pkce, ""), "{asked:?}");
    }
    // Where a browser can open, PKCE stays.
    fake("powershell.exe");
    let (flow, why) = flow_with(&w, bin.path(), &wsl, &[]);
    assert_eq!((flow.as_str(), why.as_str()), (pkce, ""), "WSL's opener");
    fake("xdg-open");
    let (flow, why) = flow_with(&w, bin.path(), &display, &[]);
    assert_eq!((flow.as_str(), why.as_str()), (pkce, ""), "a desktop");
    let out = w
        .cmd(&["login", "--use-pkce", "--use-device-code"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
