//! Opening a URL in the user's browser: `$BROWSER` first (as Python's `webbrowser` and the
//! AWS CLI read it: `:`-separated commands, `%s` stands for the URL, else the URL is appended),
//! then the platform's opener, but only where a graphical browser can show the page: on
//! Linux and the BSDs a display (`DISPLAY` or `WAYLAND_DISPLAY`) and a program the opener
//! runs (`xdg-open`, ...) on `PATH`, in WSL the Windows browser (`powershell.exe` on `PATH`),
//! on macOS not over SSH.
//! Elsewhere the system's opener would start a text-mode browser with no terminal, or a
//! browser on another person's screen, and claim success; the caller prints the address.

use std::fmt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use aws_sso_profile_config::{Env, env::vars};

/// Why no browser was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoBrowser {
    /// No graphical display to open one on.
    NoDisplay,
    /// An SSH session with no display forwarded.
    SshWithoutDisplay,
    /// A display, but no program to open a browser with (xdg-open and the like), as in a
    /// container.
    NoOpener,
    /// WSL with no way to the Windows browser (`powershell.exe` is not on `PATH`).
    NoWindowsOpener,
    /// An SSH session to a Mac: a browser would open on the remote screen.
    RemoteSession,
    /// Every `BROWSER` command failed (the details are in the `--debug` log).
    BrowserFailed,
    /// The platform's opener failed.
    OpenerFailed,
}

impl fmt::Display for NoBrowser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoDisplay => {
                "DISPLAY and WAYLAND_DISPLAY are unset, as in a container"
            }
            Self::SshWithoutDisplay => {
                "this is an SSH session with no display (DISPLAY and WAYLAND_DISPLAY are unset) and BROWSER is unset"
            }
            Self::NoOpener => {
                "no program that opens a browser (xdg-open, gio, kde-open) is installed, as in a container, and BROWSER is unset"
            }
            Self::NoWindowsOpener => {
                "this is WSL and Windows' powershell.exe, which opens the Windows browser, is not on PATH (Windows interop is off, or Windows' folders are not on PATH), and BROWSER is unset"
            }
            Self::RemoteSession => {
                "this is an SSH session: a browser would open on the remote machine's screen, not yours"
            }
            Self::BrowserFailed => "every command in BROWSER failed (--debug shows how)",
            Self::OpenerFailed => {
                "the system's opener (xdg-open or the like) could not start a browser; set BROWSER to your browser's command"
            }
        })
    }
}

/// Opens `url`; `Err` says why no browser was opened.
pub fn open(url: &str, env: &dyn Env) -> Result<(), NoBrowser> {
    if let Some(list) = env.non_empty(vars::BROWSER) {
        return open_with(&list, url);
    }
    graphical_display(env)?;
    // The opener's error quotes the address, which can hold a secret (a sign-in token), and
    // its exit status in debug form: say what happened instead.
    open::that_detached(url).map_err(|e| {
        tracing::debug!(
            "the system's opener failed: {}",
            e.to_string().replace(url, "<the address>")
        );
        NoBrowser::OpenerFailed
    })
}

/// Whether a browser could be opened here: `BROWSER` is set, or the platform's opener can
/// show a page (see [`open`]); `Err` says why not.
pub fn can_open(env: &dyn Env) -> Result<(), NoBrowser> {
    if env.non_empty(vars::BROWSER).is_some() {
        return Ok(());
    }
    graphical_display(env)
}

/// Whether the platform's opener can show a page to the person at this terminal: on macOS
/// unless over SSH; on Linux and the BSDs a display and one of the programs the opener runs
/// (`xdg-open`, `gio`, ...) on `PATH`; inside WSL the Windows browser through
/// `powershell.exe`, else as on Linux (WSLg's display).
fn graphical_display(env: &dyn Env) -> Result<(), NoBrowser> {
    if cfg!(target_os = "macos") {
        if env.non_empty(vars::SSH_CONNECTION).is_some() {
            return Err(NoBrowser::RemoteSession);
        }
        return Ok(());
    }
    if !cfg!(unix) {
        return Ok(());
    }
    let wsl = env.non_empty(vars::WSL_DISTRO_NAME).is_some()
        || env.non_empty(vars::WSL_INTEROP).is_some();
    let found = |program: &str| aws_sso_role_credentials::find_program(program, env).is_some();
    if wsl && found(WINDOWS_OPENER) {
        return Ok(());
    }
    let display =
        env.non_empty(vars::DISPLAY).is_some() || env.non_empty(vars::WAYLAND_DISPLAY).is_some();
    let opener = || {
        open::commands("https://aws.amazon.com")
            .iter()
            .filter_map(|c| c.get_program().to_str().map(str::to_owned))
            .filter(|p| p != WINDOWS_OPENER)
            .any(|p| found(&p))
    };
    match (display, wsl) {
        (true, _) if opener() => Ok(()),
        (_, true) => Err(NoBrowser::NoWindowsOpener),
        (true, false) => Err(NoBrowser::NoOpener),
        (false, false)
            if env.non_empty(vars::SSH_CONNECTION).is_some()
                || env.non_empty(vars::SSH_TTY).is_some() =>
        {
            Err(NoBrowser::SshWithoutDisplay)
        }
        (false, false) => Err(NoBrowser::NoDisplay),
    }
}

