//! `aws-sso-rs login`: sign in to each target session, reusing a valid token unless `--force`.

use std::io::{BufRead, IsTerminal};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use aws_sso_device_auth::{
    DeviceAuthorization, PkceOptions, Presenter, SdkOidc, SignIn, SystemClock, TokioSleeper,
};
use aws_sso_token_cache::{LockKey, TokenCache};
use time::OffsetDateTime;

use crate::settings::{LoginSettings, Target, World};
use crate::{Interrupted, browser, debug};

/// Shows the code or URL on stderr, opens the browser, and keeps a spinner while waiting.
struct CliPresenter<'a> {
    world: &'a World,
    label: &'a str,
    open_browser: bool,
    terminal: bool,
    spinner: Mutex<Option<indicatif::ProgressBar>>,
}

impl CliPresenter<'_> {
    fn open(&self, url: &str) {
        if !self.open_browser {
            return;
        }
        match browser::open(url, self.world.env.as_ref()) {
            Ok(()) => debug(format_args!("opened a browser at {url}")),
            Err(why) => {
                eprintln!("Could not open a browser ({why}); open the address above yourself.")
            }
        }
    }

    fn wait(&self, what: &str, deadline: OffsetDateTime) {
        let until = format!("at most {}", human(deadline - (self.world.now)()));
        if self.terminal {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            // Count down the time left until the request expires.
            let (ticker, what, now) = (bar.clone(), what.to_owned(), self.world.now);
            std::thread::spawn(move || {
                while !ticker.is_finished() {
                    let left = (deadline - now()).max(time::Duration::ZERO).whole_seconds();
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
        } else {
            eprintln!("Waiting for {what} ({until}).");
        }
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

impl Presenter for CliPresenter<'_> {
    fn device_code(&self, a: &DeviceAuthorization, deadline: OffsetDateTime) {
        eprintln!(
            "To sign in to {}, open\n\n    {}\n\nand check that the page shows the code\n\n    {}\n",
            self.label, a.verification_uri_complete, a.user_code
        );
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
            eprintln!("Or scan this with a phone:\n{art}");
        }
        self.open(&a.verification_uri_complete);
        self.wait("approval in the browser", deadline);
    }

    fn authorize_url(&self, url: &str, deadline: OffsetDateTime) {
        if self.open_browser {
            eprintln!(
                "To sign in to {}, allow the request in the browser that opens. If none opens, open:\n\n    {url}\n",
                self.label
            );
        } else {
            eprintln!(
                "To sign in to {}, open this address in a browser:\n\n    {url}\n\nIf that browser runs on another machine, it ends on an address starting with\nhttp://127.0.0.1: that it cannot load; paste that whole address here and press Enter.\n",
                self.label
            );
        }
        self.open(url);
        self.wait("the browser", deadline);
    }
}

/// Lines typed on stdin, for the pasted-callback path.
fn stdin_lines() -> tokio::sync::mpsc::Receiver<String> {
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

/// Minutes rounded up: `7h59m`, `10m`.
fn human(d: time::Duration) -> String {
    let m = (d.whole_seconds() + 59) / 60;

    if m >= 60 {
        format!("{}h{:02}m", m / 60, m % 60)
    } else {
        format!("{m}m")
    }
}

/// How one login runs.
pub struct LoginOptions {
    pub force: bool,
    pub open_browser: bool,
    pub redirect_port: u16,
}

impl From<&LoginSettings> for LoginOptions {
    fn from(s: &LoginSettings) -> Self {
        Self {
            force: s.force,
            open_browser: s.open_browser,
            redirect_port: s.redirect_port,
        }
    }
}

/// Signs in to `target` (reusing a valid token unless `force`).
pub async fn login(
    settings: &LoginOptions,
    target: &Target,
    world: &World,
    cache: &TokenCache,
) -> Result<()> {
    let session = target.session();
    let api = SdkOidc::with_log(
        &target.sso_region,
        &target.oidc_endpoint,
        target.oidc_endpoint_is_default,
        crate::request_log(),
    );

    debug(format_args!(
        "{}: OIDC endpoint {}, {} flow",
        target.label, target.oidc_endpoint, target.flow
    ));
    let sign_in = SignIn::new(&api, &SystemClock, &TokioSleeper, cache, &session);
    let key = sign_in.token_key();

    // One interactive login per session at a time, across processes.
    let lock = match cache.try_lock(LockKey::Login(&key))? {
        Some(lock) => lock,
        None => {
            eprintln!(
                "Another aws-sso-rs login for {} is in progress; waiting for it to finish.",
                target.label
            );
            let (cache, key) = (cache.clone(), key.clone());
            tokio::task::spawn_blocking(move || cache.lock(LockKey::Login(&key))).await??
        }
    };
    if !settings.force
        && let Some(token) = sign_in.cached_or_refreshed().await?
        && token.expires_at > (world.now)()
    {
        let left = token.expires_at - (world.now)();
        eprintln!(
            "Already signed in to {}; the token is valid for {} more. Use --force to sign in again.",
            target.described(),
            human(left)
        );

        return Ok(());
    }

    let presenter = CliPresenter {
        world,
        label: &target.label,
        open_browser: settings.open_browser,
        terminal: std::io::stderr().is_terminal(),
        spinner: Mutex::new(None),
    };
    let flow = async {
        if target.flow == "device-code" {
            sign_in.device_login(&presenter).await
        } else {
            let pasted = (!settings.open_browser).then(stdin_lines);
            sign_in
                .pkce_login(
                    &presenter,
                    PkceOptions {
                        redirect_port: settings.redirect_port,
                        wait: None,
                        pasted,
                    },
                )
                .await
        }
    };
    let result = tokio::select! {
        r = flow => r,
        _ = tokio::signal::ctrl_c() => {
            presenter.finish();
            return Err(Interrupted.into());
        }
    };
    presenter.finish();
    let token = result.with_context(|| format!("cannot sign in to {}", target.label))?;
    drop(lock);
    let left = token.expires_at - (world.now)();
    eprintln!(
        "Signed in to {}; the token is valid for {}.",
        target.described(),
        human(left)
    );
    Ok(())
}

pub fn run(settings: &LoginSettings, world: &World) -> Result<()> {
    let cache = settings.files.cache();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        for target in &settings.targets {
            login(&LoginOptions::from(settings), target, world, &cache).await?;
        }
        Ok(())
    })
}
