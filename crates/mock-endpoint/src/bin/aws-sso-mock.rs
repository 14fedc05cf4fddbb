//! `aws-sso-mock`: run the mock IAM Identity Center and print how to point tools at it.

use std::path::PathBuf;

use anyhow::{Context, Result};
use aws_sso_mock::{MockServer, Scenario, scenario::Bulk};
use clap::Parser;

/// A local stand-in for IAM Identity Center (OIDC, access portal, STS, console sign-in), for
/// trying aws-sso-rs, the AWS CLI or boto3 without an AWS account.
#[derive(Debug, Parser)]
#[command(name = "aws-sso-mock", version, about)]
struct Args {
    /// The port to listen on, on 127.0.0.1. The default stays the same from one start to the
    /// next, so the exported variables stay valid; 0 picks any free port.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// A scenario file (TOML); see the crate's README for its keys.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Add this many generated accounts (for benchmarks).
    #[arg(long, default_value_t = 0)]
    accounts: usize,
    /// Roles in each generated account.
    #[arg(long, default_value_t = 1)]
    roles: usize,
    /// Serve HTTPS with a certificate from a test authority made at start, and write that
    /// authority's certificate (PEM) to this file, for `AWS_CA_BUNDLE`.
    #[arg(long, value_name = "CA_FILE")]
    tls: Option<PathBuf>,
}

/// The mock's usual port (the one of the README's examples).
const DEFAULT_PORT: u16 = 4566;

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The message and its causes on one line, never a backtrace.
            eprintln!("aws-sso-mock: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<()> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::default(),
    };
    if args.accounts > 0 {
        scenario.bulk = Some(Bulk {
            accounts: args.accounts,
            roles: args.roles,
        });
    }
    let start_url = scenario.start_url.clone();
    let region = scenario.region.clone();
    let started = match &args.tls {
        Some(_) => MockServer::start_tls_on(scenario, args.port),
        None => MockServer::start_on(scenario, args.port),
    };
    let server = started.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            "; is another aws-sso-mock running? Stop it, or pick another port with --port N (0 for any free port)"
        } else {
            ""
        };
        anyhow::anyhow!("cannot listen on 127.0.0.1:{}: {e}{hint}", args.port)
    })?;
    println!("aws-sso-mock listening on {}", server.url());
    for (k, v) in server.env() {
        println!("export {k}={v}");
    }
    if let (Some(path), Some(pem)) = (&args.tls, server.ca_pem()) {
        std::fs::write(path, pem)
            .with_context(|| format!("cannot write the test CA to {}", path.display()))?;
        // Absolute, so that the exported variable works from any folder.
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        println!("export AWS_CA_BUNDLE={}", path.display());
    }
    println!("# start URL {start_url}, region {region}; stop with Ctrl-C");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(tokio::signal::ctrl_c())
        .context("cannot wait for Ctrl-C")?;
    drop(server);
    Ok(())
}
