//! Each problem a user can run into is named as it is, with the file, the profile or the
//! session, what to do next, and the documented exit code, the same for every command.

use std::process::Stdio;

use aws_sso_mock::Scenario;

use crate::{World, stderr, stdout, world};

fn signed_in() -> World {
    let w = world(Scenario::default());
    let out = w.run(&["login", "--all", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    w
}

#[test]
fn a_damaged_token_file_is_reported_as_damaged_by_every_command() {
    for (what, bytes) in [
        ("empty", &b""[..]),
        ("not JSON", b"{\"accessToken\": "),
        ("missing fields", b"{\"accessToken\": \"x\"}"),
        ("not UTF-8", b"\xff\xfe{}"),
    ] {
        let w = signed_in();
        let path = w.token_file("my-sso");
        std::fs::write(&path, bytes).expect("damage the token");
        let shown = path.display().to_string();

        let process = w.run(&["credential-process", "--profile", "dev-account-ro"]);
        assert_eq!(
            process.status.code(),
            Some(4),
            "{what}: {}",
            stderr(&process)
        );
        let err = stderr(&process);
        assert!(
            err.contains(&shown) && err.contains("damaged") && err.contains("aws-sso-rs login"),
            "{what}: {err}"
        );
        assert!(
            !err.contains("check that you own"),
            "{what}: not a permissions problem: {err}"
        );

        let status = w.run(&["status", "--output", "json"]);
        assert!(status.status.success(), "{what}: {}", stderr(&status));
        let rows: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
        let mine = rows
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["session"] == "my-sso")
            .expect("my-sso row");
        assert_eq!(mine["state"], "damaged", "{what}");
        assert!(
            stderr(&status).contains(&shown),
            "{what}: {}",
            stderr(&status)
        );

        let profiles = w.run(&["profiles", "--output", "json"]);
        let rows: serde_json::Value = serde_json::from_slice(&profiles.stdout).expect("json");
        let ro = rows
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["name"] == "dev-account-ro")
            .expect("row");
        assert_eq!(ro["token"]["state"], "damaged", "{what}");

        // Signing in again replaces it, and says so.
        let login = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
        assert!(login.status.success(), "{what}: {}", stderr(&login));
        assert!(
            stderr(&login).contains("this sign-in replaces it"),
            "{what}: {}",
            stderr(&login)
        );
        let again = w.run(&["credential-process", "--profile", "dev-account-ro"]);
        assert!(again.status.success(), "{what}: {}", stderr(&again));
    }
}

