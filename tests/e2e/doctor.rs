//! `aws-sso-rs doctor`: each check through the real binary, against the mock; snapshots of
//! what a person reads.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;

use aws_sso_e2e::proxy::{ConnectProxy, ProxyMode};
use aws_sso_mock::Scenario;

use crate::{World, stderr, stdout, world};

/// `doctor` with `args` and the variables `vars`.
fn doctor(w: &World, args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    let mut all = vec!["doctor"];
    all.extend_from_slice(args);
    w.cmd(&all)
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// The checks of a `doctor --output json` run, as (status, area, subject, detail, fix).
fn checks_of(out: &std::process::Output) -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}{}", stdout(out), stderr(out)));
    json["checks"].as_array().expect("checks").clone()
}

fn find<'a>(checks: &'a [serde_json::Value], area: &str, subject: &str) -> &'a serde_json::Value {
    checks
        .iter()
        .find(|c| c["area"] == area && c["subject"].as_str().is_some_and(|s| s.contains(subject)))
        .unwrap_or_else(|| panic!("a check of {area} {subject}: {checks:#?}"))
}

/// Every file and folder under `root`: its mode and bytes.
fn tree(root: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read").flatten() {
            let path = entry.path();
            let meta = entry.metadata().expect("meta");
            let bytes = if meta.is_dir() {
                stack.push(path.clone());
                Vec::new()
            } else {
                std::fs::read(&path).unwrap_or_default()
            };
            found.insert(
                path.display().to_string(),
                (meta.permissions().mode(), bytes),
            );
        }
    }
    found
}

/// Insta settings for a doctor table: the home, ports, durations, times and timings vary.
fn settings(w: &World) -> insta::Settings {
    let mut s = w.home.insta();
    s.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    s.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIME]");
    s.add_filter(r"\b\d+h\d+m\b", "[DURATION]");
    s.add_filter(r"in \d+ ms", "in [N] ms");
    s.add_filter(r"within \d+ s", "within [N] s");
    s.add_filter(r"\d+ s behind", "[N] s behind");
    s.add_filter(
        r"user id \d+, not by you \(id \d+\)",
        "user id [UID], not by you (id [UID])",
    );
    s.add_filter(r"chown -R \d+", "chown -R [UID]");
    // Column widths follow the longest path: one space stands for any run of them.
    s.add_filter(r"  +", "  ");
    s
}

#[test]
fn a_home_that_works_passes_every_check_and_doctor_changes_nothing() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--all", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(
        w.path().join(".bashrc"),
        "# mine\neval \"$(aws-sso-rs shell-init bash)\"\neval \"$(aws-sso-rs completions bash)\"\n",
    )
    .expect("bashrc");
    let before = tree(w.path());
    let out = doctor(&w, &[], &[("SHELL", "/bin/bash")]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(tree(w.path()), before, "doctor changes nothing");
    settings(&w).bind(|| insta::assert_snapshot!("doctor_works", stdout(&out)));

    // No secret of the caches is printed: not the token, the refresh token, the client's
    // secret, nor the role's keys.
    let mut secrets = Vec::new();
    for dir in [".aws/sso/cache", ".aws/cli/cache"] {
        for entry in std::fs::read_dir(w.path().join(dir))
            .expect("cache")
            .flatten()
        {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            for key in ["accessToken", "refreshToken", "clientSecret"] {
                if let Some(v) = json[key].as_str() {
                    secrets.push(v.to_owned());
                }
            }
            for key in ["SecretAccessKey", "SessionToken"] {
                if let Some(v) = json["Credentials"][key].as_str() {
                    secrets.push(v.to_owned());
                }
            }
        }
    }
    assert!(
        secrets.len() >= 4,
        "the caches hold secrets: {}",
        secrets.len()
    );
    let json = doctor(
        &w,
        &["--output", "json", "--debug"],
        &[("SHELL", "/bin/bash")],
    );
    for said in [stdout(&out), stdout(&json), stderr(&json)] {
        for secret in &secrets {
            assert!(!said.contains(secret.as_str()), "a secret was printed");
        }
    }
    let checks = checks_of(&json);
    assert!(checks.iter().all(|c| c["status"] == "pass"), "{checks:#?}");
    for area in ["config", "sign-in", "files", "shell", "network", "clock"] {
        assert!(
            checks.iter().any(|c| c["area"] == area),
            "{area}: {checks:#?}"
        );
    }
    let network = find(&checks, "network", "127.0.0.1");
    assert!(network["elapsed_ms"].is_u64(), "{network}");
    assert!(
        w.mock.count("GetRoleCredentials") == 1,
        "doctor fetched no credentials"
    );
}

