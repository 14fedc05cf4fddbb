//! The terminal presenter: what a person sees while a sign-in runs (the device code, the
//! address, a QR code, a countdown, the browser opening, pasted addresses), behind the
//! `Presenter` trait of `aws_sso_device_auth`, and the notices about the cache folders.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use aws_sso_device_auth::{DeviceAuthorization, LoginOutcome, Presenter, SignInTarget};
use aws_sso_token_cache::timestamp::human_duration;
use time::OffsetDateTime;

use crate::browser;
use crate::world::World;

/// Shows the code or URL on stderr, opens the browser, and keeps a spinner while waiting.
pub struct CliPresenter<'a> {
    world: &'a World,
    label: String,
    /// The target as the outcome names it (`profile 'dev' (https://...)`).
    described: String,
    open_browser: bool,
    /// The device-code flow (so `--use-device-code` is not suggested again).
    device_code: bool,
    /// Pasted callback addresses are read from the terminal.
    paste: bool,
    /// Run by `login` (or `configure sso`), whose flags can be suggested; else a credential
    /// command signing in on a program's behalf, which has none of them.
    in_login: bool,
    /// The command that signs in to the target (`aws-sso-rs login --profile dev`).
    login_command: String,
    terminal: bool,
    spinner: Mutex<Option<indicatif::ProgressBar>>,
    /// Why the sign-in uses the device code though the profile's flow is the browser's: said
    /// once, by the first presenter whose sign-in really starts (shared by a run's presenters).
    note: Option<&'a Mutex<Option<String>>>,
}

