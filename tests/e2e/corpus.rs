//! The committed hostile-input corpus (`tests/corpus/cases.toml`): malformed and hostile
//! configs, cache files and server answers. Every case: the documented exit code, a message
//! naming what is wrong, no panic, no secret shown.

use std::path::Path;
use std::process::Output;

use aws_sso_e2e::workspace_root;
use aws_sso_mock::Scenario;
use serde::Deserialize;

use crate::{World, stderr, world};

/// The exit codes of docs/cli.md.
const DOCUMENTED: [i32; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 130];

const SESSION: &str = "
[sso-session my-sso]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_registration_scopes = sso:account:access
";

#[derive(Deserialize)]
struct Corpus {
    config: Vec<ConfigCase>,
    cache: Vec<CacheCase>,
    server: Vec<ServerCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigCase {
    name: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    hex_suffix: Option<String>,
    #[serde(default)]
    hex_suffix_repeat: Option<(String, usize)>,
    #[serde(default)]
    repeat: Option<usize>,
    #[serde(default = "yes")]
    session: bool,
    #[serde(default = "dev")]
    profile: String,
    exit: i32,
    #[serde(default)]
    expect: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CacheCase {
    name: String,
    file: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    hex: Option<String>,
    #[serde(default)]
    repeat_text: Option<(String, usize)>,
    #[serde(default)]
    big: Option<usize>,
    exit: i32,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    secret: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerCase {
    name: String,
    api: String,
    #[serde(default = "ok")]
    status: u16,
    #[serde(default)]
    content_type: Option<String>,
    body: String,
    #[serde(default)]
    pad_to: usize,
    #[serde(default)]
    chunked: bool,
    run: Vec<String>,
    exit: i32,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    secret: Option<String>,
}

fn yes() -> bool {
    true
}
fn dev() -> String {
    "dev".into()
}
fn ok() -> u16 {
    200
}

fn corpus() -> Corpus {
    let path = workspace_root().join("tests/corpus/cases.toml");
    let text = std::fs::read_to_string(&path).expect("the corpus");
    toml::from_str(&text).expect("cases.toml parses")
}

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
        .collect()
}

/// What every case must give, and this case's exit code and words. Returns a failure, if any.
fn check(
    case: &str,
    out: &Output,
    exit: i32,
    expect: &[String],
    secret: Option<&str>,
    subst: &[(&str, String)],
) -> Option<String> {
    let err = stderr(out);
    let code = out.status.code();
    // AWS_SSO_RS_CORPUS_SHOW=1 prints every case's answer, to review the messages.
    if std::env::var_os("AWS_SSO_RS_CORPUS_SHOW").is_some() {
        eprintln!("{case}: exit {code:?}\n  {}", err.trim());
    }
    let mut problems = Vec::new();
    if err.contains("panicked") || code.is_none() {
        problems.push("panicked or was killed by a signal".to_owned());
    }
    if !code.is_some_and(|c| DOCUMENTED.contains(&c)) {
        problems.push(format!("exit {code:?} is not a documented exit code"));
    }
    if code != Some(exit) {
        problems.push(format!("exit {code:?}, expected {exit}"));
    }
    for want in expect {
        let mut want = want.clone();
        for (k, v) in subst {
            want = want.replace(k, v);
        }
        if !err.contains(&want) {
            problems.push(format!("the message lacks {want:?}"));
        }
    }
    if let Some(secret) = secret
        && (err.contains(secret) || String::from_utf8_lossy(&out.stdout).contains(secret))
    {
        problems.push("a secret was shown".to_owned());
    }
    (!problems.is_empty()).then(|| format!("{case}: {}\n  stderr: {err}", problems.join("; ")))
}

fn signed_in() -> World {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--all", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    w
}

fn clear_role_cache(w: &World) {
    std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).ok();
}

#[test]
fn every_hostile_config_gets_a_clear_answer() {
    let w = signed_in();
    let config = w.path().join(".aws/config");
    let mut failures = Vec::new();
    for case in corpus().config {
        let mut bytes = Vec::new();
        for n in 0..case.repeat.unwrap_or(1) {
            bytes.extend_from_slice(case.text.replace("{n}", &n.to_string()).as_bytes());
        }
        if let Some(h) = &case.hex_suffix {
            bytes.extend(hex(h));
        }
        if let Some((h, times)) = &case.hex_suffix_repeat {
            let one = hex(h);
            for _ in 0..*times {
                bytes.extend_from_slice(&one);
            }
            bytes.push(b'\n');
        }
        if case.session {
            bytes.extend_from_slice(SESSION.as_bytes());
        }
        std::fs::write(&config, &bytes).expect("write the config");
        clear_role_cache(&w);
        let subst = [("{config}", config.display().to_string())];
        // Listing profiles never fails on content.
        let out = w.run(&["profiles"]);
        if let Some(f) = check(
            &format!("{} (profiles)", case.name),
            &out,
            0,
            &[],
            None,
            &subst,
        ) {
            failures.push(f);
        }
        let out = w.run(&["credential-process", "--profile", &case.profile]);
        if let Some(f) = check(&case.name, &out, case.exit, &case.expect, None, &subst) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_hostile_cache_file_gets_a_clear_answer() {
    let w = signed_in();
    // A run that caches role credentials, so that their file exists to be damaged.
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = w.token_file("my-sso");
    let good_token = std::fs::read(&token).expect("token");
    let sso_dir = token.parent().expect("folder").to_owned();
    let role_file = only_json(&w.path().join(".aws/cli/cache"));
    let registration = std::fs::read_dir(&sso_dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| *p != token && p.extension().is_some_and(|e| e == "json"))
        .expect("a registration file");
    let good_registration = std::fs::read(&registration).expect("registration");
    let mut failures = Vec::new();
    for case in corpus().cache {
        let mut bytes = match (&case.text, &case.hex, &case.repeat_text) {
            (Some(t), _, _) => t.clone().into_bytes(),
            (_, Some(h), _) => hex(h),
            (_, _, Some((t, n))) => t.repeat(*n).into_bytes(),
            _ => panic!("{}: no contents", case.name),
        };
        if let Some(n) = case.big {
            bytes = String::from_utf8(bytes)
                .expect("text")
                .replace("{big}", &"A".repeat(n))
                .into_bytes();
        }
        std::fs::write(&token, &good_token).expect("restore");
        std::fs::write(&registration, &good_registration).expect("restore");
        let target = match case.file.as_str() {
            "token" => token.clone(),
            "role" => role_file.clone(),
            "registration" => {
                // Make the token due for a refresh, which reads the registration.
                w.edit_token("my-sso", |t| {
                    t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(5)
                });
                registration.clone()
            }
            other => panic!("{}: unknown file {other}", case.name),
        };
        if case.file != "role" {
            clear_role_cache(&w);
        }
        std::fs::create_dir_all(target.parent().expect("folder")).expect("mkdir");
        std::fs::write(&target, &bytes).expect("damage");
        // Listing sessions and profiles reports the file, whatever is in it.
        for list in [
            &["status", "--output", "json"][..],
            &["profiles", "--output", "json"],
        ] {
            let out = w.run(list);
            if let Some(f) = check(
                &format!("{} ({list:?})", case.name),
                &out,
                0,
                &[],
                None,
                &[],
            ) {
                failures.push(f);
            }
        }
        let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
        let subst = [("{token}", token.display().to_string())];
        if let Some(f) = check(
            &case.name,
            &out,
            case.exit,
            &case.expect,
            case.secret.as_deref(),
            &subst,
        ) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn only_json(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a role credentials file")
}

#[test]
fn every_hostile_server_answer_gets_a_clear_answer() {
    let w = signed_in();
    let token = w.token_file("my-sso");
    let good_token = std::fs::read(&token).expect("token");
    let mut failures = Vec::new();
    let sso_dir = token.parent().expect("folder").to_owned();
    for case in corpus().server {
        // The session's token as it was, and no client registration: each case registers,
        // so that a case can answer RegisterClient.
        for entry in std::fs::read_dir(&sso_dir).expect("list").flatten() {
            if entry.path() != token {
                std::fs::remove_file(entry.path()).ok();
            }
        }
        std::fs::write(&token, &good_token).expect("restore");
        clear_role_cache(&w);
        std::fs::remove_dir_all(w.path().join(".cache")).ok();
        w.mock.update_scenario(|s| {
            s.canned.clear();
            s.canned.insert(
                case.api.clone(),
                aws_sso_mock::scenario::Canned {
                    status: case.status,
                    body: case.body.clone(),
                    content_type: case
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/json".into()),
                    pad_to: case.pad_to,
                    chunked: case.chunked,
                },
            );
        });
        let args: Vec<&str> = case.run.iter().map(String::as_str).collect();
        let started = std::time::Instant::now();
        let out = w
            .cmd(&args)
            .env("XDG_CACHE_HOME", w.path().join(".cache"))
            .stdin(std::process::Stdio::null())
            .output()
            .expect("runs");
        if started.elapsed() > std::time::Duration::from_secs(60) {
            failures.push(format!("{}: took {:?}", case.name, started.elapsed()));
        }
        if let Some(f) = check(
            &case.name,
            &out,
            case.exit,
            &case.expect,
            case.secret.as_deref(),
            &[],
        ) {
            failures.push(f);
        }
    }
    w.mock.update_scenario(|s| s.canned.clear());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
