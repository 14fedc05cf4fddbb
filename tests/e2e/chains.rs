//! Profiles that assume a role through `source_profile`: one and two links on an IAM Identity
//! Center profile, static keys and a `credential_process` at the bottom, the AWS CLI's
//! assume-role cache shared both ways with botocore, single-flight, and every refusal.

use aws_sso_mock::Scenario;
use aws_sso_token_cache::{AssumeRoleArgs, AssumedRoleKey};

use crate::{World, stderr, stdout, world};

const CHAINS: &str = "
[profile deploy-prod]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = dev-account-ro
role_session_name = alice

[profile deploy-ops]
role_arn = arn:aws:iam::333333333333:role/Ops
source_profile = deploy-prod

[profile static-base]
aws_access_key_id = AKIAMOCKSTATICKEY001
aws_secret_access_key = mock/static/secret/key/0000000000000000

[profile via-static]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = static-base
region = eu-west-1

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = loop-a

[profile not-an-arn]
role_arn = Deployer
source_profile = dev-account-ro

[profile bad-keys]
aws_access_key_id = AKIAMOCKSTATICKEY001
aws_secret_access_key = not-the-secret

[profile via-bad-keys]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = bad-keys

[profile needs-mfa]
role_arn = arn:aws:iam::222222222222:role/Guarded
source_profile = dev-account-ro
mfa_serial = arn:aws:iam::123456789011:mfa/alice
";

/// The example config with the chained profiles above.
fn chain_world(scenario: Scenario) -> World {
    let w = world(scenario);
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(CHAINS);
    std::fs::write(&config, text).expect("config");
    w
}

fn process_json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).expect("credential_process JSON")
}

