//! The `aws-sso-mock` binary: prints where it listens and what to export, loads scenarios.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    raw
}

#[test]
fn prints_the_url_and_the_exports_then_serves_the_scenario() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, "region = \"eu-central-1\"\nuser = \"bob\"\n[[accounts]]\nid = \"111122223333\"\nname = \"solo\"\nemail = \"s@example.com\"\nroles = [\"Dev\"]\n").expect("write");
    let child = Command::new(env!("CARGO_BIN_EXE_aws-sso-mock"))
        .args(["--port", "0"])
        .arg("--scenario")
        .arg(&scenario)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start aws-sso-mock");
    let mut running = Running(child);
    let mut lines = BufReader::new(running.0.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let url = first
        .strip_prefix("aws-sso-mock listening on ")
        .expect("the URL line")
        .to_owned();
    let exports: Vec<String> = (0..4)
        .map(|_| lines.next().expect("an export line").expect("utf-8"))
        .collect();
    for var in [
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_SIGNIN",
    ] {
        assert!(
            exports.contains(&format!("export {var}={url}")),
            "{exports:?}"
        );
    }
    let note = lines.next().expect("the note line").expect("utf-8");
    assert!(
        note.contains("region eu-central-1"),
        "the scenario file is in force: {note}"
    );
    let addr = url.strip_prefix("http://").expect("http URL");
    let answer = get(addr, "/__mock/counters");
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("{}"),
        "{answer}"
    );
    let device = get(addr, "/device");
    assert!(device.contains("Enter the code"), "{device}");

    // A second mock on the same port says why it cannot start, and what to do.
    let port = addr.rsplit(':').next().expect("a port");
    let second = Command::new(env!("CARGO_BIN_EXE_aws-sso-mock"))
        .args(["--port", port])
        .output()
        .expect("run");
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}"))
            && err.contains("another aws-sso-mock")
            && err.contains("--port"),
        "{err}"
    );
}

#[test]
fn the_default_port_is_stable() {
    let help = Command::new(env!("CARGO_BIN_EXE_aws-sso-mock"))
        .arg("--help")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("[default: 4566]"), "{text}");
}

#[test]
fn a_bad_scenario_is_refused_with_its_path_and_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("bad.toml");
    std::fs::write(&scenario, "[device]\napproval = \"sometimes\"\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_aws-sso-mock"))
        .arg("--scenario")
        .arg(&scenario)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("sometimes"),
        "{err}"
    );
}
