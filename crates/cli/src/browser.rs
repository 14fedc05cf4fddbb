//! Opening a URL in the user's browser: `$BROWSER` first (as Python's `webbrowser` and the
//! AWS CLI read it: `:`-separated commands, `%s` stands for the URL, else the URL is appended),
//! then the platform's opener.

use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use aws_sso_profile_config::{Env, env::vars};

/// Opens `url`; `Err` says why no browser could be started.
pub fn open(url: &str, env: &dyn Env) -> Result<(), String> {
    if let Some(list) = env.non_empty(vars::BROWSER) {
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
        return Err(format!(
            "no BROWSER command could be started ({})",
            problems.join("; ")
        ));
    }
    // The opener's error quotes the address, which can hold a secret (a sign-in token), and
    // its exit status in debug form: say what happened instead.
    open::that_detached(url).map_err(|e| {
        tracing::debug!("the system's opener failed: {}", e.to_string().replace(url, "<the address>"));
        "the system's opener (xdg-open or the like) could not start a browser; set BROWSER to your browser's command".to_owned()
    })
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