fn login(w: &World) {
    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn deployer_key() -> AssumedRoleKey {
    AssumedRoleKey::new(&AssumeRoleArgs {
        role_arn: "arn:aws:iam::222222222222:role/Deployer",
        role_session_name: Some("alice"),
        ..AssumeRoleArgs::default()
    })
}

#[test]
fn a_two_link_chain_is_assumed_once_per_link_and_cached_as_the_aws_cli_caches_it() {
    let w = chain_world(Scenario::default());
    login(&w);
    let first = process_json(&w.run(&["credential-process", "--profile", "deploy-ops"]));
    let key = first["AccessKeyId"].as_str().expect("key").to_owned();
    assert!(key.starts_with("ASIA"), "{first}");
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
    assert_eq!(w.mock.count("AssumeRole"), 2, "one AssumeRole per link");

    // Each link is cached under the AWS CLI's file name for its AssumeRole arguments.
    let cache = w.cache();
    let deployer = cache
        .load_assumed_role(&deployer_key())
        .expect("readable")
        .expect("the first link is cached");
    assert_eq!(deployer.account_id.as_deref(), Some("222222222222"));
    let ops_key = AssumedRoleKey::new(&AssumeRoleArgs {
        role_arn: "arn:aws:iam::333333333333:role/Ops",
        ..AssumeRoleArgs::default()
    });
    let ops = cache
        .load_assumed_role(&ops_key)
        .expect("readable")
        .expect("the second link is cached");
    assert_eq!(ops.access_key_id, key);

    // The cached answer: no call at all.
    let again = process_json(&w.run(&["credential-process", "--profile", "deploy-ops"]));
    assert_eq!(again["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(w.mock.count("AssumeRole"), 2);

    // whoami, exec and export use the same credentials.
    let me = w.run(&["whoami", "--profile", "deploy-ops", "--output", "text"]);
    assert!(me.status.success(), "{}", stderr(&me));
    let text = stdout(&me);
    assert!(
        text.starts_with("333333333333\tarn:aws:sts::333333333333:assumed-role/Ops/"),
        "{text}"
    );
    let env = w.run(&["exec", "--profile", "deploy-prod", "--", "env"]);
    assert!(env.status.success(), "{}", stderr(&env));
    assert!(
        stdout(&env).contains(&format!("AWS_ACCESS_KEY_ID={}", deployer.access_key_id)),
        "{}",
        stdout(&env)
    );
    let shown = w.run(&[
        "credential-process",
        "--profile",
        "deploy-ops",
        "--show-settings",
    ]);
    assert!(
        stdout(&shown)
            .contains("deploy-ops -> deploy-prod -> dev-account-ro -> sso-session my-sso"),
        "{}",
        stdout(&shown)
    );
    assert_eq!(w.mock.count("AssumeRole"), 2);
}

#[test]
fn static_keys_and_a_credential_process_can_stand_at_the_bottom() {
    let w = chain_world(Scenario::default());
    let got = process_json(&w.run(&["credential-process", "--profile", "via-static"]));
    assert!(
        got["AccessKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("ASIA"))
    );
    assert_eq!(w.mock.count("GetRoleCredentials"), 0);
    assert_eq!(w.mock.count("AssumeRole"), 1);

    // A source profile whose credential_process prints the same static keys.
    let script = w.path().join("keys.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAMOCKSTATICKEY001\", \"SecretAccessKey\": \"mock/static/secret/key/0000000000000000\"}'\n",
    )
    .expect("script");
    #[cfg(unix)]
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "\n[profile process-base]\ncredential_process = {}\n\n[profile via-process]\nrole_arn = arn:aws:iam::222222222222:role/Other\nsource_profile = process-base\n",
        script.display()
    ));
    std::fs::write(&config, text).expect("config");
    let got = process_json(&w.run(&["credential-process", "--profile", "via-process"]));
    assert!(
        got["AccessKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("ASIA"))
    );
    assert_eq!(w.mock.count("AssumeRole"), 2);
}

#[test]
fn twenty_callers_at_once_make_one_call_per_link() {
    let w = chain_world(Scenario::default());
    login(&w);
    let children: Vec<_> = (0..20)
        .map(|_| {
            w.cmd(&["credential-process", "--profile", "deploy-ops"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let keys: std::collections::BTreeSet<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            process_json(&out)["AccessKeyId"]
                .as_str()
                .expect("key")
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 1, "every caller got the same credentials");
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
    assert_eq!(w.mock.count("AssumeRole"), 2);
}

#[test]
fn a_signed_out_source_names_the_login_of_the_profile_asked_for_which_works() {
    let w = chain_world(Scenario::default());
    let out = w.run(&["credential-process", "--profile", "deploy-prod"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("aws-sso-rs login --profile deploy-prod"),
        "{}",
        stderr(&out)
    );
    let login = w.run(&["login", "--profile", "deploy-prod", "--use-device-code"]);
    assert!(login.status.success(), "{}", stderr(&login));
    assert!(
        stderr(&login).contains("profile 'deploy-prod'"),
        "{}",
        stderr(&login)
    );
    process_json(&w.run(&["credential-process", "--profile", "deploy-prod"]));
    // logout --profile of a chained profile ends its source's sign-in, and leaves no
    // assumed role usable behind it.
    let out = w.run(&["logout", "--profile", "deploy-prod"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Removed 1 cached role assumed through source_profile."),
        "{}",
        stdout(&out)
    );
    assert!(
        w.cache()
            .load_assumed_role(&deployer_key())
            .expect("readable")
            .is_none()
    );
    let out = w.run(&["credential-process", "--profile", "deploy-prod"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let out = w.run(&["status", "--output", "json"]);
    assert!(!stdout(&out).contains("\"valid\""), "{}", stdout(&out));
}

#[test]
fn refusals_name_the_chain_the_role_and_the_line() {
    let scenario = Scenario {
        sts: aws_sso_mock::Sts {
            deny_assume: vec!["arn:aws:iam::222222222222:role/Deployer".into()],
            ..Default::default()
        },
        ..Scenario::default()
    };
    let w = chain_world(scenario);
    login(&w);

    let out = w.run(&["credential-process", "--profile", "deploy-prod"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("arn:aws:iam::222222222222:role/Deployer") && err.contains("'dev-account-ro'"),
        "{err}"
    );

    let out = w.run(&["credential-process", "--profile", "loop-a"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("loop-a -> loop-b -> loop-a"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("line"), "{}", stderr(&out));

    let out = w.run(&["whoami", "--profile", "not-an-arn"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("role_arn = \"Deployer\""),
        "{}",
        stderr(&out)
    );

    // No terminal to type the MFA code in: said at once, with what to do.
    let out = w.run(&["credential-process", "--profile", "needs-mfa"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("mfa_serial"), "{}", stderr(&out));

    // Keys STS refuses are blamed on the profile that holds them.
    let out = w.run(&["credential-process", "--profile", "via-bad-keys"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("STS refused the credentials of profile 'bad-keys'"),
        "{}",
        stderr(&out)
    );

    // profiles marks a bad role ARN as invalid, as every command refuses it.
    let out = w.run(&["profiles", "--output", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let bad = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "not-an-arn")
        .expect("listed");
    assert_eq!(bad["kind"], "invalid", "{bad}");

    // list follows a chain to the sign-in at its bottom.
    let out = w.run(&["list", "--profile", "deploy-prod"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("123456789011"), "{}", stdout(&out));

    // --via-portal cannot reach an assumed role.
    let out = w.run(&[
        "console",
        "--profile",
        "via-static",
        "--via-portal",
        "--print",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("leave out --via-portal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn botocore_as_the_aws_cli_configures_it_and_aws_sso_rs_share_assumed_roles_both_ways() {
    aws_sso_e2e::require_botocore!();
    let w = chain_world(Scenario::default());
    login(&w);
    // aws-sso-rs assumes and caches; botocore (the AWS CLI's assume-role cache) reuses it.
    let ours = process_json(&w.run(&["credential-process", "--profile", "deploy-prod"]));
    let calls = w.mock.count("AssumeRole");
    let theirs = w.botocore(&["load-assumed-role", "deploy-prod"]);
    assert_eq!(theirs["access_key"], ours["AccessKeyId"], "{theirs}");
    assert_eq!(w.mock.count("AssumeRole"), calls, "botocore read our cache");

    // botocore assumes and caches another role; aws-sso-rs reuses it.
    let theirs = w.botocore(&["load-assumed-role", "via-static"]);
    let calls = w.mock.count("AssumeRole");
    let ours = process_json(&w.run(&["credential-process", "--profile", "via-static"]));
    assert_eq!(ours["AccessKeyId"], theirs["access_key"], "{theirs}");
    assert_eq!(
        w.mock.count("AssumeRole"),
        calls,
        "aws-sso-rs read botocore's cache"
    );
}

#[test]
fn profiles_and_the_prompt_show_a_chain_and_the_time_it_lasts() {
    let w = chain_world(Scenario::default());
    login(&w);
    let out = w.run(&["profiles", "--output", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let ops = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "deploy-ops")
        .expect("deploy-ops listed");
    assert_eq!(ops["kind"], "assume-role", "{ops}");
    assert_eq!(
        ops["chain"],
        "deploy-ops -> deploy-prod -> dev-account-ro -> sso-session my-sso"
    );
    assert_eq!(ops["account_id"], "333333333333");
    assert_eq!(ops["role_name"], "Ops");
    assert_eq!(ops["token"]["state"], "valid", "the sign-in at its bottom");
    let table = stdout(&w.run(&["profiles"]));
    assert!(
        table.lines().any(|l| l.starts_with("deploy-prod")
            && l.contains("assume-role")
            && l.contains("222222222222")),
        "{table}"
    );

    // The prompt: the sign-in's time, until the assumed role is cached and ends first.
    let prompt = |w: &World| {
        let out = w
            .cmd(&["prompt"])
            .env("AWS_PROFILE", "deploy-prod")
            .output()
            .expect("prompt");
        stdout(&out).trim().to_owned()
    };
    assert!(prompt(&w).starts_with("deploy-prod 7h"), "{}", prompt(&w));
    process_json(&w.run(&["credential-process", "--profile", "deploy-prod"]));
    let shown = prompt(&w);
    assert!(
        shown == "deploy-prod 59m" || shown == "deploy-prod 58m",
        "the assumed role's hour: {shown}"
    );
    let warned = |w: &World| {
        let out = w
            .cmd(&[
                "prompt",
                "--format",
                "{remaining} {refreshable} [{warning}]",
            ])
            .env("AWS_PROFILE", "deploy-prod")
            .output()
            .expect("prompt");
        stdout(&out).trim().to_owned()
    };
    assert!(
        warned(&w).ends_with(" yes []"),
        "a role renewed from a lasting sign-in: nothing to warn of: {}",
        warned(&w)
    );
    // The sign-in itself ends in 9 minutes and cannot be renewed: that is what is shown and
    // warned of, though the role ends sooner... or later.
    let now = time::OffsetDateTime::now_utc();
    w.edit_token("my-sso", |t| {
        t.expires_at = now + time::Duration::minutes(9);
        t.refresh_token = None;
    });
    let shown = warned(&w);
    assert!(
        (shown.starts_with("8m") || shown.starts_with("9m"))
            && shown.contains(" no [aws-sso-rs: the sign-in of profile 'deploy-prod'"),
        "{shown}"
    );

    // A role assumed on keys: its account, role and region, and no sign-in to offer.
    let out = w
        .cmd(&[
            "prompt",
            "--format",
            "{account} {role} {region} [{login}] {state}",
        ])
        .env("AWS_PROFILE", "via-static")
        .output()
        .expect("prompt");
    assert_eq!(
        stdout(&out).trim(),
        "222222222222 Deployer eu-west-1 [] not-sso"
    );

    // configure populate leaves such profiles alone.
    let config = w.path().join(".aws/config");
    let before = std::fs::read_to_string(&config).expect("config");
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = std::fs::read_to_string(&config).expect("config");
    assert_ne!(before, after, "populate wrote its profiles");
    assert!(
        after.contains(CHAINS.trim()),
        "the chained profiles are untouched"
    );

    // A profile whose settings are wrong is marked so, not passed off as another kind.
    std::fs::write(
        &config,
        format!("{after}\n[profile loop-a]\nrole_arn = arn:aws:iam::222222222222:role/A\nsource_profile = loop-b\n\n[profile loop-b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = loop-a\n\n[profile bad-arn]\nrole_arn = Deployer\nsource_profile = dev-account-ro\n"),
    )
    .expect("config");
    for name in ["loop-a", "bad-arn"] {
        let out = w
            .cmd(&["prompt", "--format", "{state} {remaining} [{login}]"])
            .env("AWS_PROFILE", name)
            .output()
            .expect("prompt");
        assert_eq!(stdout(&out).trim(), "invalid invalid []", "{name}");
    }
}

#[test]
fn a_chain_of_ten_links_is_assumed_link_by_link() {
    let w = chain_world(Scenario::default());
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    for i in 1..=10 {
        let source = if i == 1 {
            "dev-account-ro".to_owned()
        } else {
            format!("link-{}", i - 1)
        };
        text.push_str(&format!(
            "\n[profile link-{i}]\nrole_arn = arn:aws:iam::222222222222:role/Link{i}\nsource_profile = {source}\n"
        ));
    }
    std::fs::write(&config, text).expect("config");
    login(&w);
    let got = process_json(&w.run(&["credential-process", "--profile", "link-10"]));
    assert!(
        got["AccessKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("ASIA"))
    );
    assert_eq!(w.mock.count("AssumeRole"), 10);
    let me = w.run(&["whoami", "--profile", "link-10", "--output", "text"]);
    assert!(
        stdout(&me).contains("assumed-role/Link10/"),
        "{}",
        stdout(&me)
    );
}

#[test]
fn exec_server_serves_a_chained_profile() {
    let w = chain_world(Scenario::default());
    login(&w);
    let script = "import json, os, urllib.request as u\n\
        r = u.Request(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'], headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']})\n\
        print(json.load(u.urlopen(r))['AccessKeyId'])";
    let out = w.run(&[
        "exec",
        "--server",
        "--profile",
        "deploy-prod",
        "--",
        "python3",
        "-c",
        script,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cached = w
        .cache()
        .load_assumed_role(&deployer_key())
        .expect("readable")
        .expect("cached by the server");
    assert_eq!(stdout(&out).trim(), cached.access_key_id);
}

#[test]
#[ignore = "needs tmux: cargo xtask ci installs it and runs this"]
fn on_a_terminal_the_mfa_code_is_asked_and_the_role_cached_for_programs() {
    let scenario = Scenario {
        sts: aws_sso_mock::Sts {
            require_mfa: vec!["arn:aws:iam::222222222222:role/Guarded".into()],
            ..Default::default()
        },
        ..Scenario::default()
    };
    let w = chain_world(scenario);
    login(&w);
    let session = crate::terminal::Session::start(
        &w,
        "mfa",
        160,
        "",
        "whoami --profile needs-mfa --output text",
    );
    let asked = session.screen("MFA code for arn:aws:iam::123456789011:mfa/alice");
    assert!(asked.contains("(profile 'needs-mfa')"), "{asked}");
    session.type_line("123456");
    let done = session.screen("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(done.contains("assumed-role/Guarded/"), "{done}");
    // Cached: a program, which no one can ask, gets it without a code.
    let out = w.run(&["credential-process", "--profile", "needs-mfa"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn profiles_of_static_keys_or_a_credential_process_work_in_the_credential_commands() {
    let w = chain_world(Scenario::default());
    // Static keys: as they are, with no session token and no expiry.
    let got = process_json(&w.run(&["credential-process", "--profile", "static-base"]));
    assert_eq!(got["AccessKeyId"], "AKIAMOCKSTATICKEY001");
    assert!(
        got.get("SessionToken").is_none() && got.get("Expiration").is_none(),
        "{got}"
    );
    let me = w.run(&["whoami", "--profile", "static-base", "--output", "text"]);
    assert!(me.status.success(), "{}", stderr(&me));
    assert!(
        stdout(&me).contains("arn:aws:iam::123456789011:user/ci-user"),
        "{}",
        stdout(&me)
    );
    // A session token left in the shell by an earlier export does not reach the program.
    let env = w
        .cmd(&["exec", "--profile", "static-base", "--", "env"])
        .env("AWS_SESSION_TOKEN", "stale")
        .env("AWS_SECURITY_TOKEN", "stale")
        .output()
        .expect("exec");
    assert!(env.status.success(), "{}", stderr(&env));
    let vars = stdout(&env);
    assert!(
        vars.contains("AWS_ACCESS_KEY_ID=AKIAMOCKSTATICKEY001"),
        "{vars}"
    );
    assert!(!vars.contains("AWS_SESSION_TOKEN="), "{vars}");
    assert!(!vars.contains("AWS_SECURITY_TOKEN="), "{vars}");
    // The container protocol carries short-lived credentials only.
    let out = w.run(&["exec", "--server", "--profile", "static-base", "--", "true"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("run exec without --server"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&[
        "export",
        "--profile",
        "static-base",
        "--format",
        "ini",
        "--to-credentials-file",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // The console: a federated user's session from the keys (GetFederationToken).
    let out = w.run(&["console", "--profile", "static-base", "--print"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("/federation?Action=login&") && stdout(&out).contains("SigninToken="),
        "{}",
        stdout(&out)
    );
    assert_eq!(w.mock.count("GetFederationToken"), 1);
    assert_eq!(w.mock.count("AssumeRole"), 0);

    // A credential_process: its answer, as botocore would read it.
    let script = w.path().join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
    )
    .expect("script");
    #[cfg(unix)]
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "\n[profile by-process]\ncredential_process = {}\n",
        script.display()
    ));
    std::fs::write(&config, text).expect("config");
    let got = process_json(&w.run(&["credential-process", "--profile", "by-process"]));
    assert_eq!(got["AccessKeyId"], "ASIAPROCESS");
    assert_eq!(got["SessionToken"], "t");
    assert_eq!(got["Expiration"], "2099-01-01T00:00:00+00:00");
    let env = w.run(&["exec", "--profile", "by-process", "--", "env"]);
    assert!(
        stdout(&env).contains("AWS_SESSION_TOKEN=t"),
        "{}",
        stdout(&env)
    );
}

#[test]
fn a_web_identity_token_file_gives_credentials_alone_or_at_the_bottom_of_a_chain() {
    let w = chain_world(Scenario::default());
    std::fs::write(w.path().join("token.jwt"), "eyJhbGciOiJSUzI1NiJ9.ci.job\n").expect("token");
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(
        "\n[profile web]\nrole_arn = arn:aws:iam::444444444444:role/WebRole\nweb_identity_token_file = ~/token.jwt\nrole_session_name = ci-job\n\n[profile via-web]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = web\n\n[profile web-and-sso]\nrole_arn = arn:aws:iam::444444444444:role/WebRole\nweb_identity_token_file = ~/token.jwt\nsso_session = my-sso\nsso_account_id = 123456789011\nsso_role_name = ReadOnly\nregion = eu-north-1\n",
    );
    std::fs::write(&config, text).expect("config");
    let me = w.run(&["whoami", "--profile", "web", "--output", "text"]);
    assert!(me.status.success(), "{}", stderr(&me));
    assert!(
        stdout(&me).contains("arn:aws:sts::444444444444:assumed-role/WebRole/ci-job"),
        "{}",
        stdout(&me)
    );
    assert_eq!(w.mock.count("AssumeRoleWithWebIdentity"), 1);
    // Its account, role and region in the prompt and in `profiles`.
    let out = w
        .cmd(&["prompt", "--format", "{account} {role}"])
        .env("AWS_PROFILE", "web")
        .output()
        .expect("prompt");
    assert_eq!(stdout(&out).trim(), "444444444444 WebRole");
    // A web identity comes before an IAM Identity Center sign-in in the same profile, as in
    // botocore (no sign-in is needed for it).
    let me = w.run(&["whoami", "--profile", "web-and-sso", "--output", "text"]);
    assert!(me.status.success(), "{}", stderr(&me));
    assert!(
        stdout(&me).contains("assumed-role/WebRole/"),
        "{}",
        stdout(&me)
    );
    assert_eq!(
        w.mock.count("AssumeRoleWithWebIdentity"),
        2,
        "another session name, another role"
    );
    let got = process_json(&w.run(&["credential-process", "--profile", "via-web"]));
    assert!(
        got["AccessKeyId"]
            .as_str()
            .is_some_and(|k| k.starts_with("ASIA"))
    );
    assert_eq!(w.mock.count("AssumeRole"), 1);
    assert_eq!(
        w.mock.count("AssumeRoleWithWebIdentity"),
        2,
        "the web identity's role came from the cache"
    );

    // A token STS refuses, and a file that is not there, are named.
    std::fs::write(w.path().join("token.jwt"), "invalid").expect("token");
    std::fs::remove_dir_all(w.path().join(".aws/cli/cache")).expect("clear the cache");
    let out = w.run(&["credential-process", "--profile", "web"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("STS refused the web identity token of profile 'web'")
            && stderr(&out).contains("InvalidIdentityToken")
            && stderr(&out).contains("web_identity_token_file"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(w.path().join("token.jwt")).expect("remove");
    let out = w.run(&["credential-process", "--profile", "web"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot read web_identity_token_file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn what_would_go_wrong_quietly_is_refused_instead() {
    let w = chain_world(Scenario::default());
    login(&w);
    // A credential_process that runs aws-sso-rs for its own profile: refused, not a process
    // starting itself until the machine's limit.
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "\n[profile itself]\ncredential_process = {} credential-process --profile itself\n",
        env!("CARGO_BIN_EXE_aws-sso-rs")
    ));
    std::fs::write(&config, text).expect("config");
    let out = w.run(&["credential-process", "--profile", "itself"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("leads back to profile 'itself'"),
        "{}",
        stderr(&out)
    );

    // Exporting a chained profile's keys under its own name would make them stand in for its
    // role wherever it is a source_profile: another name is asked for.
    let out = w.run(&[
        "export",
        "--profile",
        "deploy-prod",
        "--format",
        "ini",
        "--to-credentials-file",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--as NAME"), "{}", stderr(&out));
    let out = w.run(&[
        "export",
        "--profile",
        "deploy-prod",
        "--format",
        "ini",
        "--to-credentials-file",
        "--as",
        "deploy-prod-keys",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Nothing named and `default` holding long-term keys: not taken for the Identity Center
    // access a command was asked for.
    let text = std::fs::read_to_string(&config)
        .expect("config")
        .replace("[default]\nregion = us-east-1\n", "[default]\nregion = us-east-1\naws_access_key_id = AKIAMOCKSTATICKEY001\naws_secret_access_key = mock/static/secret/key/0000000000000000\n");
    std::fs::write(&config, text).expect("config");
    let out = w.run(&["whoami"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not sign in with IAM Identity Center"),
        "{}",
        stderr(&out)
    );
    let named = w.run(&["whoami", "--profile", "default", "--output", "text"]);
    assert!(
        named.status.success(),
        "named, its keys are used: {}",
        stderr(&named)
    );
}

/// What a reviewer met trying each kind of profile: each error names what is wrong and where,
/// with the exit code of its class.
#[test]
fn each_mistake_is_named_for_what_it_is() {
    let w = chain_world(Scenario::default());
    login(&w);
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(
        "
[profile half-keys]
aws_access_key_id = AKIAMOCKSTATICKEY001

[profile unterminated]
credential_process = \"/bin/echo
region = eu-central-1

[profile plain-keys]
aws_access_key_id = AKIAMOCKSTATICKEY001
aws_secret_access_key = mock/static/secret/key/0000000000000000
region = eu-west-3
",
    );
    std::fs::write(&config, text).expect("config");

    // `login` of a profile whose role_arn is not one: that line, not "not IAM Identity Center".
    let out = w.run(&["login", "--profile", "not-an-arn", "--use-device-code"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("role_arn"), "{}", stderr(&out));
    // Half a pair of keys: the missing key.
    let out = w.run(&["whoami", "--profile", "half-keys"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("aws_secret_access_key"),
        "{}",
        stderr(&out)
    );
    let listed = w.run(&["profiles", "--output", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let half = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "half-keys")
        .expect("listed");
    assert_eq!(half["kind"], "invalid", "{half}");
    // A command line that cannot be split: a config error naming the line.
    let out = w.run(&["credential-process", "--profile", "unterminated"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("config line"), "{}", stderr(&out));
    // A profile's own keys that STS refuses: the profile named, exit 8.
    let out = w.run(&["whoami", "--profile", "bad-keys"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("STS refused the credentials of profile 'bad-keys'"),
        "{}",
        stderr(&out)
    );
    // --via-portal of keys says where they come from, with no role that is not there.
    let out = w.run(&[
        "console",
        "--profile",
        "plain-keys",
        "--via-portal",
        "--print",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("gets its credentials from plain-keys -> static keys"),
        "{}",
        stderr(&out)
    );
    // The prompt shows the region of a profile of keys.
    let out = w
        .cmd(&["prompt", "--format", "{region} {state} [{login}]"])
        .env("AWS_PROFILE", "plain-keys")
        .output()
        .expect("prompt");
    assert_eq!(stdout(&out).trim(), "eu-west-3 not-sso []");
    // Inside `exec` of such a profile, the exported keys' expiry is what runs out.
    let out = w
        .cmd(&["prompt", "--format", "{state}"])
        .env("AWS_SSO_RS_PROFILE", "via-static")
        .env("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z")
        .output()
        .expect("prompt");
    assert_eq!(stdout(&out).trim(), "expired");
}

/// A profile written by `aws login` (`login_session`, AWS CLI 2.32): listed as what it is, and
/// every command says what it is and what to run instead of "not IAM Identity Center".
#[test]
fn a_profile_of_aws_login_is_named_for_what_it_is() {
    let w = chain_world(Scenario::default());
    let config = w.path().join(".aws/config");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str("\n[profile console-user]\nlogin_session = arn:aws:iam::123456789011:user/alice\nregion = us-east-1\n");
    std::fs::write(&config, text).expect("config");
    let listed = w.run(&["profiles", "--output", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let row = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["name"] == "console-user")
        .expect("listed");
    assert_eq!(row["kind"], "login-session", "{row}");
    for args in [
        &["whoami", "--profile", "console-user"][..],
        &["login", "--profile", "console-user", "--use-device-code"][..],
        &["credential-process", "--profile", "console-user"][..],
    ] {
        let out = w.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("signs in with `aws login`")
                && stderr(&out).contains("aws login --profile console-user"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // The prompt shows it as a profile aws-sso-rs does not sign in, not as one written wrong
    // (which aws-sso-use would refuse).
    let out = w
        .cmd(&["prompt", "--format", "{profile} {state}"])
        .env("AWS_PROFILE", "console-user")
        .output()
        .expect("runs");
    assert_eq!(
        stdout(&out).trim(),
        "console-user not-sso",
        "{}",
        stderr(&out)
    );
}
