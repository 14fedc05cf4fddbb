//! The crate's example program, run against the mock.

use aws_sso_mock::{MockServer, Scenario};

fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    exe.parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps")
        .join("examples")
        .join(name)
}

#[test]
fn the_device_login_example_signs_in_and_caches_the_token() {
    let server = MockServer::start(Scenario::default()).expect("mock");
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(home.path().join(".aws/config"), aws_sso_e2e::EXAMPLE_CONFIG).expect("config");
    let program = example("device_login");
    let out = std::process::Command::new(&program)
        .arg("my-sso")
        .env_clear()
        .env("HOME", home.path())
        .envs(server.env())
        .stdin(std::process::Stdio::null())
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
    assert!(
        stdout.contains("signed in; the token is valid until"),
        "{stdout}"
    );
    let cache = aws_sso_token_cache::TokenCache::new(home.path());
    let token = cache
        .load_token(&aws_sso_token_cache::TokenKey::new("my-sso"))
        .expect("a whole file")
        .expect("the token is cached where the AWS CLI looks");
    assert!(server.token_is_valid(token.access_token.expose()));
}