#[test]
fn an_incomplete_session_and_a_misspelt_key_are_named_with_file_and_line() {
    let w = world(Scenario::default());
    let config = w.path().join(".aws/config");
    std::fs::write(
        &config,
        "[profile p]\nsso_session = half\nsso_account_id = 123456789011\nsso_role_name = R\n\n[sso-session half]\nsso_start_url = https://d-1.awsapps.com/start\n",
    )
    .expect("write");
    for args in [
        &["login", "--profile", "p"][..],
        &["credential-process", "--profile", "p"][..],
    ] {
        let out = w.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("sso-session 'half' ({} line 6)", config.display()))
                && err.contains("is missing sso_region")
                && !err.contains("has no [sso-session"),
            "{args:?}: {err}"
        );
    }
    std::fs::write(
        &config,
        "[profile p]\nsso_sesion = corp\nsso_account_id = 123456789011\nsso_role_name = R\n\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .expect("write");
    let out = w.run(&["login", "--profile", "p"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains(&format!(
            "profile 'p' ({} line 2) has the unknown key sso_sesion; did you mean sso_session?",
            config.display()
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_config_file_the_message_says_so_and_how_to_choose_a_profile() {
    let w = world(Scenario::default());
    std::fs::remove_file(w.path().join(".aws/config")).expect("remove the config");
    for args in [&["login"][..], &["whoami"][..], &["exec", "--", "true"][..]] {
        let out = w.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("does not exist")
                && err.contains(".aws/config")
                && err.contains("--profile NAME or AWS_PROFILE=NAME")
                && !err.contains("aws configure sso"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn exec_exits_as_shells_do_when_the_program_cannot_run() {
    let w = signed_in();
    let out = w.run(&[
        "exec",
        "--profile",
        "dev-account-ro",
        "--",
        "no-such-program-xyz",
    ]);
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot run no-such-program-xyz: no such program"),
        "{}",
        stderr(&out)
    );
    let script = w.path().join("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").expect("write");
    let out = w.run(&[
        "exec",
        "--profile",
        "dev-account-ro",
        "--",
        script.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("permission denied"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&[
        "exec",
        "--server",
        "--profile",
        "dev-account-ro",
        "--",
        "no-such-program-xyz",
    ]);
    assert_eq!(
        out.status.code(),
        Some(127),
        "with --server too: {}",
        stderr(&out)
    );
}

#[test]
fn logout_names_each_session_it_signs_out_of() {
    let w = signed_in();
    let out = w.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("Signed out of"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines.iter().any(|l| l.starts_with("Signed out of sso-session 'my-sso': server session ended"))
            && lines.iter().any(|l| l.starts_with(
                "Signed out of start URL https://d-XXXXXXXXX.awsapps.com/start: server session ended"
            )),
        "{text}"
    );
}

#[test]
fn the_login_cooldown_is_no_valid_sign_in_and_names_the_fix() {
    let mut s = Scenario::default();
    s.device.approval = aws_sso_mock::Approval::Deny;
    let w = world(s);
    let first = w.run(&["credential-process", "--profile", "legacy-ro", "--login"]);
    assert_eq!(first.status.code(), Some(5), "{}", stderr(&first));
    let second = w.run(&["credential-process", "--profile", "legacy-ro", "--login"]);
    assert_eq!(second.status.code(), Some(7), "{}", stderr(&second));
    let err = stderr(&second);
    assert!(
        err.contains("a sign-in for profile 'legacy-ro' failed or was abandoned")
            && err.contains("run: aws-sso-rs login --profile legacy-ro"),
        "{err}"
    );
    // A sign-in run by hand is not held back.
    let manual = w
        .cmd(&["login", "--profile", "legacy-ro"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(
        manual.status.code(),
        Some(5),
        "it ran, and was denied: {}",
        stderr(&manual)
    );
    assert_eq!(w.opened(2).len(), 2, "the manual login opened its browser");
}

#[test]
fn whoami_names_sts_when_sts_fails_and_throttling_is_a_network_exit() {
    let w = signed_in();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let out = w
        .cmd(&["whoami", "--profile", "dev-account-ro"])
        .env("AWS_ENDPOINT_URL_STS", &closed)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot reach STS at {closed}"))
            && err.contains("AWS_ENDPOINT_URL_STS")
            && !err.contains("portal"),
        "{err}"
    );

    w.mock
        .update_scenario(|s| _ = s.throttle_rps.insert("GetCallerIdentity".into(), 0));
    let out = w.run(&["whoami", "--profile", "dev-account-ro"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("STS answered Throttling"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_throttled_sign_in_is_a_network_exit_saying_so() {
    let w = World::new(env!("CARGO_BIN_EXE_aws-sso-rs"), Scenario::default());
    w.mock
        .update_scenario(|s| _ = s.throttle_rps.insert("RegisterClient".into(), 0));
    let out = w.run(&["login", "--profile", "legacy-ro"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("IAM Identity Center is throttling requests"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn logout_removes_a_damaged_token_and_the_warning_names_the_session_and_its_command() {
    let w = signed_in();
    let path = w.token_file("my-sso");
    std::fs::write(&path, b"garbage").expect("damage");
    let status = w.run(&["status"]);
    let err = stderr(&status);
    assert!(
        err.contains("the cached token of sso-session 'my-sso'")
            && err.contains("sign in again to replace it: aws-sso-rs login --sso-session my-sso"),
        "{err}"
    );
    let profiles = w.run(&["profiles"]);
    let err = stderr(&profiles);
    assert_eq!(
        err.matches("is damaged").count(),
        1,
        "one warning though two profiles share the token: {err}"
    );
    let process = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(
        stderr(&process)
            .contains("sign in again to replace it: aws-sso-rs login --profile dev-account-ro"),
        "{}",
        stderr(&process)
    );
    let out = w.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Signed out of sso-session 'my-sso': the cached token was damaged"),
        "{}",
        stdout(&out)
    );
    assert!(
        !path.exists(),
        "nothing usable, nor unusable, is left behind"
    );
}

#[test]
fn a_profile_name_that_is_not_there_is_explained() {
    let w = signed_in();
    let out = w.run(&["whoami", "--profile", "dev-account-r"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("did you mean 'dev-account-ro'?")
            && err
                .contains("profiles in the config and credentials files: default, dev-account-ro"),
        "{err}"
    );
    let out = w
        .cmd(&["whoami"])
        .env("AWS_PROFILE", "dev-acount-ro")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(
        stderr(&out).contains("the profile 'dev-acount-ro' comes from AWS_PROFILE"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        w.path().join(".aws/config"),
        "[profile other]\nregion = eu-west-1\n",
    )
    .expect("write");
    let out = w.run(&["credential-process", "--profile", "x"]);
    assert_eq!(out.status.code(), Some(3));
    let out = w.run(&["exec", "--", "true"]);
    assert!(
        stderr(&out).contains("no --profile given and neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, so the profile is 'default'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn login_all_without_sessions_is_a_config_error_saying_what_is_missing() {
    let w = world(Scenario::default());
    std::fs::remove_file(w.path().join(".aws/config")).expect("remove");
    let out = w.run(&["login", "--all"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    std::fs::write(
        w.path().join(".aws/config"),
        "[default]\nregion = eu-west-1\n",
    )
    .expect("write");
    let out = w.run(&["login", "--all"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("signs in with IAM Identity Center"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_browser_the_advice_does_not_repeat_the_flag_in_use() {
    let w = world(Scenario::default());
    let out = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .env("BROWSER", "/nonexistent/browser")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("No browser could be started") && !err.contains("--use-device-code"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn cache_folders_another_tool_left_open_are_made_private_with_a_notice() {
    use std::os::unix::fs::PermissionsExt;
    let w = world(Scenario::default());
    let sso = w.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&sso).expect("mkdir");
    std::fs::set_permissions(&sso, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "aws-sso-rs: notice: the cache folder {} was readable by others (mode 755); it is now 0700",
            sso.display()
        )),
        "{}",
        stderr(&out)
    );
    let mode = std::fs::metadata(&sso).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    let again = w.run(&[
        "login",
        "--sso-session",
        "my-sso",
        "--use-device-code",
        "--force",
    ]);
    assert!(
        !stderr(&again).contains("notice"),
        "said once: {}",
        stderr(&again)
    );
}

#[test]
fn a_config_edited_while_populate_runs_is_kept_not_overwritten() {
    let w = crate::everyday::signed_in(crate::everyday::organisation(3, &["ReadOnly"]));
    w.mock.update_scenario(|s| {
        s.latency_ms.insert("ListAccountRoles".into(), 1500);
    });
    let config = w.path().join(".aws/config");
    let child = w
        .cmd(&["configure", "populate", "--sso-session", "my-sso"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // The person saves the file in an editor while the directory is being listed.
    std::thread::sleep(std::time::Duration::from_millis(600));
    let mut theirs = std::fs::read_to_string(&config).expect("config");
    theirs.push_str("\n[profile mine]\nregion = eu-west-1\n");
    std::fs::write(&config, &theirs).expect("their save");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("was changed by another program")
            && stderr(&out).contains(&config.display().to_string()),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&config).expect("config"),
        theirs,
        "their edit is what the file holds"
    );
    // Run again, it goes through and keeps their profile.
    w.mock.update_scenario(|s| {
        s.latency_ms.clear();
    });
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let now = std::fs::read_to_string(&config).expect("config");
    assert!(now.starts_with(&theirs), "{now}");
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_leaves_the_config_as_it_was() {
    let w = crate::everyday::signed_in(crate::everyday::organisation(20, &["ReadOnly", "Admin"]));
    let config = w.path().join(".aws/config");
    let before = std::fs::read(&config).expect("config");
    // The file-size limit makes every write past 2 KiB fail (EFBIG), as a full disk would;
    // SIGXFSZ is ignored so the write returns the error instead of killing the process.
    let binary = env!("CARGO_BIN_EXE_aws-sso-rs");
    let cmd = w.cmd(&[]);
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"",
            binary,
            "configure",
            "populate",
            "--sso-session",
            "my-sso",
        ])
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .current_dir(w.path())
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("cannot write {}", config.display())),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&config).expect("config"), before, "unchanged");
    let leftovers: Vec<String> = std::fs::read_dir(w.path().join(".aws"))
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

const SESSION: &str = "[sso-session my-sso]
sso_start_url = https://d-XXXXXXXXX.awsapps.com/start
sso_region = ap-northeast-1
sso_registration_scopes = sso:account:access
";

#[test]
fn lines_the_aws_cli_reads_are_read_with_a_warning_naming_file_and_line() {
    let w = signed_in();
    // `key: value` and a property indented right under its header: Python's configparser
    // (the AWS CLI, botocore) reads both; the cross-SDK rules refuse them.
    let config = w.home.write_config(&format!(
        "[profile colon]\n  sso_account_id = 123456789011\nsso_session: my-sso\nsso_role_name: ReadOnly\n\n{SESSION}"
    ));
    let out = w.run(&["profiles", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows[0]["kind"], "sso-session", "{rows}");
    assert_eq!(rows[0]["account_id"], "123456789011");
    assert_eq!(rows[0]["role_name"], "ReadOnly");
    for (line, what) in [
        (2, "a setting indented right under its section header"),
        (3, "':' instead of '='"),
        (4, "':' instead of '='"),
    ] {
        assert!(
            stderr(&out).contains(&format!("{} line {line}: {what}", config.display())),
            "warns about line {line}: {}",
            stderr(&out)
        );
    }
    assert!(stderr(&out).contains("other AWS SDKs refuse this line"));
    let out = w.run(&["credential-process", "--profile", "colon"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // botocore reads the same values from the same file.
    if aws_sso_e2e::find_python().is_some() {
        let theirs = w.botocore(&["scoped-config", "colon"]);
        assert_eq!(theirs["sso_account_id"], "123456789011", "{theirs}");
        assert_eq!(theirs["sso_session"], "my-sso", "{theirs}");
        assert_eq!(theirs["sso_role_name"], "ReadOnly", "{theirs}");
    }
}

/// Two more classes of lines Python's configparser (the AWS CLI, botocore) reads and other
/// SDKs read differently: lines ending with a carriage return alone, and settings indented
/// like the one above them. Read as botocore reads them, with a warning that says what other
/// SDKs make of them.
#[test]
fn carriage_returns_alone_and_settings_indented_alike_are_read_as_botocore_reads_them() {
    let w = signed_in();
    let session = SESSION.replace('\n', "\r");
    let config = w.home.write_config(&format!(
        "[profile cr]\r  sso_session = my-sso\r  sso_account_id = 123456789011\r  sso_role_name = ReadOnly\r\r{session}"
    ));
    let out = w.run(&["profiles", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows[0]["name"], "cr", "{rows}");
    assert_eq!(rows[0]["kind"], "sso-session", "{rows}");
    assert_eq!(rows[0]["account_id"], "123456789011", "{rows}");
    assert_eq!(rows[0]["role_name"], "ReadOnly", "{rows}");
    let err = stderr(&out);
    for (line, what) in [
        (
            1,
            "lines ending with a carriage return alone: read as the AWS CLI reads it, but other AWS SDKs read the whole file as one line",
        ),
        (
            3,
            "a setting indented like the one above it: read as the AWS CLI reads it, but other AWS SDKs read it as the value of the setting above",
        ),
    ] {
        assert!(
            err.contains(&format!("{} line {line}: {what}", config.display())),
            "warns about line {line}: {err}"
        );
    }
    let out = w.run(&["credential-process", "--profile", "cr"]);
    assert!(out.status.success(), "{}", stderr(&out));
    if aws_sso_e2e::find_python().is_some() {
        let theirs = w.botocore(&["scoped-config", "cr"]);
        assert_eq!(theirs["sso_session"], "my-sso", "{theirs}");
        assert_eq!(theirs["sso_account_id"], "123456789011", "{theirs}");
        assert_eq!(theirs["sso_role_name"], "ReadOnly", "{theirs}");
    }
}

#[test]
fn a_region_in_upper_case_is_read_as_botocore_reads_it_with_a_warning() {
    let w = world(Scenario::default());
    let session = SESSION.replace("ap-northeast-1", "AP-NORTHEAST-1");
    let config = w.home.write_config(&format!(
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\nregion = EU-WEST-1\n\n{session}"
    ));
    let out = w.run(&["profiles", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows[0]["kind"], "sso-session", "{rows}");
    let err = stderr(&out);
    for (line, said) in [
        (
            5,
            "region = EU-WEST-1 is in upper case: read as the AWS CLI reads it (eu-west-1), but other AWS SDKs may not find such a region; write it in lower case",
        ),
        (9, "sso_region = AP-NORTHEAST-1 is in upper case"),
    ] {
        assert!(
            err.contains(&format!("{} line {line}: {said}", config.display())),
            "warns about line {line}: {err}"
        );
    }
    let out = w.run(&["login", "--profile", "dev", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["credential-process", "--profile", "dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["console", "--profile", "dev", "--print"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("eu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1"),
        "the console is the region's, in lower case: {}",
        stdout(&out)
    );
    if aws_sso_e2e::find_python().is_some() {
        // The client registration is shared with the AWS CLI: its key hashes the region as
        // written.
        let key = w.botocore(&[
            "registration-key",
            "https://d-XXXXXXXXX.awsapps.com/start",
            "AP-NORTHEAST-1",
            "my-sso",
            "[\"sso:account:access\"]",
        ]);
        let file = w.path().join(format!(
            ".aws/sso/cache/{}.json",
            key.as_str().expect("a hash")
        ));
        assert!(file.is_file(), "{} written", file.display());
        // botocore reads the region alike and signs in with aws-sso-rs's token.
        let theirs = w.botocore(&["load-credentials", "dev"]);
        assert_eq!(theirs["method"], "sso", "{theirs}");
    }
}

#[test]
fn a_broken_section_is_invalid_on_its_own_and_the_others_work() {
    let w = signed_in();
    let config = w.home.write_config(&format!(
        "\u{feff}[profile good]\nsso_session = my-sso\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\n\n\
         [profile broken]\nsso_session = my-sso\nthis line is garbage\n\n\
         [profile unterminated\nsso_session = my-sso\n\n{SESSION}"
    ));
    let out = w.run(&["profiles", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let row = |name: &str| {
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed: {rows}"))
            .clone()
    };
    assert_eq!(
        row("good")["kind"],
        "sso-session",
        "the byte-order mark is skipped"
    );
    assert_eq!(row("broken")["kind"], "invalid");
    assert_eq!(
        row("broken")["error"],
        format!(
            "profile 'broken' cannot be used: {} line 8: Expected an '=' sign defining a property; fix or remove that line",
            config.display()
        )
    );
    assert_eq!(row("unterminated")["kind"], "invalid");
    assert!(
        row("unterminated")["error"]
            .as_str()
            .is_some_and(|e| e.contains("line 10: Profile definition must end with ']'")),
        "{rows}"
    );
    let out = w.run(&["credential-process", "--profile", "good"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["credential-process", "--profile", "broken"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{} line 8", config.display())),
        "{}",
        stderr(&out)
    );
    // An edit of a file holding a line nobody can read is refused, naming it.
    let before = std::fs::read(&config).expect("config");
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 8"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&config).expect("config"), before);
}

#[test]
fn a_config_that_is_not_utf8_is_read_with_a_warning_and_not_edited() {
    let w = signed_in();
    let config = w.path().join(".aws/config");
    let mut bytes = std::fs::read(&config).expect("config");
    bytes.extend_from_slice(b"\n[profile latin1]\nregion = caf\xe9\n");
    std::fs::write(&config, &bytes).expect("write");
    let out = w.run(&["credential-process", "--profile", "dev-account-ro"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["profiles"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("not valid UTF-8"), "{}", stderr(&out));
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("not valid UTF-8"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&config).expect("config"), bytes, "untouched");
}

#[test]
fn a_start_url_the_service_does_not_know_points_at_the_settings_not_at_trying_again() {
    let w = world(Scenario::default());
    w.home.write_config(&format!(
        "{}\n[sso-session other]\nsso_start_url = https://d-YYYYYYYYY.awsapps.com/start\nsso_region = ap-northeast-1\n",
        aws_sso_e2e::EXAMPLE_CONFIG
    ));
    let out = w.run(&["login", "--sso-session", "other", "--use-device-code"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("InvalidRequestException")
            && err.contains("check the session's sso_start_url")
            && !err.contains("try again"),
        "{err}"
    );
}