#[test]
fn each_problem_is_named_with_where_it_is_and_its_fix_and_the_exit_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let w = world(Scenario {
        clock_skew_seconds: 600,
        ..Scenario::default()
    });
    let out = w.run(&["login", "--all", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut config = std::fs::read_to_string(w.path().join(".aws/config")).expect("config");
    config.push_str(
        "\n[profile typo]\nsso_session = my-sso\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\nsource_profle = dev-account-ro\n\
         \n[profile broken]\nsso_session = my-sso\nthis line is garbage\n\
         \n[profile tool]\ncredential_process = /nowhere/bin/get-creds --profile x\n",
    );
    w.home.write_config(&config);
    // The role-credential cache left open to others; a token file damaged.
    let cli = w.path().join(".aws/cli/cache");
    std::fs::set_permissions(&cli, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::write(
        w.token_file("https://d-XXXXXXXXX.awsapps.com/start"),
        "{\"accessToken\": ",
    )
    .expect("damage");
    std::fs::write(
        w.path().join(".bashrc"),
        "eval \"$(/nowhere/old/aws-sso-rs shell-init bash)\"\n",
    )
    .expect("bashrc");
    let vars = [("SHELL", "/bin/bash"), ("AWS_PROFILE", "dev-acount-ro")];
    let before = tree(w.path());
    let out = doctor(&w, &[], &vars);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        tree(w.path()),
        before,
        "doctor changes nothing, not even the open folder"
    );
    assert!(
        stderr(&out).contains("checks failed; the FIX column says what to do"),
        "{}",
        stderr(&out)
    );
    settings(&w).bind(|| insta::assert_snapshot!("doctor_problems", stdout(&out)));

    let checks = checks_of(&doctor(&w, &["--output", "json"], &vars));
    let config = w.path().join(".aws/config").display().to_string();
    let said = |c: &serde_json::Value| {
        (
            c["status"].as_str().unwrap_or_default().to_owned(),
            c["detail"].as_str().unwrap_or_default().to_owned(),
            c["fix"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let (status, detail, fix) = said(find(&checks, "config", "profile 'broken'"));
    assert_eq!(status, "fail");
    assert!(detail.contains(&format!("{config} line 36")), "{detail}");
    assert!(fix.contains("correct the line"), "{fix}");
    let (status, detail, fix) = said(find(&checks, "config", "keys"));
    assert_eq!(status, "warn");
    assert!(
        detail.contains("profile 'typo'")
            && detail.contains("line 32")
            && detail.contains("source_profle"),
        "{detail}"
    );
    assert!(
        fix.contains("rename source_profle to source_profile"),
        "{fix}"
    );
    let (status, detail, _) = said(find(&checks, "programs", "profile 'tool'"));
    assert_eq!(status, "fail");
    assert!(
        detail.contains("/nowhere/bin/get-creds, and no program is there"),
        "{detail}"
    );
    let (status, detail, fix) = said(find(&checks, "environment", "AWS_PROFILE"));
    assert_eq!(status, "fail");
    assert!(
        detail.contains("did you mean 'dev-account-ro'?"),
        "{detail}"
    );
    assert!(fix.contains("aws-sso-rs profiles"), "{fix}");
    let (status, _, fix) = said(find(&checks, "sign-in", "legacy profile 'legacy-ro'"));
    assert_eq!(status, "fail", "the damaged token");
    assert!(
        fix.contains("aws-sso-rs login --profile legacy-ro"),
        "{fix}"
    );
    let (status, detail, fix) = said(find(&checks, "files", ".aws/cli/cache"));
    assert_eq!(status, "warn");
    assert!(detail.contains("mode 755"), "{detail}");
    assert!(fix.starts_with("chmod 700 "), "{fix}");
    let (status, detail, fix) = said(find(&checks, "shell", "bash shell-init"));
    assert_eq!(status, "fail");
    assert!(
        detail.contains("/nowhere/old/aws-sso-rs, which is no longer there"),
        "{detail}"
    );
    assert!(
        fix.contains("eval \"$(aws-sso-rs shell-init bash)\""),
        "{fix}"
    );
    let (status, detail, _) = said(find(&checks, "clock", "clock"));
    assert_eq!(status, "fail");
    assert!(
        detail.contains("behind the portal's")
            && (595..=605).any(|s| detail.contains(&format!("{s} s behind"))),
        "{detail}"
    );
    // `profiles` points the misspelt key out too.
    let out = w.run(&["profiles"]);
    assert!(
        stderr(&out).contains("has the unknown key source_profle; did you mean source_profile?"),
        "{}",
        stderr(&out)
    );
    // The same, offline: nothing reached, no clock.
    let offline = checks_of(&doctor(&w, &["--output", "json", "--offline"], &vars));
    assert!(
        offline
            .iter()
            .all(|c| c["area"] != "network" && c["area"] != "clock"),
        "{offline:#?}"
    );
}

#[test]
fn an_endpoint_that_cannot_be_reached_is_named_and_a_proxy_in_use_is_said() {
    let w = World::new_tls(env!("CARGO_BIN_EXE_aws-sso-rs"), Scenario::default());
    let ca = w.ca_file().display().to_string();
    let proxy = ConnectProxy::start(ProxyMode::Forward);
    let vars = [("AWS_CA_BUNDLE", ca.as_str()), ("HTTPS_PROXY", proxy.url())];
    let out = doctor(&w, &["--output", "json"], &vars);
    let found = checks_of(&out);
    let reached = find(&found, "network", "https://127.0.0.1");
    assert_eq!(reached["status"], "pass", "{reached}");
    let detail = reached["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(&format!("through the proxy {} (HTTPS_PROXY)", proxy.url()))
            && detail.contains(&format!("trusting {ca}")),
        "{detail}"
    );
    assert!(
        !proxy.seen().is_empty(),
        "the request went through the proxy"
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // A portal nobody answers at: that endpoint fails, named, with what to look at.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let dead = format!("https://127.0.0.1:{port}");
    let mut vars = vars.to_vec();
    vars.push(("AWS_ENDPOINT_URL_SSO", dead.as_str()));
    vars.push(("NO_PROXY", "127.0.0.1"));
    let out = doctor(&w, &["--output", "json"], &vars);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = checks_of(&out);
    let failed = find(&found, "network", &dead);
    assert_eq!(failed["status"], "fail", "{failed}");
    assert!(
        failed["detail"].as_str().is_some_and(|d| d
            .starts_with("IAM Identity Center portal (from AWS_ENDPOINT_URL_SSO): ")
            && d.contains("Connection refused")),
        "{failed}"
    );
}

#[test]
fn with_no_config_doctor_says_how_to_make_one_unless_the_aws_sso_variables_are_the_profile() {
    let w = world(Scenario::default());
    std::fs::remove_file(w.path().join(".aws/config")).expect("no config");
    let out = doctor(&w, &["--output", "json", "--offline"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = checks_of(&out);
    let config = find(&found, "config", ".aws/config");
    assert_eq!(config["status"], "fail", "{config}");
    assert!(
        config["fix"]
            .as_str()
            .is_some_and(|f| f.contains("aws-sso-rs configure sso")),
        "{config}"
    );
    let vars = [
        ("AWS_SSO_START_URL", "https://d-XXXXXXXXX.awsapps.com/start"),
        ("AWS_SSO_REGION", "ap-northeast-1"),
    ];
    let out = doctor(&w, &["--output", "json"], &vars);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let found = checks_of(&out);
    assert_eq!(find(&found, "config", ".aws/config")["status"], "pass");
    assert_eq!(find(&found, "environment", "AWS_SSO_*")["status"], "pass");
    let sign_in = find(&found, "sign-in", "(the AWS_SSO_* variables)");
    assert_eq!(sign_in["status"], "warn", "{sign_in}");
    assert_eq!(sign_in["fix"], "run `aws-sso-rs login`", "{sign_in}");
    let out = w
        .cmd(&["login"])
        .envs(vars)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let found = checks_of(&doctor(&w, &["--output", "json"], &vars));
    let sign_in = find(&found, "sign-in", "(the AWS_SSO_* variables)");
    assert_eq!(sign_in["status"], "pass", "{sign_in}");
    assert!(
        !found.iter().any(|c| c["subject"]
            .as_str()
            .is_some_and(|s| s.contains("no profile uses"))),
        "{found:#?}"
    );
    // Their sign-in is reached too.
    assert_eq!(find(&found, "network", "127.0.0.1")["status"], "pass");
}

#[test]
fn a_settings_file_that_does_not_parse_is_a_check_of_doctor_and_an_error_elsewhere() {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let settings = w.path().join(".config/aws-sso-rs/config.toml");
    std::fs::create_dir_all(settings.parent().expect("folder")).expect("mkdir");
    std::fs::write(&settings, "# mine\nstorage = \"vault\"\n").expect("settings");
    // Every other command stops at it, naming the file and the line.
    let out = w.run(&["status"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{}", settings.display()))
            && stderr(&out).contains("line 2"),
        "{}",
        stderr(&out)
    );
    // doctor runs, and says so in its storage check; the sign-ins, whose storage is unknown,
    // are one failed row rather than rows read from the wrong place.
    let out = doctor(&w, &["--output", "json", "--offline"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = checks_of(&out);
    let storage = find(&found, "files", "storage");
    assert_eq!(storage["status"], "fail", "{storage}");
    assert!(
        storage["detail"]
            .as_str()
            .is_some_and(|d| d.contains("line 2") && d.contains("the storage in use is unknown"))
            && storage["fix"]
                .as_str()
                .is_some_and(|f| f.contains(&settings.display().to_string())),
        "{storage}"
    );
    let sign_ins = find(&found, "sign-in", "sign-ins");
    assert_eq!(sign_ins["status"], "fail", "{sign_ins}");
    assert!(
        found
            .iter()
            .all(|c| c["area"] != "sign-in" || c["subject"] == "sign-ins"),
        "no sign-in row read from an unknown storage: {found:#?}"
    );
    assert_eq!(
        std::fs::read_to_string(&settings).expect("settings"),
        "# mine\nstorage = \"vault\"\n",
        "doctor only reads"
    );
}
