//! The path every real user takes: HTTPS with rustls, the platform's trust store or a CA
//! bundle, and proxies. The mock speaks HTTPS with a certificate from a test authority made
//! at its start, which nothing trusts unless told to.

use aws_sso_e2e::proxy::{ConnectProxy, ProxyMode};
use aws_sso_mock::Scenario;

use crate::{World, stderr, stdout};

fn tls_world() -> World {
    World::new_tls(env!("CARGO_BIN_EXE_aws-sso-rs"), Scenario::default())
}

/// Runs `args` with `env` added, stdin closed.
fn run(w: &World, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = w.cmd(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Login, role credentials, STS and the console federation, each over HTTPS.
fn every_call_works(w: &World, env: &[(&str, &str)]) {
    let out = run(
        w,
        &["login", "--profile", "dev-account-ro", "--use-device-code"],
        env,
    );
    assert!(out.status.success(), "login: {}", stderr(&out));
    let out = run(
        w,
        &["credential-process", "--profile", "dev-account-ro"],
        env,
    );
    assert!(out.status.success(), "credentials: {}", stderr(&out));
    let creds: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(creds["AccessKeyId"].as_str().is_some_and(|k| !k.is_empty()));
    let out = run(
        w,
        &["whoami", "--profile", "dev-account-ro", "--output", "json"],
        env,
    );
    assert!(out.status.success(), "whoami: {}", stderr(&out));
    assert!(stdout(&out).contains("123456789011"), "{}", stdout(&out));
    let out = run(
        w,
        &["console", "--profile", "dev-account-ro", "--print"],
        env,
    );
    assert!(out.status.success(), "console: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with(&format!("{}/federation?Action=login", w.mock.url())),
        "{}",
        stdout(&out)
    );
}

#[test]
fn over_https_with_the_platform_trust_store() {
    let w = tls_world();
    assert!(w.mock.url().starts_with("https://127.0.0.1:"));
    // SSL_CERT_FILE is how the platform's trust store (rustls-native-certs) is pointed
    // elsewhere: this is the code path of a machine whose system store holds the CA.
    let ca = w.ca_file();
    let ca = ca.to_str().expect("utf-8 path");
    every_call_works(&w, &[("SSL_CERT_FILE", ca)]);
    assert!(w.mock.count("GetRoleCredentials") >= 1);
    assert!(w.mock.count("GetCallerIdentity") >= 1);
}

#[test]
fn an_untrusted_certificate_is_named_with_the_setting_that_fixes_it() {
    let w = tls_world();
    let out = run(
        &w,
        &[
            "login",
            "--profile",
            "dev-account-ro",
            "--use-device-code",
            "--debug",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("request: POST").count(),
        1,
        "a certificate error is not retried: {err}"
    );
    assert!(err.contains(w.mock.url()), "names the endpoint: {err}");
    assert!(err.contains("certificate"), "names the problem: {err}");
    assert!(err.contains("AWS_CA_BUNDLE"), "names the fix: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn aws_ca_bundle_makes_every_call_work() {
    let w = tls_world();
    let ca = w.ca_file();
    every_call_works(&w, &[("AWS_CA_BUNDLE", ca.to_str().expect("utf-8 path"))]);
}

#[test]
fn a_profile_ca_bundle_works_and_a_wrong_one_is_named() {
    let w = tls_world();
    let config = w.path().join(".aws/config");
    let text = std::fs::read_to_string(&config).expect("config");
    let with_bundle = text.replace(
        "[profile dev-account-ro]\n",
        &format!(
            "[profile dev-account-ro]\nca_bundle = {}\n",
            w.ca_file().display()
        ),
    );
    assert_ne!(text, with_bundle, "the example config has the profile");
    std::fs::write(&config, &with_bundle).expect("write");
    every_call_works(&w, &[]);

    // AWS_CA_BUNDLE wins over the profile's ca_bundle, as in the AWS CLI; when the one it
    // names does not hold the signer, the message says the profile's is not used.
    let unrelated = aws_sso_mock::MockServer::start_tls(Scenario::default()).expect("mock");
    let env_bundle = w.path().join("env-ca.pem");
    std::fs::write(&env_bundle, unrelated.ca_pem().expect("pem")).expect("write");
    std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).ok();
    let out = run(
        &w,
        &["credential-process", "--profile", "dev-account-ro"],
        &[("AWS_CA_BUNDLE", env_bundle.to_str().expect("utf-8"))],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the ca_bundle of profile 'dev-account-ro'")
            && stderr(&out).contains("is not used while AWS_CA_BUNDLE is set"),
        "{}",
        stderr(&out)
    );
    drop(unrelated);

    // A bundle that does not hold the signer: the message names that file and its setting.
    let other = w.path().join("other-ca.pem");
    let unrelated = aws_sso_mock::MockServer::start_tls(Scenario::default()).expect("mock");
    std::fs::write(&other, unrelated.ca_pem().expect("pem")).expect("write");
    std::fs::write(
        &config,
        with_bundle.replace(
            &w.ca_file().display().to_string(),
            &other.display().to_string(),
        ),
    )
    .expect("write");
    std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).ok();
    let out = run(
        &w,
        &["credential-process", "--profile", "dev-account-ro"],
        &[],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("other-ca.pem") && err.contains("ca_bundle of profile 'dev-account-ro'"),
        "{err}"
    );

    // A bundle that is not there, or not PEM: named, no panic, no call made.
    for (name, content) in [("missing.pem", None), ("garbage.pem", Some("not a pem\n"))] {
        let path = w.path().join(name);
        if let Some(c) = content {
            std::fs::write(&path, c).expect("write");
        }
        let out = run(
            &w,
            &["credential-process", "--profile", "dev-account-admin"],
            &[("AWS_CA_BUNDLE", path.to_str().expect("utf-8"))],
        );
        assert_eq!(out.status.code(), Some(6), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(name) && err.contains("AWS_CA_BUNDLE"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn calls_go_through_the_https_proxy_unless_no_proxy_exempts_the_host() {
    let w = tls_world();
    let ca = w.ca_file();
    let ca = ca.to_str().expect("utf-8 path");
    let proxy = ConnectProxy::start(ProxyMode::Forward);
    let host = w.mock.url().trim_start_matches("https://").to_owned();
    // Upper-case spelling.
    every_call_works(&w, &[("AWS_CA_BUNDLE", ca), ("HTTPS_PROXY", proxy.url())]);
    let tunnels = proxy.seen();
    assert!(
        !tunnels.is_empty()
            && tunnels
                .iter()
                .all(|l| *l == format!("CONNECT {host} HTTP/1.1")),
        "every call tunnels to the mock: {tunnels:?}"
    );
    // Lower-case spelling, for a fresh fetch.
    std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).ok();
    let before = proxy.seen().len();
    let out = run(
        &w,
        &["credential-process", "--profile", "dev-account-admin"],
        &[("AWS_CA_BUNDLE", ca), ("https_proxy", proxy.url())],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(proxy.seen().len() > before, "https_proxy is honoured too");

    // NO_PROXY names the host: straight there, the proxy sees nothing.
    let before = proxy.seen().len();
    let out = run(
        &w,
        &["whoami", "--profile", "dev-account-admin"],
        &[
            ("AWS_CA_BUNDLE", ca),
            ("HTTPS_PROXY", proxy.url()),
            ("NO_PROXY", "example.com,127.0.0.1"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(proxy.seen().len(), before, "bypassed: {:?}", proxy.seen());
}

#[test]
fn a_proxy_that_refuses_or_is_down_is_named() {
    let w = tls_world();
    let ca = w.ca_file();
    let ca = ca.to_str().expect("utf-8 path");
    let refusing = ConnectProxy::start(ProxyMode::Refuse);
    let out = run(
        &w,
        &["login", "--profile", "dev-account-ro", "--use-device-code"],
        &[("AWS_CA_BUNDLE", ca), ("HTTPS_PROXY", refusing.url())],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{} (from HTTPS_PROXY)", refusing.url())),
        "names the proxy: {err}"
    );
    assert!(!refusing.seen().is_empty(), "the proxy was asked");

    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://user:s3cret@{}", l.local_addr().expect("addr"))
    };
    let out = run(
        &w,
        &["login", "--profile", "dev-account-ro", "--use-device-code"],
        &[("AWS_CA_BUNDLE", ca), ("https_proxy", &down)],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("(from https_proxy)"), "{err}");
    assert!(
        !err.contains("s3cret"),
        "the proxy's password stays hidden: {err}"
    );
}

#[test]
fn a_user_name_and_password_in_the_proxy_url_are_sent_to_the_proxy_and_never_shown() {
    let w = tls_world();
    let ca = w.ca_file();
    let ca = ca.to_str().expect("utf-8 path");
    let proxy = ConnectProxy::start(ProxyMode::Forward);
    let with_login = proxy.url().replace("http://", "http://alice:s3cr%2Ft@");
    let out = run(
        &w,
        &[
            "login",
            "--profile",
            "dev-account-ro",
            "--use-device-code",
            "--debug",
        ],
        &[("AWS_CA_BUNDLE", ca), ("HTTPS_PROXY", &with_login)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = proxy.authorizations();
    assert!(!sent.is_empty(), "the proxy was used");
    // base64("alice:s3cr/t"), the password percent-decoded as curl and Python send it.
    assert!(
        sent.iter()
            .all(|a| a.as_deref() == Some("Basic YWxpY2U6czNjci90")),
        "{sent:?}"
    );
    assert!(!stderr(&out).contains("s3cr"), "{}", stderr(&out));
}

/// A company's own start URL (here the HTTPS mock's `/company-start`), as the AWS CLI 2.35
/// resolves it: one request, the redirect followed to the AWS access portal, whose URL the
/// sign-in then carries (the mock accepts only its own); the token cached under the
/// configured URL. One that leads to a host AWS does not own is refused, naming both.
#[test]
fn a_company_start_url_is_followed_to_the_portal_it_stands_for() {
    let w = tls_world();
    let company = format!("{}/company-start", w.mock.url());
    let config = format!(
        "[profile vanity]\nsso_start_url = {company}\nsso_region = ap-northeast-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n\n[profile elsewhere]\nsso_start_url = {}/company-elsewhere\nsso_region = ap-northeast-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n",
        w.mock.url()
    );
    std::fs::write(w.path().join(".aws/config"), config).expect("config");
    let ca = w.ca_file();
    let ca = ca.to_str().expect("utf-8 path");
    let out = run(
        &w,
        &["login", "--profile", "vanity", "--use-device-code"],
        &[("AWS_CA_BUNDLE", ca)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let token = w
        .cache()
        .load_token(&aws_sso_token_cache::TokenKey::new(&company))
        .expect("read")
        .expect("cached under the configured start URL");
    assert_eq!(token.start_url.as_deref(), Some(company.as_str()));
    let out = run(
        &w,
        &["login", "--profile", "elsewhere", "--use-device-code"],
        &[("AWS_CA_BUNDLE", ca)],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("https://login.example.com/start")
            && stderr(&out).contains("is not an AWS access portal's"),
        "{}",
        stderr(&out)
    );
    // A company address nobody answers at: the network's exit, saying what to check.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    // A portal host naming another region than sso_region: the region is what to fix.
    std::fs::write(
        w.path().join(".aws/config"),
        format!(
            "[profile gone]\nsso_start_url = https://127.0.0.1:{port}/start\nsso_region = ap-northeast-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n\n\
             [profile west]\nsso_start_url = https://ssoins-1.portal.us-west-2.app.aws\nsso_region = ap-northeast-1\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n"
        ),
    )
    .expect("config");
    let out = run(
        &w,
        &["login", "--profile", "gone", "--use-device-code"],
        &[("AWS_CA_BUNDLE", ca)],
    );
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "cannot follow the start URL https://127.0.0.1:{port}/start to its AWS access portal: no answer"
        )) && stderr(&out).contains("check the network and the proxy"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &w,
        &["login", "--profile", "west", "--use-device-code"],
        &[("AWS_CA_BUNDLE", ca)],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is an AWS access portal in us-west-2")
            && stderr(&out)
                .contains("while sso_region is ap-northeast-1; set sso_region = us-west-2"),
        "{}",
        stderr(&out)
    );
}
