//! Headless Chromium completes both sign-in flows with the real binary.
//! Ignored by a plain `cargo test`; `cargo xtask ci` installs Chromium and runs them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use aws_sso_e2e::browser::Browser;
use aws_sso_mock::{Approval, Scenario};
use aws_sso_token_cache::TokenKey;

use crate::{World, world};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Starts `login ARGS --no-browser` and returns it with the first loopback address it prints.
fn start(w: &World, args: &[&str]) -> (Child, String, std::thread::JoinHandle<Vec<String>>) {
    let mut all = vec!["login"];
    all.extend_from_slice(args);
    all.push("--no-browser");
    let mut child = w
        .cmd(&all)
        .stdin(Stdio::null())
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
        .expect("an address");
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect());
    (child, url, rest)
}

#[test]
#[ignore = "needs Chromium and ChromeDriver: cargo xtask ci installs them and runs this"]
fn device_flow_in_a_real_browser() {
    let mut scenario = Scenario::default();
    scenario.device.approval = Approval::Manual;
    let w = world(scenario);
    let (mut child, url, rest) = start(&w, &["--profile", "dev-account-ro", "--use-device-code"]);
    assert!(url.contains("/device?user_code="), "{url}");
    runtime().block_on(async {
        let browser = Browser::start().await;
        browser
            .client
            .goto(&url)
            .await
            .expect("open the verification page");
        let shown = browser.find("user-code").await.text().await.expect("code");
        assert!(
            url.ends_with(&shown),
            "the page shows the code the terminal shows"
        );
        browser.find("allow").await.click().await.expect("Allow");
        browser.find("result").await;
        browser.close().await;
    });
    let status = child.wait().expect("login ends");
    assert!(status.success(), "{:?}", rest.join());
    assert!(
        w.cache()
            .load_token(&TokenKey::new("my-sso"))
            .expect("read")
            .is_some()
    );
}

#[test]
#[ignore = "needs Chromium and ChromeDriver: cargo xtask ci installs them and runs this"]
fn pkce_flow_in_a_real_browser_lands_on_the_cli_listener() {
    let w = world(Scenario::default());
    let (mut child, url, rest) = start(&w, &["--profile", "dev-account-ro"]);
    assert!(url.contains("/authorize?response_type=code"), "{url}");
    runtime().block_on(async {
        let browser = Browser::start().await;
        browser
            .client
            .goto(&url)
            .await
            .expect("open the authorize URL");
        browser
            .find("sign-in")
            .await
            .click()
            .await
            .expect("Sign in");
        browser
            .find("allow")
            .await
            .click()
            .await
            .expect("Allow access");
        let title = browser
            .find("title")
            .await
            .text()
            .await
            .expect("the CLI's page");
        assert_eq!(title, "Signed in");
        let landed = browser.client.current_url().await.expect("url");
        assert_eq!(landed.host_str(), Some("127.0.0.1"));
        assert_eq!(landed.path(), "/oauth/callback");
        browser.screenshot("cli-pkce-signed-in").await;
        browser.close().await;
    });
    let status = child.wait().expect("login ends");
    assert!(status.success(), "{:?}", rest.join());
    assert!(
        w.cache()
            .load_token(&TokenKey::new("my-sso"))
            .expect("read")
            .is_some()
    );
}

#[test]
#[ignore = "needs Chromium and ChromeDriver: cargo xtask ci installs them and runs this"]
fn console_url_in_a_real_browser_lands_on_the_account_and_role() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let out = w.run(&["console", "--profile", "dev-account-admin", "--print"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let url = crate::stdout(&out).trim().to_owned();
    runtime().block_on(async {
        let browser = Browser::start().await;
        browser
            .client
            .goto(&url)
            .await
            .expect("open the console URL");
        let account = browser.find("account").await.text().await.expect("account");
        let role = browser.find("role").await.text().await.expect("role");
        assert_eq!(
            (account.as_str(), role.as_str()),
            ("123456789011", "Administrator")
        );
        let title = browser.client.title().await.expect("title");
        assert!(title.contains("AWS Management Console"), "{title}");
        browser.close().await;
    });
}
