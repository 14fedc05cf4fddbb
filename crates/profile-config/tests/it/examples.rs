//! The crate's example program.

fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    exe.parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps")
        .join("examples")
        .join(name)
}

#[test]
fn the_read_profile_example_prints_the_sso_settings() {
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n\
         [sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .expect("config");
    let program = example("read_profile");
    let out = std::process::Command::new(&program)
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_PROFILE", "dev")
        .output()
        .unwrap_or_else(|e| panic!(
            "cannot run {}: {e}; `cargo test` builds the examples (a single `--test` target does not: build them with `cargo build --examples`)",
            program.display()
        ));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "profile:   dev",
        "session:   corp",
        "start URL: https://d-1234567890.awsapps.com/start",
        "role:      ReadOnly in 111122223333",
        "portal:    https://portal.sso.eu-west-1.amazonaws.com",
    ] {
        assert!(stdout.contains(line), "{line:?} in {stdout}");
    }
}
