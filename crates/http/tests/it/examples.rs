//! The crate's example program, run against the mock and against nothing.

use aws_sso_mock::{MockServer, Scenario};

fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    exe.parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps")
        .join("examples")
        .join(name)
}

fn run(home: &std::path::Path, env: &[(String, String)]) -> std::process::Output {
    let program = example("register_client");
    std::process::Command::new(&program)
        .arg("eu-west-1")
        .env_clear()
        .env("HOME", home)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap_or_else(|e| panic!(
            "cannot run {}: {e}; `cargo test` builds the examples (a single `--test` target does not: build them with `cargo build --examples`)",
            program.display()
        ))
}

#[test]
fn the_example_registers_a_client_through_the_crates_http_client() {
    let server = MockServer::start(Scenario::default()).expect("mock");
    let home = tempfile::tempdir().expect("home");
    let out = run(home.path(), &server.env());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("registered client "), "{stdout}");
    assert_eq!(server.count("RegisterClient"), 1);
}

#[test]
fn nothing_listening_is_read_as_unreachable_at_once() {
    let home = tempfile::tempdir().expect("home");
    // A port nothing listens on: refused, which is not worth retrying.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let started = std::time::Instant::now();
    let out = run(
        home.path(),
        &[("AWS_ENDPOINT_URL_SSO_OIDC".to_owned(), url.clone())],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.starts_with(&format!("cannot reach {url}: ")),
        "{stderr}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "a refused connection is not retried for 20 s: {:?}",
        started.elapsed()
    );
}