/// The program through which the opener starts the Windows browser inside WSL.
const WINDOWS_OPENER: &str = "powershell.exe";

/// A browser family `console --browser-profile` can open a named profile of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Chromium,
    Firefox,
}

/// The family a program's name tells (`google-chrome`, `brave-browser`, `msedge`, `firefox`...).
fn family_of(program: &str) -> Option<Family> {
    let name = std::path::Path::new(program).file_name().map_or_else(
        || program.to_ascii_lowercase(),
        |n| n.to_string_lossy().to_ascii_lowercase(),
    );
    if name.contains("firefox") {
        Some(Family::Firefox)
    } else if ["chrome", "chromium", "brave", "edge", "vivaldi", "opera"]
        .iter()
        .any(|b| name.contains(b))
    {
        Some(Family::Chromium)
    } else {
        None
    }
}

/// Why `console --browser-profile` opened no browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOpenError {
    /// Which browser is meant cannot be told: a sentence saying what to pass (a usage error).
    Unknown(String),
    /// The browser could not be opened here (why): the caller prints the address.
    NotOpened(String),
}

/// Opens `url` in browser profile `profile`: Chromium-family browsers with
/// `--profile-directory=NAME`, Firefox through the Multi-Account Containers extension's
/// `ext+container:` link. The browser is `kind` (started only where a graphical browser can
/// show a page), else the first command of `BROWSER` (trusted, as [`open`] trusts it).
///
/// # Errors
/// Which browser is meant cannot be told ([`ProfileOpenError::Unknown`]); it is not
/// installed, there is no display for it, or it failed at once
/// ([`ProfileOpenError::NotOpened`]).
pub fn open_in_profile(
    url: &str,
    profile: &str,
    kind: Option<crate::cli::BrowserKind>,
    env: &dyn Env,
) -> Result<(), ProfileOpenError> {
    use crate::cli::BrowserKind;
    let (mut words, family) = match kind {
        Some(kind) => {
            let (program, family) = match kind {
                BrowserKind::Chrome => ("google-chrome", Family::Chromium),
                BrowserKind::Chromium => ("chromium", Family::Chromium),
                BrowserKind::Brave => ("brave-browser", Family::Chromium),
                BrowserKind::Edge => ("microsoft-edge", Family::Chromium),
                BrowserKind::Firefox => ("firefox", Family::Firefox),
            };
            (vec![program.to_owned()], family)
        }
        None => {
            let first = env
                .non_empty(vars::BROWSER)
                .and_then(|list| list.split(':').find(|c| !c.trim().is_empty()).map(str::to_owned))
                .ok_or_else(|| {
                    ProfileOpenError::Unknown("--browser-profile needs to know the browser: pass --browser chrome|chromium|brave|edge|firefox (BROWSER is not set)".to_owned())
                })?;
            let words = shell_words::split(&first).map_err(|_| {
                ProfileOpenError::Unknown(format!("cannot parse BROWSER entry {first:?}"))
            })?;
            let program = words.first().cloned().unwrap_or_default();
            let family = family_of(&program).ok_or_else(|| {
                ProfileOpenError::Unknown(format!(
                    "--browser-profile needs to know the browser, and BROWSER names {program}, which is not one of the Chromium family or Firefox: pass --browser chrome|chromium|brave|edge|firefox"
                ))
            })?;
            // The URL goes where the profile's own arguments say, not where BROWSER's `%s` is.
            let words = words.into_iter().filter(|w| !w.contains("%s")).collect();
            (words, family)
        }
    };
    match family {
        Family::Chromium => {
            words.push(format!("--profile-directory={profile}"));
            words.push(url.to_owned());
        }
        Family::Firefox => {
            // The extension opens `url` in container `profile` (made if it is new).
            let encode = |s: &str| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            };
            words.push(format!(
                "ext+container:name={}&url={}",
                encode(profile),
                encode(url)
            ));
        }
    }
    let (program, args) = words.split_first().expect("a program is always there");
    // The browser --browser names shows on a display (BROWSER is trusted as it is).
    let hint = if kind.is_some() {
        "install it, or pass another --browser"
    } else {
        "correct BROWSER, or pass --browser"
    };
    if kind.is_some() {
        display_here(env).map_err(|why| ProfileOpenError::NotOpened(why.to_string()))?;
    }
    if aws_sso_role_credentials::find_program(program, env).is_none() {
        return Err(ProfileOpenError::NotOpened(format!(
            "{program} is not installed (not on PATH): {hint}"
        )));
    }
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            ProfileOpenError::NotOpened(format!("cannot start {program} ({e}): {hint}"))
        })?;
    // One that fails at once opened nothing.
    match exited_soon(&mut child) {
        Some(status) if !status.success() => Err(ProfileOpenError::NotOpened(format!(
            "{program} exited with {status}: {hint}"
        ))),
        _ => Ok(()),
    }
}

