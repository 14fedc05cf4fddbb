//! What a person sees in a real terminal (tmux): the QR code of `--no-browser` and the
//! spinner counting down. Ignored by a plain `cargo test`; `cargo xtask ci` installs tmux and
//! runs it.

use std::process::Command;
use std::time::{Duration, Instant};

use aws_sso_mock::{Approval, Scenario};

use crate::world;

fn tmux(socket: &str, args: &[&str]) -> String {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A tmux server of its own running `aws-sso-rs ARGS` in `w`'s world (with `extra`
/// variables), then `echo EXIT=$?`; killed when dropped.
pub struct Session(String);

/// `env -i` with the world's home, PATH, the mock's endpoints and `extra`.
pub fn world_env(w: &crate::World, extra: &str) -> String {
    let mut env = format!(
        "TERM=screen HOME='{}' PATH='{}' BROWSER='{}' {extra}",
        w.path().display(),
        std::env::var("PATH").unwrap_or_default(),
        w.path().join("browser.sh").display()
    );
    for (k, v) in w.mock.env() {
        env.push_str(&format!(" {k}='{v}'"));
    }
    format!("env -i {env}")
}

impl Session {
    pub fn start(w: &crate::World, name: &str, width: u16, extra: &str, args: &str) -> Self {
        let command = format!(
            "{} '{}' {args}; echo EXIT=$?; sleep 30",
            world_env(w, extra),
            env!("CARGO_BIN_EXE_aws-sso-rs")
        );
        Self::spawn(name, width, &command)
    }

    /// A tmux server of its own running `command` in a `width`-column window.
    pub fn spawn(name: &str, width: u16, command: &str) -> Self {
        let socket = format!("aws-sso-rs-{name}-{}", std::process::id());
        let session = Self(socket);
        tmux(
            &session.0,
            &[
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                "60",
                command,
            ],
        );
        session
    }

    /// Types `text` and Enter, after a moment for the shell to draw its prompt.
    pub fn type_line(&self, text: &str) {
        std::thread::sleep(Duration::from_millis(300));
        tmux(&self.0, &["send-keys", "-l", text]);
        tmux(&self.0, &["send-keys", "Enter"]);
    }

    /// Presses `keys` (tmux key names: `Tab`, `Down`, `Escape`...).
    pub fn press(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        tmux(&self.0, &args);
    }

    /// The screen once it shows `want` (or after 15 s, whatever it shows then).
    pub fn screen(&self, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = tmux(&self.0, &["capture-pane", "-p", "-J"]);
            if text.contains(want) || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .output();
    }
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn no_browser_on_a_terminal_shows_a_qr_code_and_a_countdown() {
    let mut scenario = Scenario::default();
    scenario.device.approval = Approval::Manual;
    let w = world(scenario);
    let session = Session::start(
        &w,
        "qr",
        100,
        "",
        "login --profile dev-account-ro --use-device-code --no-browser",
    );
    let screen = |want: &str| session.screen(want);
    let first = screen("left");
    assert!(first.contains("Or scan this with a phone"), "{first}");
    assert!(
        first
            .chars()
            .filter(|c| matches!(c, '█' | '▀' | '▄'))
            .count()
            > 100,
        "a QR code is drawn:\n{first}"
    );
    let countdown = |text: &str| {
        let prefix = "Waiting for approval in the browser: ";
        text.lines().find_map(|l| {
            l.split(prefix)
                .nth(1)
                .map(|rest| rest.trim_end().to_owned())
        })
    };
    let before = countdown(&first).expect("the spinner shows the time left");
    let seconds = |s: &str| -> u64 {
        let (m, rest) = s.split_once('m').expect("NmSSs left");
        m.parse::<u64>().expect("minutes") * 60 + rest[..2].parse::<u64>().expect("seconds")
    };
    assert!(
        (480..=600).contains(&seconds(&before)) && before.ends_with("s left"),
        "{before}"
    );
    std::thread::sleep(Duration::from_millis(2200));
    let later = countdown(&screen("left")).expect("still counting");
    assert_ne!(before, later, "the time left counts down");
    let code = w.mock.pending_user_codes().pop().expect("a pending code");
    assert!(w.mock.approve(&code));
    let done = screen("EXIT=");
    assert!(
        done.contains("EXIT=0") && done.contains("Signed in to profile 'dev-account-ro'"),
        "{done}"
    );
    assert!(
        !done.contains("Waiting for approval in the browser:"),
        "the spinner is cleared when done:\n{done}"
    );
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn on_a_terminal_a_pasted_callback_completes_a_login_that_opened_a_browser() {
    // The browser opened (here: the recording one), but it runs where it cannot reach this
    // machine's loopback: the person pastes where it ended, without having passed --no-browser.
    let w = world(Scenario::default());
    let browser = format!("BROWSER='{}'", w.path().join("browser.sh").display());
    let session = Session::start(&w, "paste", 200, &browser, "login --profile dev-account-ro");
    let socket = session.0.clone();
    let url = w.opened(1).pop().expect("the browser was asked to open");
    let screen = |want: &str| session.screen(want);
    let first = screen("paste that whole address here");
    assert!(
        first.contains("paste that whole address here"),
        "the terminal is told it may paste: {first}"
    );
    let location = crate::allow_in_browser(&url);
    tmux(&socket, &["send-keys", "-l", &location]);
    tmux(&socket, &["send-keys", "Enter"]);
    let done = screen("EXIT=");
    assert!(
        done.contains("EXIT=0") && done.contains("Signed in to profile 'dev-account-ro'"),
        "{done}"
    );
    assert!(
        w.cache()
            .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
            .expect("read")
            .is_some()
    );
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn over_ssh_with_no_display_a_terminal_signs_in_with_the_device_code_and_says_why_once() {
    let w = world(Scenario::default());
    let ssh = "BROWSER= SSH_CONNECTION='10.0.0.1 50000 10.0.0.2 22' SSH_TTY=/dev/pts/3";
    let session = Session::start(&w, "ssh", 400, ssh, "login --profile dev-account-ro");
    let done = session.screen("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    let said = "no browser can be opened here (this is an SSH session with no display (DISPLAY and WAYLAND_DISPLAY are unset) and BROWSER is unset), so the sign-in uses the device code, whose page any device can open (--use-pkce to paste the browser's address back instead)";
    assert_eq!(done.matches(said).count(), 1, "said once: {done}");
    assert!(
        done.contains("/device?user_code="),
        "the device code's page: {done}"
    );
    assert!(!done.contains("paste that whole address"), "{done}");
    assert!(
        !done.contains("No browser could be started"),
        "why was said once, before: {done}"
    );
    assert_eq!(w.mock.count("StartDeviceAuthorization"), 1);
    assert!(w.opened(0).is_empty(), "no browser was asked");

    // --use-pkce keeps the browser flow: the address to carry elsewhere, and the paste.
    let w = world(Scenario::default());
    let session = Session::start(
        &w,
        "ssh-pkce",
        2000,
        ssh,
        "login --profile dev-account-ro --use-pkce",
    );
    let screen = session.screen("paste that whole address here");
    assert!(screen.contains("paste that whole address here"), "{screen}");
    assert!(
        screen.contains("open this address in a browser:")
            && !screen.contains("--use-device-code")
            && !screen.contains("No browser could be started"),
        "no browser is tried, nor the declined flow offered: {screen}"
    );
    let url = screen
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http://127.0.0.1") && l.contains("/authorize"))
        .unwrap_or_else(|| panic!("the address to open elsewhere: {screen}"))
        .to_owned();
    let location = crate::allow_in_browser(&url);
    tmux(&session.0, &["send-keys", "-l", &location]);
    tmux(&session.0, &["send-keys", "Enter"]);
    let done = session.screen("EXIT=");
    assert!(
        done.contains("EXIT=0") && done.contains("Signed in to profile 'dev-account-ro'"),
        "{done}"
    );
    assert_eq!(w.mock.count("StartDeviceAuthorization"), 0);
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn configure_sso_asks_signs_in_and_picks_on_a_terminal() {
    let w = world(crate::everyday::organisation(3, &["ReadOnly", "Admin"]));
    let session = Session::start(&w, "wizard", 160, "", "configure sso --use-device-code");
    let answer = |prompt: &str, keys: &str| {
        let screen = session.screen(prompt);
        assert!(screen.contains(prompt), "{screen}");
        std::thread::sleep(Duration::from_millis(200));
        if !keys.is_empty() {
            tmux(&session.0, &["send-keys", "-l", keys]);
        }
        tmux(&session.0, &["send-keys", "Enter"]);
    };
    answer("SSO session name", "corp");
    answer("SSO start URL", "https://d-XXXXXXXXX.awsapps.com/start");
    answer("SSO region", "ap-northeast-1");
    answer("SSO registration scopes", "");
    // Signed in (the mock approves the device code), then the account picker.
    answer("team 02", "team 01");
    answer("Role", "adm");
    answer("Default client region", "");
    answer("Default output format", "json");
    answer("Profile name", "");
    let done = session.screen("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(
        done.contains("Wrote profile 'Admin-400000000001'"),
        "{done}"
    );
    let config = std::fs::read_to_string(w.path().join(".aws/config")).expect("config");
    assert!(
        config.contains("[profile Admin-400000000001]\nsso_session = corp\nsso_account_id = 400000000001\nsso_role_name = Admin\nregion = ap-northeast-1\noutput = json\n"),
        "{config}"
    );
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn without_a_profile_on_a_terminal_whoami_offers_the_picker() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    // No terminal: it fails as the AWS CLI does, `default` not being an SSO profile.
    let out = w.run(&["whoami"]);
    assert_eq!(out.status.code(), Some(3), "{}", crate::stderr(&out));
    let session = Session::start(&w, "picker", 160, "", "whoami --output text");
    let screen = session.screen("legacy-ro");
    assert!(screen.contains("Profile"), "{screen}");
    // Each column starts at the same place on every row: the session after roles of any
    // length, the account after names of any length.
    let column = |profile: &str, text: &str| {
        let line = screen
            .lines()
            .find(|l| l.contains(profile))
            .unwrap_or_else(|| panic!("{profile} is listed:\n{screen}"));
        let start = line.find(profile).expect("listed");
        // In characters: the chosen row starts with a wider marker in bytes.
        line[start..]
            .find(text)
            .map(|at| line[..start + at].chars().count())
    };
    assert_eq!(
        column("dev-account-ro ", "my-sso"),
        column("dev-account-admin ", "my-sso"),
        "the sessions line up:\n{screen}"
    );
    assert_eq!(
        column("dev-account-ro ", "123456789011"),
        column("legacy-ro ", "123456789011"),
        "the accounts line up:\n{screen}"
    );
    std::thread::sleep(Duration::from_millis(200));
    tmux(&session.0, &["send-keys", "-l", "acc-adm"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux(&session.0, &["send-keys", "Enter"]);
    let done = session.screen("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(
        done.contains("assumed-role/AWSReservedSSO_Administrator_"),
        "{done}"
    );
}

/// The picker knows you: the profiles used most and last come first (here the admin profile,
/// used twice through `exec`, above the read-only one the config lists first), and a query
/// narrows it at once. The record is aws-sso-rs's own, not under `~/.aws`.
#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn the_picker_puts_the_profiles_used_most_first_and_takes_a_query() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    for _ in 0..2 {
        let out = w.run(&["exec", "--profile", "dev-account-admin", "--", "true"]);
        assert!(out.status.success(), "{}", crate::stderr(&out));
    }
    assert!(
        w.path().join(".cache/aws-sso-rs/recent.json").exists(),
        "the record is in aws-sso-rs's cache folder"
    );
    let session = Session::start(&w, "recent", 160, "", "pick");
    let screen = session.screen("legacy-ro");
    let listed: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("dev-account-") || l.contains("legacy-ro"))
        .collect();
    assert!(
        listed
            .first()
            .is_some_and(|l| l.contains("dev-account-admin")),
        "the profile used most comes first:\n{screen}"
    );
    std::thread::sleep(Duration::from_millis(200));
    tmux(&session.0, &["send-keys", "Enter"]);
    let done = session.screen("EXIT=");
    assert!(
        done.lines().any(|l| l.trim() == "dev-account-admin") && done.contains("EXIT=0"),
        "{done}"
    );

    let session = Session::start(&w, "query", 160, "", "pick legacy");
    session.screen("legacy-ro");
    std::thread::sleep(Duration::from_millis(200));
    tmux(&session.0, &["send-keys", "Enter"]);
    let done = session.screen("EXIT=");
    assert!(
        done.lines().any(|l| l.trim() == "legacy-ro") && done.contains("EXIT=0"),
        "the query narrowed the list: {done}"
    );
}
