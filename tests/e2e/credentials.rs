//! credential-process, export, exec and whoami against the mock; concurrency proofs.

use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Stdio};

use aws_sso_mock::{Approval, Scenario};

use crate::{World, stderr, stdout, world};

fn signed_in() -> World {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    w
}

fn process(w: &World) -> std::process::Output {
    w.run(&["credential-process", "--profile", "dev-account-ro"])
}

#[test]
fn credential_process_fetches_once_then_serves_the_cache() {
    let w = signed_in();
    let out = process(&w);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["Version"], 1);
    assert!(
        doc["AccessKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("ASIA"))
    );
    assert!(doc["SecretAccessKey"].is_string() && doc["SessionToken"].is_string());
    let expiration = doc["Expiration"].as_str().expect("Expiration");
    assert!(
        expiration.ends_with("+00:00")
            && time::OffsetDateTime::parse(
                expiration,
                &time::format_description::well_known::Rfc3339
            )
            .is_ok(),
        "{expiration}"
    );
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
    let again = process(&w);
    assert_eq!(
        again.stdout, out.stdout,
        "the same credentials, from the cache"
    );
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
}

#[test]
fn without_a_sign_in_credential_process_fails_at_once_and_opens_nothing() {
    let w = world(Scenario::default());
    let out = process(&w);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("run: aws-sso-rs login --profile dev-account-ro"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    assert!(w.opened(0).is_empty(), "no browser");
    assert_eq!(w.mock.counters().values().sum::<u64>(), 0, "no request");
}

#[test]
fn botocore_uses_a_profile_whose_credential_process_is_aws_sso_rs() {
    aws_sso_e2e::require_botocore!();
    let w = signed_in();
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("read");
    text.push_str(&format!("\n[profile via-process]\ncredential_process = {} credential-process --profile dev-account-ro\n", env!("CARGO_BIN_EXE_aws-sso-rs")));
    std::fs::write(&config, text).expect("write");
    let got = w.botocore(&["load-credentials", "via-process"]);
    assert_eq!(got["method"], "custom-process");
    let cached = w
        .cache()
        .load_role_credentials(&aws_sso_token_cache::RoleKey::new(
            "123456789011",
            "ReadOnly",
            Some("my-sso"),
            "",
        ))
        .expect("read")
        .expect("cached");
    assert_eq!(got["access_key"], cached.access_key_id);
}

#[test]
fn test_py_runs_under_exec() {
    aws_sso_e2e::require_botocore!();
    let w = signed_in();
    let script = aws_sso_e2e::workspace_root().join("tests/e2e/fixtures/test.py");
    let python = aws_sso_e2e::python();
    let out = w
        .cmd(&[
            "exec",
            "--profile",
            "dev-account-ro",
            "--",
            python.to_str().expect("utf-8"),
            script.to_str().expect("utf-8"),
        ])
        .env("AWS_PROFILE", "some-other-profile")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Account: 123456789011"), "{text}");
    assert!(
        text.contains("Arn: arn:aws:sts::123456789011:assumed-role/AWSReservedSSO_ReadOnly_"),
        "{text}"
    );
}

#[test]
fn test_py_runs_after_eval_of_export_env_as_under_exec() {
    aws_sso_e2e::require_botocore!();
    let w = signed_in();
    let script = aws_sso_e2e::workspace_root().join("tests/e2e/fixtures/test.py");
    let python = aws_sso_e2e::python();
    // The guide's other way: the variables into this shell, then the program, with no
    // AWS_PROFILE and no region of its own.
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c")
        .arg(
            r#"eval "$("$AWS_SSO_RS" export --profile dev-account-ro --format env)" && "$PROG" "$SCRIPT""#,
        )
        .env_clear()
        .env("HOME", w.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PROG", &python)
        .env("SCRIPT", &script)
        .env("AWS_SSO_RS", env!("CARGO_BIN_EXE_aws-sso-rs"));
    for (k, v) in w.mock.env() {
        sh.env(k, v);
    }
    let out = sh.output().expect("sh runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Account: 123456789011"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn exec_passes_status_signals_and_a_clean_environment_through() {
    let w = signed_in();
    let status = w
        .run(&[
            "exec",
            "--profile",
            "dev-account-ro",
            "--",
            "sh",
            "-c",
            "exit 7",
        ])
        .status;
    assert_eq!(status.code(), Some(7));
    let status = w
        .run(&[
            "exec",
            "--profile",
            "dev-account-ro",
            "--",
            "sh",
            "-c",
            "kill -TERM $$",
        ])
        .status;
    assert_eq!(
        status.signal(),
        Some(15),
        "the program's own death by signal"
    );
    let out = w
        .cmd(&["exec", "--profile", "dev-account-ro", "--", "sh", "-c", "echo \"[$AWS_PROFILE][$AWS_CONTAINER_CREDENTIALS_FULL_URI][$AWS_SSO_RS_PROFILE][$AWS_REGION][$AWS_DEFAULT_REGION]\"; cat"])
        .env("AWS_PROFILE", "other")
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.2/x")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c: Child| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(b"from stdin\n")?;
            c.wait_with_output()
        })
        .expect("run");
    assert_eq!(
        stdout(&out),
        "[][][dev-account-ro][ap-northeast-1][ap-northeast-1]\nfrom stdin\n"
    );

    let nested = w
        .cmd(&["exec", "--profile", "dev-account-ro", "--", "true"])
        .env("AWS_SSO_RS_PROFILE", "outer")
        .output()
        .expect("run");
    assert_eq!(nested.status.code(), Some(1));
    assert!(
        stderr(&nested).contains("already inside `aws-sso-rs exec` for profile 'outer'"),
        "{}",
        stderr(&nested)
    );
    let forced = w
        .cmd(&[
            "exec",
            "--force",
            "--profile",
            "dev-account-ro",
            "--",
            "true",
        ])
        .env("AWS_SSO_RS_PROFILE", "outer")
        .output()
        .expect("run");
    assert!(forced.status.success());
    let missing = w.run(&[
        "exec",
        "--profile",
        "dev-account-ro",
        "--",
        "/no/such/program",
    ]);
    assert!(
        stderr(&missing).contains("cannot run /no/such/program"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn export_prints_every_format() {
    let w = signed_in();
    let creds = serde_json::from_slice::<serde_json::Value>(&process(&w).stdout).expect("json");
    let key = creds["AccessKeyId"].as_str().expect("key");
    let expected = [
        ("env", format!("export AWS_ACCESS_KEY_ID={key}\n")),
        ("env-no-export", format!("AWS_ACCESS_KEY_ID={key}\n")),
        ("powershell", format!("$Env:AWS_ACCESS_KEY_ID=\"{key}\"\n")),
        ("windows-cmd", format!("set AWS_ACCESS_KEY_ID={key}\n")),
        ("fish", format!("set -gx AWS_ACCESS_KEY_ID \"{key}\"\n")),
    ];
    for (format, first) in expected {
        let out = stdout(&w.run(&["export", "--profile", "dev-account-ro", "--format", format]));
        assert!(out.starts_with(&first), "{format}: {out}");
        assert_eq!(
            out.lines().count(),
            6,
            "{format}: key, secret, token, expiration, and the profile's region twice"
        );
        assert!(out.contains("AWS_CREDENTIAL_EXPIRATION"), "{format}");
        for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            assert!(
                out.lines()
                    .any(|l| l.contains(var) && l.contains("ap-northeast-1")),
                "{format} sets {var} as exec does: {out}"
            );
        }
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(&w.run(&[
        "export",
        "--profile",
        "dev-account-ro",
        "--format",
        "json",
    ])))
    .expect("json");
    assert_eq!(json["AWS_ACCESS_KEY_ID"], key);
    assert_eq!(json["AWS_REGION"], "ap-northeast-1");
    let process_format: serde_json::Value =
        serde_json::from_str(&stdout(&w.run(&["export", "--profile", "dev-account-ro"])))
            .expect("json");
    assert_eq!(
        process_format, creds,
        "the default format is credential_process's"
    );
}

#[test]
fn whoami_prints_what_aws_sts_get_caller_identity_prints() {
    let w = signed_in();
    let out = w.run(&["whoami", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("{\n    \"UserId\": "),
        "four-space JSON as the AWS CLI prints: {text}"
    );
    let me: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(me["Account"], "123456789011");
    assert!(
        me["Arn"]
            .as_str()
            .is_some_and(|a| a.contains("AWSReservedSSO_ReadOnly_") && a.ends_with("/alice"))
    );
    assert!(me["UserId"].as_str().is_some_and(|u| u.ends_with(":alice")));
    let text = stdout(&w.run(&["whoami", "--profile", "dev-account-ro", "--output", "text"]));
    assert!(
        text.starts_with("123456789011\tarn:aws:sts::123456789011:assumed-role/"),
        "{text}"
    );
}

fn spawn_many(w: &World, n: usize) -> Vec<std::process::Output> {
    let children: Vec<Child> = (0..n)
        .map(|_| {
            w.cmd(&["credential-process", "--profile", "dev-account-ro"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect()
}

#[test]
fn a_hundred_processes_with_a_cold_cache_make_one_request() {
    let w = signed_in();
    let outs = spawn_many(&w, 100);
    assert!(
        outs.iter().all(|o| o.status.success()),
        "{}",
        outs.iter().map(stderr).collect::<String>()
    );
    let keys: std::collections::HashSet<String> = outs
        .iter()
        .map(|o| {
            serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")["AccessKeyId"]
                .as_str()
                .expect("key")
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 1, "every process prints the same credentials");
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
}

#[test]
fn fifty_processes_with_a_token_due_for_refresh_refresh_once() {
    let w = signed_in();
    w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() + time::Duration::minutes(5)
    });
    let creates = w.mock.count("CreateToken");
    let outs = spawn_many(&w, 50);
    assert!(
        outs.iter().all(|o| o.status.success()),
        "{}",
        outs.iter().map(stderr).collect::<String>()
    );
    assert_eq!(
        w.mock.count("CreateToken"),
        creates + 1,
        "exactly one refresh"
    );
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
}

#[test]
fn twenty_processes_with_an_expired_unrefreshable_token_open_no_browser() {
    let w = signed_in();
    w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
        t.refresh_token = None;
    });
    let before = w.mock.counters();
    let outs = spawn_many(&w, 20);
    for o in &outs {
        assert_eq!(o.status.code(), Some(7));
        assert!(
            stderr(o).contains("run: aws-sso-rs login --profile dev-account-ro"),
            "{}",
            stderr(o)
        );
    }
    assert_eq!(w.opened(0).len(), 1, "only the original login's browser");
    assert_eq!(w.mock.counters(), before, "no request at all");
}

#[test]
fn login_flag_signs_in_once_then_cools_down_after_a_failure() {
    let mut s = Scenario::default();
    s.device.approval = Approval::Deny;
    let w = world(s);
    // A legacy profile uses the device flow, which the mock denies.
    let first = w.run(&["credential-process", "--profile", "legacy-ro", "--login"]);
    assert_eq!(first.status.code(), Some(5), "{}", stderr(&first));
    assert!(
        first.stdout.is_empty(),
        "nothing but JSON ever goes to stdout"
    );
    assert_eq!(w.opened(1).len(), 1);
    let second = w.run(&["credential-process", "--profile", "legacy-ro", "--login"]);
    assert_eq!(
        second.status.code(),
        Some(7),
        "no valid sign-in, as documented"
    );
    assert!(
        stderr(&second).contains("no new browser opens"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        w.opened(1).len(),
        1,
        "no second browser during the cooldown"
    );

    let ok = world(Scenario::default());
    let out = ok.run(&["credential-process", "--profile", "legacy-ro", "--login"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok());
}

#[test]
fn exec_server_keeps_a_long_running_program_working_across_expiry() {
    aws_sso_e2e::require_botocore!();
    let mut s = Scenario::default();
    s.lifetimes.role_credentials = 2;
    let w = world(s);
    assert!(
        w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"])
            .status
            .success()
    );
    let script = aws_sso_e2e::workspace_root().join("tests/e2e/fixtures/long_running.py");
    let python = aws_sso_e2e::python();
    let out = w
        .cmd(&[
            "exec",
            "--server",
            "--profile",
            "dev-account-ro",
            "--",
            python.to_str().expect("utf-8"),
            script.to_str().expect("utf-8"),
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIASTALE")
        .output()
        .expect("run");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    assert_eq!(
        text.matches("refused: 401").count(),
        2,
        "no token and a wrong token are refused: {text}"
    );
    assert!(
        text.contains("static keys: False"),
        "only the server provides credentials: {text}"
    );
    assert_eq!(text.matches("Account: 123456789011").count(), 3, "{text}");
    assert!(
        w.mock.count("GetRoleCredentials") >= 3,
        "fresh credentials after each expiry: {:?}",
        w.mock.counters()
    );
    let failing = w.run(&[
        "exec",
        "--server",
        "--profile",
        "dev-account-ro",
        "--",
        "sh",
        "-c",
        "exit 9",
    ]);
    assert_eq!(
        failing.status.code(),
        Some(9),
        "the program's status is passed on"
    );
}

#[test]
fn inside_exec_commands_without_a_profile_use_the_exec_profile() {
    let w = signed_in();
    let out = w
        .cmd(&[
            "exec",
            "--profile",
            "dev-account-admin",
            "--",
            "sh",
            "-c",
            r#""$AWS_SSO_RS_BIN" whoami --output text"#,
        ])
        .env("AWS_SSO_RS_BIN", env!("CARGO_BIN_EXE_aws-sso-rs"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("AWSReservedSSO_Administrator_"),
        "the exec's profile, not 'default': {}",
        stdout(&out)
    );
}

const START_URL: &str = "https://d-XXXXXXXXX.awsapps.com/start";

/// `args` run with the `AWS_SSO_*` variables `vars` set, stdin closed.
fn with_vars(w: &World, args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    w.cmd(args)
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

#[test]
fn the_aws_sso_variables_sign_in_with_no_config_at_all() {
    let w = world(Scenario::default());
    std::fs::remove_file(w.path().join(".aws/config")).expect("no config");
    let sign_in = [
        ("AWS_SSO_START_URL", START_URL),
        ("AWS_SSO_REGION", "ap-northeast-1"),
    ];
    let role = [
        ("AWS_SSO_START_URL", START_URL),
        ("AWS_SSO_REGION", "ap-northeast-1"),
        ("AWS_SSO_ACCOUNT_ID", "123456789011"),
        ("AWS_SSO_ROLE_NAME", "ReadOnly"),
    ];

    // Signing in needs only the portal and its region; the token is cached under the start
    // URL, as the AWS CLI caches a legacy profile's.
    let out = with_vars(&w, &["login"], &sign_in);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("Signed in to profile 'AWS_SSO_*' (https://d-XXXXXXXXX.awsapps.com/start)"),
        "{}",
        stderr(&out)
    );
    assert!(w.token_file(START_URL).is_file(), "the legacy token file");

    // Credentials need the account and role; without them, the message names the variables.
    let out = with_vars(&w, &["credential-process"], &sign_in);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("but AWS_SSO_ACCOUNT_ID, AWS_SSO_ROLE_NAME are not set: this command needs a role: set them to the account and role to use"),
        "{}",
        stderr(&out)
    );

    let out = with_vars(&w, &["credential-process"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let key = doc["AccessKeyId"].as_str().expect("a key").to_owned();
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);

    let out = with_vars(&w, &["whoami", "--output", "text"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "123456789011\tarn:aws:sts::123456789011:assumed-role/AWSReservedSSO_ReadOnly_"
        ),
        "{}",
        stdout(&out)
    );
    let out = with_vars(&w, &["export"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&key), "{}", stdout(&out));
    let out = with_vars(
        &w,
        &["exec", "--", "sh", "-c", "echo \"$AWS_ACCESS_KEY_ID\""],
        &role,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), key);
    assert_eq!(
        w.mock.count("GetRoleCredentials"),
        1,
        "one role fetch served every command"
    );
    // Programs get a region: the IAM Identity Center one, unless AWS_REGION says another.
    let out = with_vars(
        &w,
        &[
            "exec",
            "--",
            "sh",
            "-c",
            "echo \"$AWS_REGION $AWS_DEFAULT_REGION\"",
        ],
        &role,
    );
    assert_eq!(
        stdout(&out).trim(),
        "ap-northeast-1 ap-northeast-1",
        "{}",
        stderr(&out)
    );
    let mut west = role.to_vec();
    west.push(("AWS_REGION", "eu-west-1"));
    let out = with_vars(
        &w,
        &["exec", "--", "sh", "-c", "echo \"$AWS_REGION\""],
        &west,
    );
    assert_eq!(stdout(&out).trim(), "eu-west-1", "{}", stderr(&out));
    // `profiles` lists the variables' profile.
    let out = with_vars(&w, &["profiles", "-o", "json"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(rows[0]["name"], "AWS_SSO_*", "{rows}");
    assert_eq!(rows[0]["role_name"], "ReadOnly", "{rows}");

    // A start URL left empty (a CI secret that is missing) is named, not passed over.
    let out = with_vars(
        &w,
        &["whoami"],
        &[
            ("AWS_SSO_START_URL", ""),
            ("AWS_SSO_REGION", "ap-northeast-1"),
            ("AWS_SSO_ACCOUNT_ID", "123456789011"),
            ("AWS_SSO_ROLE_NAME", "ReadOnly"),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "but AWS_SSO_START_URL is not set: set it to the AWS access portal's address"
        ),
        "{}",
        stderr(&out)
    );

    // A malformed variable is named.
    let out = with_vars(
        &w,
        &["credential-process"],
        &[
            ("AWS_SSO_START_URL", START_URL),
            ("AWS_SSO_REGION", "ap northeast"),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("AWS_SSO_REGION = \"ap northeast\" is not valid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_named_profile_wins_over_the_aws_sso_variables_and_their_caches_are_the_aws_clis() {
    let w = world(Scenario::default());
    let role = [
        ("AWS_SSO_START_URL", START_URL),
        ("AWS_SSO_REGION", "ap-northeast-1"),
        ("AWS_SSO_ACCOUNT_ID", "123456789011"),
        ("AWS_SSO_ROLE_NAME", "ReadOnly"),
    ];
    let out = with_vars(&w, &["login"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = with_vars(&w, &["credential-process"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    let calls = w.mock.count("GetRoleCredentials");

    // The legacy profile of the same portal and role shares the token and the role
    // credentials: nothing is fetched again.
    let out = with_vars(&w, &["credential-process", "--profile", "legacy-ro"], &role);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(w.mock.count("GetRoleCredentials"), calls);

    // A profile that is named wins, by --profile or AWS_PROFILE: it has its own sign-in.
    for named in [
        with_vars(&w, &["whoami", "--profile", "dev-account-admin"], &role),
        w.cmd(&["whoami"])
            .envs(role)
            .env("AWS_PROFILE", "dev-account-admin")
            .stdin(Stdio::null())
            .output()
            .expect("runs"),
    ] {
        assert_eq!(named.status.code(), Some(7), "{}", stderr(&named));
        assert!(
            stderr(&named).contains("aws-sso-rs login --profile dev-account-admin"),
            "{}",
            stderr(&named)
        );
    }

    if aws_sso_e2e::find_python().is_some() {
        // botocore reads the token aws-sso-rs cached for the variables, for its legacy profile.
        let theirs = w.botocore(&["load-credentials", "legacy-ro"]);
        assert_eq!(theirs["method"], "sso", "{theirs}");
    }
}