pub fn say(text: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

impl<'a> CliPresenter<'a> {
    pub fn new(
        world: &'a World,
        target: &SignInTarget,
        open_browser: bool,
        paste: bool,
        in_login: bool,
    ) -> Self {
        Self {
            world,
            label: target.label(),
            described: target.described(),
            open_browser,
            device_code: target.flow == aws_sso_device_auth::Flow::DeviceCode,
            paste,
            in_login,
            login_command: target.login_command(),
            terminal: std::io::stderr().is_terminal(),
            spinner: Mutex::new(None),
            note: None,
        }
    }

    /// Says `note` (taken from the cell, so once per run) when a sign-in starts.
    #[must_use]
    pub fn with_note(mut self, note: &'a Mutex<Option<String>>) -> Self {
        self.note = Some(note);
        self
    }

    fn say_note(&self) {
        let taken = self.note.and_then(|cell| {
            cell.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
        });
        if let Some(note) = taken {
            say(format_args!("aws-sso-rs: {note}."));
        }
    }

    fn open(&self, url: &str) {
        if !self.open_browser {
            return;
        }
        match browser::open(url, self.world.env.as_ref()) {
            Ok(()) => tracing::debug!(
                "opened a browser at {}",
                url.split('?').next().unwrap_or(url)
            ),
            Err(why) => {
                // How to paste the address a browser elsewhere ends on was said with the address.
                let what_to_do = match (self.device_code, self.in_login) {
                    // The QR code is drawn on a terminal only.
                    (true, true) if self.terminal => {
                        "open the address above on any device (--no-browser shows a QR code to scan)"
                            .to_owned()
                    }
                    (true, _) => "open the address above on any device".to_owned(),
                    (false, true) => "open the address above in a browser yourself, or sign in with\n\
                         --use-device-code (from any device)"
                        .to_owned(),
                    (false, false) => format!(
                        "open the address above in a browser yourself, or sign in first with\n\
                         `{} --use-device-code` (from any device)",
                        self.login_command
                    ),
                };
                say(format_args!(
                    "No browser could be started on this machine: {why}.\nSo {what_to_do}.\n"
                ));
            }
        }
    }

    fn wait(&self, what: &str, deadline: OffsetDateTime) {
        let total = (deadline - self.world.clock.now()).max(time::Duration::ZERO);
        if !self.terminal {
            // The request was made a moment ago: a 10-minute code has 9m59.9s left, and "at
            // most" reads as its whole lifetime.
            say(format_args!(
                "Waiting for {what} (at most {}).",
                human_duration(total + time::Duration::seconds(1))
            ));
            return;
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        // Count down the time left until the request expires, from the bar's own elapsed time.
        let (ticker, what) = (bar.clone(), what.to_owned());
        std::thread::spawn(move || {
            while !ticker.is_finished() {
                let elapsed = time::Duration::try_from(ticker.elapsed()).unwrap_or(total);
                let left = (total - elapsed).max(time::Duration::ZERO).whole_seconds();
                ticker.set_message(format!(
                    "Waiting for {what}: {}m{:02}s left",
                    left / 60,
                    left % 60
                ));
                std::thread::sleep(Duration::from_millis(500));
            }
        });
        *self
            .spinner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(bar);
    }

    fn finish(&self) {
        if let Some(bar) = self
            .spinner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            bar.finish_and_clear();
        }
    }
}

/// The spinner stops whenever the presenter goes away, Ctrl-C included.
impl Drop for CliPresenter<'_> {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Presenter for CliPresenter<'_> {
    fn finished(&self, outcome: Result<&LoginOutcome, &aws_sso_device_auth::Error>) {
        self.finish();
        let Ok(outcome) = outcome else {
            return;
        };
        let left = human_duration(outcome.token().expires_at - self.world.clock.now());
        match outcome {
            LoginOutcome::AlreadySignedIn(_) => say(format_args!(
                "Already signed in to {}; the token is valid for {left} more. Use --force to sign in again.",
                self.described
            )),
            LoginOutcome::SignedIn(_) => say(format_args!(
                "Signed in to {}; the token is valid for {left}.",
                self.described
            )),
        }
    }

    fn device_code(&self, a: &DeviceAuthorization, deadline: OffsetDateTime) {
        self.say_note();
        say(format_args!(
            "To sign in to {}, open\n\n    {}\n\nand check that the page shows the code\n\n    {}\n",
            self.label, a.verification_uri_complete, a.user_code
        ));
        if !self.open_browser
            && self.terminal
            && let Ok(qr) = qrcode::QrCode::new(a.verification_uri_complete.as_bytes())
        {
            // Light modules as blocks: terminals are usually dark, and scanners want dark
            // modules on a light background with a light quiet zone.
            let art = qr
                .render::<qrcode::render::unicode::Dense1x2>()
                .dark_color(qrcode::render::unicode::Dense1x2::Light)
                .light_color(qrcode::render::unicode::Dense1x2::Dark)
                .quiet_zone(true)
                .build();
            say(format_args!("Or scan this with a phone:\n{art}"));
        }
        self.open(&a.verification_uri_complete);
        self.wait("approval in the browser", deadline);
    }

    fn authorize_url(&self, url: &str, deadline: OffsetDateTime) {
        self.say_note();
        let paste = if self.paste {
            "\nIf that browser runs on another machine, it ends on an address starting with\nhttp://127.0.0.1: that it cannot load; paste that whole address here and press Enter.\n"
        } else {
            ""
        };
        if self.open_browser {
            say(format_args!(
                "To sign in to {}, allow the request in the browser that opens. If none opens, open:\n\n    {url}\n{paste}",
                self.label
            ));
        } else {
            say(format_args!(
                "To sign in to {}, open this address in a browser:\n\n    {url}\n{paste}",
                self.label
            ));
        }
        self.open(url);
        self.wait("the browser", deadline);
    }

    fn waiting_for_other_login(&self) {
        say(format_args!(
            "Another aws-sso-rs login for {} is in progress; waiting for it to finish.",
            self.label
        ));
    }

    fn bad_paste(&self, error: &aws_sso_device_auth::Error) {
        say(format_args!("aws-sso-rs: {error}"));
    }

    fn replacing_damaged(&self, error: &aws_sso_token_cache::Error) {
        match error.kind() {
            aws_sso_token_cache::ErrorKind::Corrupt { path, reason } => say(format_args!(
                "aws-sso-rs: warning: the cached token {} is damaged ({reason}); this sign-in replaces it.",
                path.display()
            )),
            _ => say(format_args!("aws-sso-rs: warning: {error}")),
        }
    }
}

/// Lines typed on stdin, for the pasted-callback path.
pub fn stdin_lines() -> tokio::sync::mpsc::Receiver<String> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if !line.trim().is_empty() && tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Makes the cache folders private before writing to them, saying so on stderr once (a folder
/// another tool made `0755` is set to `0700`; one that is not ours to change is warned about).
pub fn tighten_cache_folders(cache: &aws_sso_token_cache::TokenCache) {
    for found in cache.tighten_folders() {
        let level = match found {
            aws_sso_token_cache::LooseFolder::Tightened { .. } => "notice",
            aws_sso_token_cache::LooseFolder::Left { .. } => "warning",
        };
        eprintln!("aws-sso-rs: {level}: {found}");
    }
}
