//! `cargo xtask demo`: the tour of aws-sso-rs on a machine with no AWS account, against the
//! bundled mock IAM Identity Center.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{run_cmd, workspace_root};

/// The intro's config: read-only and admin profiles on one account, one sso-session.
pub const INTRO_CONFIG: &str = include_str!("../../tests/support/intro-config.ini");

/// The mock, stopped when dropped.
struct Mock(Child);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn step(bin: &Path, home: &Path, env: &[(String, String)], args: &[&str]) -> Result<()> {
    println!("\n$ aws-sso-rs {}", args.join(" "));
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env("HOME", home)
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_PROFILE")
        .env_remove("BROWSER");
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !status.success() {
        bail!("aws-sso-rs {} failed with {status}", args.join(" "));
    }
    Ok(())
}

pub fn run(_args: &[String]) -> Result<()> {
    let root = workspace_root();
    run_cmd(Command::new("cargo").current_dir(&root).args([
        "build",
        "--quiet",
        "-p",
        "aws-sso-rs-cli",
        "-p",
        "aws-sso-mock-endpoint",
        "--bins",
    ]))?;
    let bin = root.join("target/debug/aws-sso-rs");
    let mut child = Command::new(root.join("target/debug/aws-sso-mock"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start aws-sso-mock")?;
    let stdout = child.stdout.take().context("no stdout from aws-sso-mock")?;
    let mock = Mock(child);
    let mut env = Vec::new();
    for line in BufReader::new(stdout).lines().take(6) {
        let line = line?;
        println!("{line}");
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
    std::fs::write(&config, INTRO_CONFIG)?;
    println!(
        "\nA temporary home at {} with this ~/.aws/config:\n\n{INTRO_CONFIG}",
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
        "\nThe intro's test.py:\n\n{}",
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
    step(
        &bin,
        home.path(),
        &env,
        &["credential-process", "--profile", "dev-account-admin"],
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
