//! The crate's example program.

use aws_sso_token_cache::{Secret, SsoToken, TokenCache, TokenKey};

fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    exe.parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps")
        .join("examples")
        .join(name)
}

#[test]
fn the_read_cache_example_shows_the_state_and_never_the_token() {
    let home = tempfile::tempdir().expect("home");
    let cache = TokenCache::new(home.path());
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(2);
    cache
        .store_token(
            &TokenKey::new("corp"),
            &SsoToken::new(Secret::new("secret-access-token-123"), expires),
        )
        .expect("store");
    let program = example("read_cache");
    let out = std::process::Command::new(&program)
        .arg("corp")
        .env_clear()
        .env("HOME", home.path())
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
    assert!(stdout.contains("state: valid (1h59m left)"), "{stdout}");
    assert!(stdout.contains("refreshable: false"), "{stdout}");
    assert!(!stdout.contains("secret-access-token-123"), "{stdout}");
}
