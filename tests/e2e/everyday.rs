//! Everyday use against the mock: `list`, `configure populate`, `console`, `prompt`, the
//! credentials-file export.

use aws_sso_mock::{Account, Scenario};

use crate::{World, stderr, stdout, world};

/// `n` accounts with `roles` roles each, named `team-NN`.
pub fn organisation(n: usize, roles: &[&str]) -> Scenario {
    Scenario {
        accounts: (0..n)
            .map(|i| Account {
                id: format!("{:012}", 400_000_000_000u64 + i as u64),
                name: format!("team {i:02}"),
                email: format!("team-{i:02}@example.com"),
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            })
            .collect(),
        ..Scenario::default()
    }
}

/// A world signed in to `my-sso` through the device flow.
pub fn signed_in(scenario: Scenario) -> World {
    let w = world(scenario);
    let out = w.run(&["login", "--sso-session", "my-sso", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    w
}

#[test]
fn list_shows_fifty_accounts_and_their_roles_and_caches_them() {
    let w = signed_in(organisation(50, &["ReadOnly", "Admin"]));
    let out = w.run(&["list", "--sso-session", "my-sso", "--output", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let listed = listed.as_array().expect("an array");
    assert_eq!(listed.len(), 50);
    assert_eq!(listed[0]["accountId"], "400000000000");
    assert_eq!(listed[0]["accountName"], "team 00");
    assert_eq!(listed[0]["emailAddress"], "team-00@example.com");
    assert_eq!(listed[0]["roles"], serde_json::json!(["Admin", "ReadOnly"]));
    let calls = w.mock.count("ListAccountRoles");
    assert_eq!(calls, 50, "one call per account");

    // The table, from the cache: no call.
    let out = w.run(&["list", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert_eq!(table.lines().count(), 51, "{table}");
    assert!(
        table
            .lines()
            .next()
            .is_some_and(|h| h.starts_with("ACCOUNT"))
    );
    assert!(
        table.contains("400000000049  team 49  team-49@example.com  Admin,ReadOnly"),
        "{table}"
    );
    assert_eq!(
        w.mock.count("ListAccountRoles"),
        calls,
        "served from the cache"
    );

    // The cache is aws-sso-rs's own file, private.
    let dir = w.path().join(".cache/aws-sso-rs");
    let files: Vec<_> = std::fs::read_dir(&dir).expect("the cache folder").collect();
    assert_eq!(files.len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = files[0].as_ref().expect("entry").path();
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }

    // --refresh calls again; roles of one account name the profiles using them.
    let out = w.run(&[
        "list",
        "roles",
        "--sso-session",
        "my-sso",
        "--refresh",
        "--account",
        "400000000007",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(w.mock.count("ListAccountRoles"), 2 * calls);
    assert_eq!(
        stdout(&out),
        "ACCOUNT       NAME     ROLE      PROFILES\n400000000007  team 07  Admin     -\n400000000007  team 07  ReadOnly  -\n"
    );

    // An account that is not there is named, with what to do.
    let out = w.run(&[
        "list",
        "--sso-session",
        "my-sso",
        "--account",
        "999999999999",
    ]);
    assert_eq!(out.status.code(), Some(8), "no access: {}", stderr(&out));
    assert!(
        stderr(&out).contains("no access to account 999999999999"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_without_a_sign_in_says_which_command_signs_in() {
    let w = world(Scenario::default());
    let out = w.run(&["list", "--profile", "dev-account-ro"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(none is cached); run: aws-sso-rs login --profile dev-account-ro"),
        "{}",
        stderr(&out)
    );
}

/// The profile names of the config file, in order.
fn profile_headers(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| {
            l.strip_prefix("[profile ")
                .and_then(|l| l.strip_suffix(']'))
        })
        .collect()
}

#[test]
fn populate_writes_a_profile_per_role_keeps_the_users_file_and_prunes_only_what_is_gone() {
    let w = signed_in(organisation(50, &["ReadOnly", "Admin"]));
    let config = w.path().join(".aws/config");
    let users = std::fs::read_to_string(&config).expect("config");
    let mode = |p: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    };
    let users_mode = mode(&config);

    // A dry run prints the diff and writes nothing.
    let out = w.run(&[
        "configure",
        "populate",
        "--sso-session",
        "my-sso",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let diff = stdout(&out);
    assert_eq!(
        diff.lines().filter(|l| l.starts_with("+[profile ")).count(),
        100,
        "{diff}"
    );
    assert!(
        !diff.contains("\n-"),
        "nothing of the user's file is removed:\n{diff}"
    );
    assert!(
        stderr(&out).contains("100 roles in 50 accounts")
            && stderr(&out).contains("would add 100 profiles"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&config).expect("config"), users);

    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("100 roles in 50 accounts of sso-session 'my-sso'")
            && stderr(&out).contains("): added 100 profiles; 0 unchanged."),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(&config).expect("config");
    assert!(
        written.starts_with(&users),
        "every line of the user's file, in order"
    );
    let names = profile_headers(&written);
    assert_eq!(names.len(), 3 + 100);
    assert!(names.contains(&"team-07.ReadOnly"), "{names:?}");
    assert!(names.contains(&"team-49.Admin"), "{names:?}");
    insta::assert_snapshot!(
        "populated_section",
        written
            .split("\n\n")
            .find(|s| s.starts_with("[profile team-07.Admin]"))
            .expect("the section")
    );
    assert_eq!(mode(&config), users_mode, "the file keeps its mode");

    // Nothing changed: nothing written.
    let before = std::fs::metadata(&config)
        .expect("meta")
        .modified()
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Nothing to change"),
        "{}",
        stderr(&out)
    );
    let after = std::fs::metadata(&config)
        .expect("meta")
        .modified()
        .expect("mtime");
    assert_eq!(before, after, "a second run writes nothing");
    // Another template names new profiles only, and says so.
    let out = w.run(&[
        "configure",
        "populate",
        "--sso-session",
        "my-sso",
        "--template",
        "{account_id}-{role_name}",
        "--dry-run",
    ]);
    assert!(
        stderr(&out).contains("100 generated profiles keep the names they were written with")
            && stderr(&out).contains("--template names new profiles only"),
        "{}",
        stderr(&out)
    );

    // The organisation shrinks: without --prune the gone ones are named and kept; with it,
    // exactly they go.
    w.mock.update_scenario(|s| {
        s.accounts.truncate(45);
        s.accounts[0].roles.retain(|r| r == "Admin");
    });
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("11 generated profiles name an account or role you no longer have"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&config).expect("config"), written);
    let out = w.run(&[
        "configure",
        "populate",
        "--sso-session",
        "my-sso",
        "--prune",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pruned = std::fs::read_to_string(&config).expect("config");
    assert!(pruned.starts_with(&users));
    let left = profile_headers(&pruned);
    let gone: Vec<&&str> = names.iter().filter(|n| !left.contains(n)).collect();
    let mut expected = vec!["team-00.ReadOnly".to_owned()];
    for i in 45..50 {
        expected.push(format!("team-{i}.ReadOnly"));
        expected.push(format!("team-{i}.Admin"));
    }
    let mut gone: Vec<String> = gone.into_iter().map(|n| (*n).to_owned()).collect();
    gone.sort();
    expected.sort();
    assert_eq!(gone, expected);
}

#[test]
fn populate_reports_roles_the_users_own_profiles_cover_instead_of_generating_twins() {
    // The README's config: dev-account-ro and dev-account-admin sign in to both roles of
    // dev-account through my-sso.
    let w = example_signed_in();
    let config = w.path().join(".aws/config");
    let users = std::fs::read_to_string(&config).expect("config");
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "2 roles are already covered by your own profiles (dev-account-admin, dev-account-ro): not generated again; --include-covered generates them too."
        ),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(&config).expect("config");
    assert!(written.starts_with(&users), "the user's file is kept");
    assert_eq!(
        profile_headers(&written[users.len()..]),
        ["prod-account.ReadOnly"],
        "only the role no profile covers"
    );

    // --prune never touches the user's profiles.
    let out = w.run(&[
        "configure",
        "populate",
        "--sso-session",
        "my-sso",
        "--prune",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&config).expect("config"), written);

    // Twins for those who want them.
    let out = w.run(&[
        "configure",
        "populate",
        "--sso-session",
        "my-sso",
        "--include-covered",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let twins = std::fs::read_to_string(&config).expect("config");
    let mut added = profile_headers(&twins[written.len()..]);
    added.sort_unstable();
    assert_eq!(added, ["dev-account.Administrator", "dev-account.ReadOnly"]);
}

#[test]
fn botocore_resolves_credentials_for_generated_profiles() {
    aws_sso_e2e::require_botocore!();
    let w = signed_in(organisation(3, &["ReadOnly"]));
    let out = w.run(&["configure", "populate", "--sso-session", "my-sso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = w.mock.count("GetRoleCredentials");
    let got = w.botocore(&["load-credentials", "team-02.ReadOnly"]);
    assert!(
        got["access_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("ASIA")),
        "{got}"
    );
    assert_eq!(got["method"], "sso");
    assert_eq!(w.mock.count("GetRoleCredentials"), before + 1);
}

/// Signed in with the example config, whose profiles name the default scenario's roles.
fn example_signed_in() -> World {
    signed_in(Scenario::default())
}

#[test]
fn console_print_gives_a_federation_url_that_lands_on_the_role() {
    let w = example_signed_in();
    let out = w.run(&[
        "console",
        "--profile",
        "dev-account-ro",
        "--service",
        "s3",
        "--print",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let url = stdout(&out).trim().to_owned();
    let signin = w
        .mock
        .env()
        .into_iter()
        .find(|(k, _)| k == "AWS_ENDPOINT_URL_SIGNIN")
        .map(|(_, v)| v)
        .expect("the mock sets AWS_ENDPOINT_URL_SIGNIN");
    assert!(url.starts_with(&format!("{signin}/federation?Action=login&Issuer=https%3A%2F%2Fd-XXXXXXXXX.awsapps.com%2Fstart&Destination=https%3A%2F%2Fap-northeast-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Dap-northeast-1&SigninToken=")), "{url}");
    let page = crate::follow(&url);
    assert!(
        page.contains("<b id=\"account\">123456789011</b>"),
        "{page}"
    );
    assert!(page.contains("<b id=\"role\">ReadOnly</b>"), "{page}");
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);
}

#[test]
fn console_via_portal_sends_no_credential_and_opens_the_portal_link() {
    let w = world(Scenario::default());
    // No sign-in is needed: the browser signs in through the portal.
    let out = w.run(&["console", "--profile", "dev-account-admin", "--via-portal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        w.opened(1),
        [
            "https://d-XXXXXXXXX.awsapps.com/start/#/console?account_id=123456789011&role_name=Administrator"
        ]
    );
    let out = w.run(&[
        "console",
        "--profile",
        "dev-account-admin",
        "--via-portal",
        "--print",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(
        stdout(&out).trim(),
        "https://d-XXXXXXXXX.awsapps.com/start/#/console?account_id=123456789011&role_name=Administrator&destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1"
    );
    assert_eq!(
        w.mock.count("GetRoleCredentials"),
        0,
        "no credential fetched"
    );
}

/// A folder holding a stand-in `xdg-open` that records each address it is given, put first on
/// PATH: the system opener that `console` would start.
#[cfg(all(unix, not(target_os = "macos")))]
fn recording_opener(w: &World) -> (std::ffi::OsString, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let bin = w.path().join("opener-bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let log = w.path().join("xdg-opened");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", log.display()),
    )
    .expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    (path, log)
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn console_without_a_display_prints_the_address_and_says_why_instead_of_claiming_success() {
    let w = example_signed_in();
    let (path, opened) = recording_opener(&w);
    let out = w
        .cmd(&["console", "--profile", "dev-account-ro"])
        .env_remove("BROWSER")
        .env("PATH", &path)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("No browser could be opened")
            && err.contains("No browser could be opened: DISPLAY and WAYLAND_DISPLAY are unset")
            && !err.contains("Opened"),
        "{err}"
    );
    let url = stdout(&out);
    assert!(
        url.trim().contains("/federation?Action=login&") && url.contains("SigninToken="),
        "the address to open: {url}"
    );
    assert!(
        !opened.exists(),
        "no opener was started (it would start a text browser with no terminal)"
    );

    // With a display, the system's opener is asked.
    let out = w
        .cmd(&["console", "--profile", "dev-account-ro", "--via-portal"])
        .env_remove("BROWSER")
        .env("PATH", &path)
        .env("DISPLAY", ":0")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Opened"), "{}", stderr(&out));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !opened.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(&opened).expect("the opener ran");
    assert!(log.contains("/#/console?account_id=123456789011"), "{log}");
}

#[test]
fn console_refused_by_the_signin_endpoint_says_what_to_do() {
    let w = example_signed_in();
    let out = w
        .cmd(&["console", "--profile", "dev-account-ro", "--print"])
        .env("AWS_ENDPOINT_URL_SIGNIN", "http://127.0.0.1:9")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("http://127.0.0.1:9/federation"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--via-portal"), "{}", stderr(&out));
}

#[test]
fn export_to_the_credentials_file_keeps_the_users_sections_and_logout_removes_it() {
    let w = example_signed_in();
    let file = w.path().join(".aws/credentials");
    let users = "# keys for the build box\n[build]\naws_access_key_id = AKIAEXAMPLEUSER\naws_secret_access_key = mine   ; do not touch\n\n[other]\nregion = eu-west-1\n";
    std::fs::write(&file, users).expect("write");
    // A file others may read: kept 0600 once it holds keys, and said.
    #[cfg(unix)]
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let out = w.run(&[
        "export",
        "--profile",
        "dev-account-ro",
        "--format",
        "ini",
        "--to-credentials-file",
        "--as",
        "ro",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "no secret on stdout");
    assert!(stderr(&out).contains("Wrote [ro] in"), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert!(
            stderr(&out).contains("let other users read or write it (mode 0644)"),
            "{}",
            stderr(&out)
        );
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let written = std::fs::read_to_string(&file).expect("read");
    assert!(written.starts_with(users), "{written}");
    let section = &written[users.len()..];
    assert!(
        section.starts_with(
            "\n[ro]\n# generated by aws-sso-rs export (profile dev-account-ro); expires 20"
        ),
        "{section}"
    );
    assert!(section.contains("aws_access_key_id = ASIA"), "{section}");

    // Again: the keys are still current, so nothing is rewritten.
    let ro = [
        "export",
        "--profile",
        "dev-account-ro",
        "--format",
        "ini",
        "--to-credentials-file",
        "--as",
        "ro",
    ];
    let out = w.run(&ro);
    assert!(
        stderr(&out).contains("already holds the current role credentials"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), written);
    // Near their end, new ones replace them in place: the section is not repeated.
    let cache = w.cache();
    let role_file = std::fs::read_dir(cache.cli_dir())
        .expect("role cache")
        .next()
        .expect("a file")
        .expect("entry")
        .path();
    let text = std::fs::read_to_string(&role_file).expect("read");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::minutes(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format");
    let old = doc["Credentials"]["Expiration"]
        .as_str()
        .expect("expiration");
    std::fs::write(&role_file, text.replace(old, &soon)).expect("write");
    let out = w.run(&ro);
    assert!(stderr(&out).contains("Renewed [ro]"), "{}", stderr(&out));
    let renewed = std::fs::read_to_string(&file).expect("read");
    assert_eq!(renewed.matches("[ro]").count(), 1);
    assert_ne!(renewed, written, "new keys");
    assert!(renewed.starts_with(users));
    let out = w.run(&[
        "export",
        "--profile",
        "dev-account-ro",
        "--format",
        "ini",
        "--to-credentials-file",
        "--as",
        "build",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did not write it"),
        "{}",
        stderr(&out)
    );

    let out = w.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Removed the exported credentials [ro]"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), users);
}

#[test]
fn botocore_reads_the_exported_credentials_section() {
    aws_sso_e2e::require_botocore!();
    let w = example_signed_in();
    let out = w.run(&[
        "export",
        "--profile",
        "dev-account-ro",
        "--format",
        "ini",
        "--to-credentials-file",
        "--as",
        "ro",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let exported = std::fs::read_to_string(w.path().join(".aws/credentials")).expect("read");
    let got = w.botocore(&["load-credentials", "ro"]);
    assert_eq!(got["method"], "shared-credentials-file", "{got}");
    let key = got["access_key"].as_str().expect("a key");
    assert!(
        exported.contains(&format!("aws_access_key_id = {key}")),
        "{got}"
    );
}

#[test]
fn prompt_shows_the_active_profile_and_its_time_without_the_network() {
    let w = world(Scenario::default());
    let prompt = |vars: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["prompt"];
        all.extend_from_slice(args);
        let mut cmd = w.cmd(&all);
        cmd.env_remove("AWS_PROFILE");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd
            .stdin(std::process::Stdio::null())
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "a prompt never prints errors");
        stdout(&out)
    };
    let ro = [("AWS_PROFILE", "dev-account-ro")];
    assert_eq!(prompt(&[], &[]), "", "no profile, nothing");
    assert_eq!(prompt(&ro, &[]), "dev-account-ro signed-out\n");
    assert_eq!(
        prompt(&[("AWS_PROFILE", "default")], &[]),
        "default\n",
        "not an SSO profile"
    );
    assert_eq!(
        prompt(&[("AWS_PROFILE", "nope")], &[]),
        "nope no-such-profile\n",
        "not in the config, and marked so"
    );

    let out = w.run(&["login", "--profile", "dev-account-ro", "--use-device-code"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let calls = w.mock.counters();
    let line = prompt(&ro, &[]);
    assert!(
        line.starts_with("dev-account-ro 7h5") && line.ends_with("m\n"),
        "{line}"
    );
    assert_eq!(
        prompt(&ro, &["--format", "[{account}/{role} {refreshable}]"]),
        "[123456789011/ReadOnly yes]\n"
    );
    assert_eq!(
        w.mock.counters(),
        calls,
        "the prompt never calls the network"
    );

    // Inside `exec`, the exported keys' lifetime counts.
    let out = w
        .cmd(&[
            "exec",
            "--profile",
            "dev-account-ro",
            "--",
            env!("CARGO_BIN_EXE_aws-sso-rs"),
            "prompt",
        ])
        .env_remove("AWS_PROFILE")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "dev-account-ro 59m\n");

    // Expired and not renewable.
    w.edit_token("my-sso", |t| {
        t.expires_at = time::OffsetDateTime::now_utc() - time::Duration::minutes(5);
        t.refresh_token = None;
    });
    assert_eq!(prompt(&ro, &[]), "dev-account-ro expired\n");
}

const START_URL: &str = "https://d-XXXXXXXXX.awsapps.com/start";

#[test]
fn configure_sso_by_flags_writes_a_working_profile_and_keeps_the_file() {
    let w = world(organisation(3, &["ReadOnly", "Admin"]));
    let config = w.path().join(".aws/config");
    let users = std::fs::read_to_string(&config).expect("config");
    let out = w.run(&[
        "configure",
        "sso",
        "--session-name",
        "corp",
        "--start-url",
        START_URL,
        "--region",
        "ap-northeast-1",
        "--account-id",
        "400000000001",
        "--role-name",
        "Admin",
        "--profile-name",
        "team1-admin",
        "--yes",
        "--use-device-code",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "Wrote profile 'team1-admin' (Admin in 400000000001) and added [sso-session corp]"
        ),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(&config).expect("config");
    assert!(written.starts_with(&users), "{written}");
    insta::assert_snapshot!("configure_sso_sections", &written[users.len()..]);
    let out = w.run(&["whoami", "--profile", "team1-admin", "--output", "text"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "400000000001\tarn:aws:sts::400000000001:assumed-role/AWSReservedSSO_Admin_"
        ),
        "{}",
        stdout(&out)
    );

    // Without a terminal, a missing answer is named by its flag.
    let out = w.run(&[
        "configure",
        "sso",
        "--session-name",
        "corp",
        "--use-device-code",
        "--profile-name",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 AWS accounts are available to you; pass --account-id, one of: ")
            && stderr(&out).contains("400000000000 (team 00)"),
        "{}",
        stderr(&out)
    );
    // An existing profile is not overwritten without --yes.
    let out = w.run(&[
        "configure",
        "sso",
        "--session-name",
        "corp",
        "--account-id",
        "400000000002",
        "--role-name",
        "ReadOnly",
        "--profile-name",
        "team1-admin",
        "--use-device-code",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("profile 'team1-admin' already exists"),
        "{}",
        stderr(&out)
    );
}

/// `console --browser-profile`: consoles of several accounts side by side, each in its own
/// browser profile: a Chromium-family browser (told by BROWSER's program name or --browser)
/// gets `--profile-directory=NAME`, Firefox the Multi-Account Containers extension's link.
#[test]
fn the_console_opens_in_a_named_browser_profile() {
    let w = example_signed_in();
    let bin = w.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    // Fake browsers that record their arguments, one per line.
    for name in ["google-chrome", "firefox"] {
        let script = bin.join(name);
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > \"{}/{name}.args\"\n",
                w.path().display()
            ),
        )
        .expect("script");
        #[cfg(unix)]
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    let args = |name: &str| {
        let file = w.path().join(format!("{name}.args"));
        for _ in 0..100 {
            if let Ok(text) = std::fs::read_to_string(&file)
                && !text.is_empty()
            {
                return text;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("{name} was not started");
    };
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // BROWSER names a Chromium-family browser: its profile directory.
    let out = w
        .cmd(&[
            "console",
            "--profile",
            "dev-account-ro",
            "--browser-profile",
            "Work",
        ])
        .env("BROWSER", bin.join("google-chrome"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("in browser profile 'Work'"),
        "{}",
        stderr(&out)
    );
    let chrome = args("google-chrome");
    let lines: Vec<&str> = chrome.lines().collect();
    assert_eq!(lines[0], "--profile-directory=Work", "{chrome}");
    assert!(lines[1].contains("/federation?Action=login"), "{chrome}");
    // --browser firefox (found on PATH): the container extension's link, the URL encoded.
    let out = w
        .cmd(&[
            "console",
            "--profile",
            "dev-account-ro",
            "--browser-profile",
            "Prod admin",
            "--browser",
            "firefox",
        ])
        .env("PATH", &path)
        .env("DISPLAY", ":0")
        .env_remove("BROWSER")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let firefox = args("firefox");
    assert!(
        firefox.starts_with("ext+container:name=Prod%20admin&url=http"),
        "{firefox}"
    );
    assert!(
        firefox.contains("%2Ffederation%3FAction%3Dlogin"),
        "{firefox}"
    );
    // No browser opened: over SSH with no display, or --browser names one not installed. The
    // address is printed, with why; nothing claims to have opened it.
    for (vars, why) in [
        (
            vec![("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")],
            "No browser could be opened: this is an SSH session with no display",
        ),
        (
            vec![("DISPLAY", ":0")],
            "No browser could be opened: brave-browser is not installed (not on PATH): install it, or pass another --browser",
        ),
    ] {
        let out = w
            .cmd(&[
                "console",
                "--profile",
                "dev-account-ro",
                "--browser-profile",
                "Work",
                "--browser",
                "brave",
            ])
            .env("PATH", &path)
            .env_remove("BROWSER")
            .envs(vars)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
        assert!(!stderr(&out).contains("Opened"), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("/federation?Action=login"),
            "the address: {}",
            stdout(&out)
        );
    }
    // A BROWSER that is neither: say what to pass.
    let out = w
        .cmd(&[
            "console",
            "--profile",
            "dev-account-ro",
            "--browser-profile",
            "Work",
        ])
        .env("BROWSER", "lynx")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("pass --browser chrome|chromium|brave|edge|firefox"),
        "{}",
        stderr(&out)
    );
}
