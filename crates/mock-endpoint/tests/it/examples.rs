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
fn the_one_call_example_registers_a_client_with_the_mock() {
    let program = example("one_call");
    let out = std::process::Command::new(&program)
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
    assert!(stdout.contains("registered client "), "{stdout}");
    assert!(
        stdout.contains("RegisterClient calls counted: 1"),
        "{stdout}"
    );
}
