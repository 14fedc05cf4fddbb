//! Reads `~/.aws/config` as the AWS CLI does and prints a profile's IAM Identity Center
//! settings: `cargo run -p aws-sso-profile-config --example read_profile -- [PROFILE]` (default:
//! `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`).

use aws_sso_profile_config::{
    ClientEndpointConfig, FileLocations, ProcessEnv, ProfileSet, Service, select_profile,
};

fn main() -> std::process::ExitCode {
    // Errors as sentences (their Display), as a program of yours would show them.
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let flag = std::env::args().nth(1);
    let selected = select_profile(flag.as_deref(), &ProcessEnv);
    let set = ProfileSet::load(&FileLocations::from_process_env()?)?;
    let sso = set.require_sso_profile(&selected.name)?;
    println!("profile:   {}", sso.profile);
    println!(
        "session:   {}",
        sso.session.name.as_deref().unwrap_or("(legacy)")
    );
    println!("start URL: {}", sso.session.start_url);
    println!("region:    {}", sso.session.region);
    if let Some((account, role)) = sso.role() {
        println!("role:      {role} in {account}");
    }
    let portal = set.endpoint(
        Some(&selected.name),
        &Service::Sso,
        &sso.session.region,
        &ProcessEnv,
        ClientEndpointConfig::default(),
    );
    println!("portal:    {}", portal.url);
    for warning in set.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
