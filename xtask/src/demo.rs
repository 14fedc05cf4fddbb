//! `cargo xtask demo`: the tour of aws-sso-rs on a machine with no AWS account, against the
//! bundled mock IAM Identity Center.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{run_cmd, workspace_root};

/// The demo's config: read-only and admin profiles on one account and one sso-session, a
/// legacy profile, a plain one (the same file the tests use).
pub const EXAMPLE_CONFIG: &str = include_str!("../../tests/support/example-config.ini");

/// The mock, stopped when dropped.
struct Mock(Child);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Secrets shortened for the screen: what a demo shows, people copy, so even the mock's
/// secrets are never shown whole.
fn shorten_secrets(text: &str) -> String {
    text.lines()
        .map(|line| {
            for key in ["\"SecretAccessKey\": \"", "\"SessionToken\": \""] {
                if let Some((head, rest)) = line.split_once(key)
                    && let Some((value, tail)) = rest.split_once('"')
                {
                    let shown: String = value.chars().take(4).collect();
                    return format!(
                        "{head}{key}{shown}...\"{tail}   <- {} characters, shortened here",
                        value.len()
                    );
                }
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs a step whose output holds secrets, and prints it shortened.
fn step_with_secrets(
    bin: &Path,
    home: &Path,
    env: &[(String, String)],
    args: &[&str],
) -> Result<()> {
    println!("\n$ aws-sso-rs {}", args.join(" "));
    let out = Command::new(bin)
        .args(args)
        .env_clear()
        .envs(demo_env(home))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !out.status.success() {
        bail!("aws-sso-rs {} failed with {}", args.join(" "), out.status);
    }
    println!("{}", shorten_secrets(&String::from_utf8_lossy(&out.stdout)));
    Ok(())
}

fn step(bin: &Path, home: &Path, env: &[(String, String)], args: &[&str]) -> Result<()> {
    step_filtered(bin, home, env, &[], args, str::to_owned)
}

/// The only variables a demo step sees besides the mock's: the temporary home and `PATH`.
/// Nothing of the person's own setup (`AWS_*`, `XDG_CACHE_HOME`, `BROWSER`) reaches it, so
/// the demo reads and writes only the temporary home.
fn demo_env(home: &Path) -> Vec<(String, String)> {
    let mut env = vec![("HOME".to_owned(), home.display().to_string())];
    if let Ok(path) = std::env::var("PATH") {
        env.push(("PATH".to_owned(), path));
    }
    env
}

/// The console URL with its sign-in token shortened (it is a credential for 15 minutes).
fn shorten_signin_token(text: &str) -> String {
    match text.split_once("SigninToken=") {
        Some((before, token)) => {
            let token = token.trim_end();
            format!(
                "{before}SigninToken={}...   <- a {}-character sign-in token, shortened here\n",
                &token[..token.len().min(8)],
                token.len()
            )
        }
        None => text.to_owned(),
    }
}

/// Runs a step with `extra` variables set (shown before the command), printing its stdout
/// through `show`.
fn step_filtered(
    bin: &Path,
    home: &Path,
    env: &[(String, String)],
    extra: &[(&str, &str)],
    args: &[&str],
    show: fn(&str) -> String,
) -> Result<()> {
    let vars: String = extra.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    println!("\n$ {vars}aws-sso-rs {}", args.join(" "));
    let out = Command::new(bin)
        .args(args)
        .env_clear()
        .envs(demo_env(home))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .envs(extra.iter().copied())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    print!("{}", show(&String::from_utf8_lossy(&out.stdout)));
    if !out.status.success() {
        bail!("aws-sso-rs {} failed with {}", args.join(" "), out.status);
    }
    Ok(())
}

pub fn run(_args: &[String]) -> Result<()> {
    let root = workspace_root();
    println!(
        "Building aws-sso-rs and the mock IAM Identity Center (the first build takes a few minutes)..."
    );
    run_cmd(Command::new("cargo").current_dir(&root).args([
        "build",
        "-p",
        "aws-sso-rs-cli",
        "-p",
        "aws-sso-mock-endpoint",
        "--bins",
    ]))?;
    let bin = crate::target_dir().join("debug/aws-sso-rs");
    let mock_bin = crate::target_dir().join("debug/aws-sso-mock");
    let mut child = Command::new(&mock_bin)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", mock_bin.display()))?;
    let stdout = child.stdout.take().context("no stdout from aws-sso-mock")?;
    let mock = Mock(child);
    let mut env = Vec::new();
    println!(
        "\nThe mock, on a port of its own for this run (run aws-sso-mock yourself for one that stays):"
    );
    for line in BufReader::new(stdout).lines().take(6) {
        let line = line?;
        println!("  {line}");
        if let Some((k, v)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            env.push((k.to_owned(), v.to_owned()));
        }
    }
    if env.is_empty() {
        bail!("aws-sso-mock printed no endpoints");
    }
    let home = tempfile::tempdir().context("cannot make a temporary home")?;
    let config = home.path().join(".aws/config");
    std::fs::create_dir_all(config.parent().context("config has a parent")?)?;
    std::fs::write(&config, EXAMPLE_CONFIG)?;
    println!(
        "\nA temporary home at {} (removed at the end) with this ~/.aws/config:\n\n{EXAMPLE_CONFIG}",
        home.path().display()
    );
    step(&bin, home.path(), &env, &["profiles"])?;
    println!(
        "\n(The mock approves the device code after the first poll, as if you had clicked Allow.)"
    );
    step(
        &bin,
        home.path(),
        &env,
        &[
            "login",
            "--profile",
            "dev-account-ro",
            "--use-device-code",
            "--no-browser",
        ],
    )?;
    step(&bin, home.path(), &env, &["status"])?;
    step(
        &bin,
        home.path(),
        &env,
        &["login", "--profile", "dev-account-admin"],
    )?;
    step(
        &bin,
        home.path(),
        &env,
        &["whoami", "--profile", "dev-account-ro"],
    )?;
    let test_py = root.join("tests/e2e/fixtures/test.py");
    println!(
        "\nA Python program that uses boto3 (tests/e2e/fixtures/test.py):\n\n{}",
        std::fs::read_to_string(&test_py)?
    );
    match boto3_python(&root) {
        Some(python) => {
            let (py, script) = (python.display().to_string(), test_py.display().to_string());
            step(
                &bin,
                home.path(),
                &env,
                &["exec", "--profile", "dev-account-ro", "--", &py, &script],
            )?;
        }
        None => {
            println!(
                "(No Python with boto3 here, so instead of test.py, the environment exec gives a program:)"
            );
            let show = "env | grep -E '^AWS_(ACCESS_KEY_ID|REGION|SSO_RS_PROFILE|CREDENTIAL_EXPIRATION)=' | sort";
            step(
                &bin,
                home.path(),
                &env,
                &[
                    "exec",
                    "--profile",
                    "dev-account-ro",
                    "--",
                    "sh",
                    "-c",
                    show,
                ],
            )?;
        }
    }
    step_with_secrets(
        &bin,
        home.path(),
        &env,
        &["credential-process", "--profile", "dev-account-admin"],
    )?;
    println!("\nEveryday use: the accounts and roles you have, and profiles for all of them.");
    step(
        &bin,
        home.path(),
        &env,
        &["list", "--sso-session", "my-sso"],
    )?;
    step(
        &bin,
        home.path(),
        &env,
        &["list", "roles", "--sso-session", "my-sso"],
    )?;
    step(
        &bin,
        home.path(),
        &env,
        &[
            "configure",
            "populate",
            "--sso-session",
            "my-sso",
            "--dry-run",
        ],
    )?;
    println!(
        "\nThe AWS Management Console as a role: by federation (the URL the browser would open)..."
    );
    step_filtered(
        &bin,
        home.path(),
        &env,
        &[],
        &[
            "console",
            "--profile",
            "dev-account-ro",
            "--service",
            "s3",
            "--print",
        ],
        shorten_signin_token,
    )?;
    println!("\n...or through the portal's own link, which sends no credential anywhere:");
    step(
        &bin,
        home.path(),
        &env,
        &[
            "console",
            "--profile",
            "dev-account-ro",
            "--via-portal",
            "--print",
        ],
    )?;
    println!("\nWhat a shell prompt shows (`aws-sso-rs shell-init bash --prompt` puts it in PS1):");
    step_filtered(
        &bin,
        home.path(),
        &env,
        &[("AWS_PROFILE", "dev-account-ro")],
        &["prompt"],
        str::to_owned,
    )?;
    step(&bin, home.path(), &env, &["logout"])?;
    step(&bin, home.path(), &env, &["status"])?;
    drop(mock);
    Ok(())
}

/// A Python that has boto3: the test venv's if `cargo xtask venv` made it, else the system's.
fn boto3_python(root: &Path) -> Option<std::path::PathBuf> {
    let candidates = [
        root.join("target/compat-venv/bin/python"),
        std::path::PathBuf::from("python3"),
    ];
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import boto3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signin_token_is_shortened() {
        let shown = super::shorten_signin_token(
            "https://signin/federation?Action=login&Issuer=x&SigninToken=abcdefghijklmnopqrstuvwxyz\n",
        );
        assert_eq!(
            shown,
            "https://signin/federation?Action=login&Issuer=x&SigninToken=abcdefgh...   <- a 26-character sign-in token, shortened here\n"
        );
    }

    #[test]
    fn secrets_are_shortened_and_the_rest_is_kept() {
        let doc = "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"abcdefghijklmnop\",\n  \"SessionToken\": \"IQoJb3JpZ2luX2VjEXAMPLE\",\n}";
        let shown = super::shorten_secrets(doc);
        assert!(!shown.contains("abcdefghijklmnop") && !shown.contains("IQoJb3JpZ2luX2VjEXAMPLE"));
        assert!(
            shown.contains("\"SecretAccessKey\": \"abcd...\",   <- 16 characters, shortened here")
        );
        assert!(shown.contains("\"AccessKeyId\": \"ASIAEXAMPLE\""));
    }
}