/// Whether a graphical program started here shows on this person's screen: on Linux and the
/// BSDs a display, on macOS not over SSH.
fn display_here(env: &dyn Env) -> Result<(), NoBrowser> {
    if cfg!(target_os = "macos") {
        if env.non_empty(vars::SSH_CONNECTION).is_some() {
            return Err(NoBrowser::RemoteSession);
        }
        return Ok(());
    }
    if !cfg!(unix)
        || env.non_empty(vars::DISPLAY).is_some()
        || env.non_empty(vars::WAYLAND_DISPLAY).is_some()
    {
        return Ok(());
    }
    if env.non_empty(vars::SSH_CONNECTION).is_some() || env.non_empty(vars::SSH_TTY).is_some() {
        Err(NoBrowser::SshWithoutDisplay)
    } else {
        Err(NoBrowser::NoDisplay)
    }
}

/// Tries each command of a `BROWSER` list in turn.
fn open_with(list: &str, url: &str) -> Result<(), NoBrowser> {
    let mut problems = Vec::new();
    for command in list.split(':').filter(|c| !c.trim().is_empty()) {
        let Ok(mut words) = shell_words::split(command) else {
            problems.push(format!("cannot parse BROWSER entry {command:?}"));
            continue;
        };
        if words.iter().any(|w| w.contains("%s")) {
            words.iter_mut().for_each(|w| *w = w.replace("%s", url));
        } else {
            words.push(url.to_owned());
        }
        let Some((program, args)) = words.split_first() else {
            problems.push(format!("empty BROWSER entry {command:?}"));
            continue;
        };
        match Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            // A command that fails at once (`BROWSER=false`) did not open anything: try
            // the next, as Python's `webbrowser` does. One still running is a browser.
            Ok(mut child) => match exited_soon(&mut child) {
                Some(status) if !status.success() => {
                    problems.push(format!("{program}: exited with {status}"));
                }
                _ => return Ok(()),
            },
            Err(e) => problems.push(format!("{program}: {e}")),
        }
    }
    tracing::debug!(
        "no BROWSER command could be started: {}",
        problems.join("; ").replace(url, "<the address>")
    );
    Err(NoBrowser::BrowserFailed)
}

/// The child's exit status if it ends within about 300 ms (30 looks, 10 ms apart).
fn exited_soon(child: &mut std::process::Child) -> Option<ExitStatus> {
    for _ in 0..30 {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sso_profile_config::MapEnv;

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn without_a_display_no_opener_is_started() {
        let env = MapEnv::new();
        assert_eq!(
            open("https://example.test/", &env),
            Err(NoBrowser::NoDisplay)
        );
        // Programs the opener runs, on a PATH of their own.
        let bin = std::env::temp_dir().join(format!("aws-sso-rs-openers-{}", std::process::id()));
        std::fs::create_dir_all(&bin).expect("mkdir");
        let fake = |name: &str| {
            use std::os::unix::fs::PermissionsExt;
            let path = bin.join(name);
            std::fs::write(&path, "#!/bin/sh\n").expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        };
        let path = bin.display().to_string();
        let wsl = MapEnv::new()
            .with(vars::WSL_DISTRO_NAME, "Ubuntu")
            .with(vars::PATH, path.clone());
        let wayland = MapEnv::new()
            .with(vars::WAYLAND_DISPLAY, "wayland-0")
            .with(vars::PATH, path.clone());
        assert_eq!(graphical_display(&wsl), Err(NoBrowser::NoWindowsOpener));
        assert_eq!(graphical_display(&wayland), Err(NoBrowser::NoOpener));
        fake("powershell.exe");
        fake("xdg-open");
        assert_eq!(
            graphical_display(&wsl),
            Ok(()),
            "WSL opens the Windows browser"
        );
        assert_eq!(graphical_display(&wayland), Ok(()));
        let ssh = MapEnv::new().with(vars::SSH_CONNECTION, "10.0.0.1 1 10.0.0.2 22");
        assert_eq!(graphical_display(&ssh), Err(NoBrowser::SshWithoutDisplay));
        let _ = std::fs::remove_dir_all(&bin);
        let shown = NoBrowser::NoDisplay.to_string();
        assert!(
            shown.contains("DISPLAY and WAYLAND_DISPLAY are unset"),
            "{shown}"
        );
    }

    #[test]
    fn a_browser_command_that_fails_says_so_without_the_address() {
        let env = MapEnv::new().with(vars::BROWSER, "false:/nonexistent/browser");
        assert_eq!(
            open("https://example.test/?SigninToken=secret", &env),
            Err(NoBrowser::BrowserFailed)
        );
    }
}
