//! `storage = "keyring"`: every secret of the caches in the OS keyring (a real Secret Service
//! here: a D-Bus session bus of its own and gnome-keyring-daemon), nothing secret under the
//! home folder, every command working as with files.

use std::process::Stdio;

use aws_sso_e2e::keyring::{SecretService, available, files_holding};

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn a_keyring_nobody_unlocked_is_an_error_and_nothing_falls_back_to_a_file() {
    assert!(
        available(),
        "dbus-daemon, gnome-keyring-daemon and secret-tool are installed"
    );
    let keyring = SecretService::start_locked();
    let w = world(Scenario::default());
    let settings = w.path().join(".config/aws-sso-rs");
    std::fs::create_dir_all(&settings).expect("mkdir");
    std::fs::write(settings.join("config.toml"), "storage = \"keyring\"\n").expect("settings");
    let started = std::time::Instant::now();
    let out = run(
        &w,
        &keyring,
        &["login", "--profile", "dev-account-ro", "--use-device-code"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "no wait for a prompt nobody can answer"
    );
    assert!(
        stderr(&out).contains("in the Secret Service (D-Bus): ")
            && stderr(&out).contains("start and unlock the keyring of this session"),
        "{}",
        stderr(&out)
    );
    let files: Vec<_> = std::fs::read_dir(w.path().join(".aws/sso/cache"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(files.is_empty(), "no plaintext fallback: {files:?}");
}
use aws_sso_mock::Scenario;

use crate::{World, stderr, stdout, world};

/// Runs `args` on the keyring's bus.
fn run(w: &World, keyring: &SecretService, args: &[&str]) -> std::process::Output {
    w.cmd(args)
        .envs(keyring.env())
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// A world whose settings keep secrets in the keyring, and the keyring (a real Secret
/// Service on a bus of its own).
fn keyring_world() -> (World, SecretService) {
    assert!(
        available(),
        "dbus-daemon, gnome-keyring-daemon and secret-tool are installed"
    );
    let keyring = SecretService::start();
    let w = world(Scenario::default());
    let settings = w.path().join(".config/aws-sso-rs");
    std::fs::create_dir_all(&settings).expect("mkdir");
    std::fs::write(
        settings.join("config.toml"),
        "# secrets in the OS keyring\nstorage = \"keyring\"\n",
    )
    .expect("settings");
    (w, keyring)
}

/// Signs in to profile `dev-account-ro` with the device code (the mock approves it).
fn login(w: &World, keyring: &SecretService) {
    let out = run(
        w,
        keyring,
        &["login", "--profile", "dev-account-ro", "--use-device-code"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Makes the keyring's token of `my-sso` expire `from_now` from now: moved to its file,
/// edited there, and moved back (a keyring item cannot be edited in place from a test).
fn token_expires_in(w: &World, keyring: &SecretService, from_now: time::Duration) {
    for to in ["file", "keyring"] {
        if to == "keyring" {
            w.edit_token("my-sso", |t| {
                t.expires_at = time::OffsetDateTime::now_utc() + from_now;
            });
        }
        let out = run(w, keyring, &["storage", "migrate", "--to", to]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(!w.token_file("my-sso").exists(), "back in the keyring");
}

/// The item names the keyring index lists.
fn index(w: &World) -> Vec<String> {
    let text = std::fs::read_to_string(
        w.path()
            .join(".aws/sso/aws-sso-rs-locks/keyring-index.json"),
    )
    .unwrap_or_else(|_| "[]".to_owned());
    serde_json::from_str(&text).expect("a list")
}

/// The secrets an item's JSON holds.
fn secrets_of(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let mut found = Vec::new();
    for key in ["accessToken", "refreshToken", "clientSecret"] {
        if let Some(v) = value[key].as_str() {
            found.push(v.to_owned());
        }
    }
    for key in [
        "secretAccessKey",
        "sessionToken",
        "SecretAccessKey",
        "SessionToken",
    ] {
        for holder in [&value["roleCredentials"], &value["Credentials"], &value] {
            if let Some(v) = holder[key].as_str() {
                found.push(v.to_owned());
            }
        }
    }
    found
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn with_keyring_storage_every_command_works_and_no_secret_is_under_home() {
    let (w, keyring) = keyring_world();
    login(&w, &keyring);
    let names = index(&w);
    let token_file = w.token_file("my-sso");
    let token_name = format!(
        "sso-cache/{}",
        token_file.file_name().expect("name").to_string_lossy()
    );
    assert!(names.contains(&token_name), "{names:?}");
    assert!(!token_file.exists(), "no token file under the home folder");
    // A token with its refresh token and client secret is longer than an item of the
    // Windows Credential Manager takes (2,560 bytes): it is kept in parts there as here.
    let head = keyring
        .item(&token_name)
        .expect("the token is in the keyring");
    let (count, slot) = SecretService::parts(&head).expect("the token item stands for parts");
    for i in 1..=count {
        let part = keyring
            .item(&format!("{token_name}.part-{slot}-{i}"))
            .expect("each part is there");
        assert!(part.len() <= 2_560, "part {i} holds {} bytes", part.len());
    }
    let token = keyring.entry(&token_name).expect("the parts join");
    let mut secrets = secrets_of(&token);
    for name in names.iter().filter(|n| **n != token_name) {
        secrets.extend(secrets_of(
            &keyring.entry(name).expect("each listed item is there"),
        ));
    }
    assert!(
        secrets.len() >= 3,
        "a token, a refresh token, a client secret: {}",
        secrets.len()
    );
    let nothing_under_home = |secrets: &[String], after: &str| {
        for secret in secrets {
            let found = files_holding(w.path(), secret);
            assert!(found.is_empty(), "after {after}, a secret is in {found:?}");
        }
    };
    nothing_under_home(&secrets, "login");

    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    secrets.push(doc["SecretAccessKey"].as_str().expect("key").to_owned());
    secrets.push(doc["SessionToken"].as_str().expect("token").to_owned());
    assert!(
        index(&w).iter().any(|n| n.starts_with("cli-cache/")),
        "the role credentials are an item too"
    );
    nothing_under_home(&secrets, "credential-process");
    // A second call is answered from the keyring: no new request.
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(w.mock.count("GetRoleCredentials"), 1);

    for args in [
        &[
            "exec",
            "--profile",
            "dev-account-ro",
            "--",
            "sh",
            "-c",
            "test -n \"$AWS_SESSION_TOKEN\"",
        ][..],
        &["export", "--profile", "dev-account-ro"][..],
        &["whoami", "--profile", "dev-account-ro"][..],
        &["console", "--profile", "dev-account-ro", "--print"][..],
        &["status"][..],
    ] {
        let out = run(&w, &keyring, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        // After each command, no secret is in any file under the home folder.
        nothing_under_home(&secrets, &format!("{args:?}"));
    }
    // status and doctor say where the secrets are.
    let out = run(&w, &keyring, &["status"]);
    assert!(
        stdout(&out).contains(
            "Secrets are kept in the OS keyring, the Secret Service (D-Bus), service aws-sso-rs"
        ),
        "{}",
        stdout(&out)
    );
    let out = run(&w, &keyring, &["doctor", "--offline", "--output", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let storage = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["subject"] == "storage")
        .expect("a storage check")
        .clone();
    assert_eq!(storage["status"], "pass", "{storage}");

    // A keyring that does not answer is said, not taken for an empty cache.
    let out = w
        .cmd(&["logout"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", w.path().join("no-bus").display()),
        )
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    // A token exported for a tool that reads the file goes with logout too.
    let out = run(
        &w,
        &keyring,
        &["token", "export", "--sso-session", "my-sso"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let exported = std::fs::read_to_string(&token_file).expect("the exported file");
    assert!(
        exported.contains("accessToken")
            && !exported.contains("refreshToken")
            && !exported.contains("clientSecret"),
        "the access token only, never what renews it"
    );

    // logout removes the items, and the index says so.
    let out = run(&w, &keyring, &["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(keyring.item(&token_name), None, "the token item is gone");
    assert_eq!(
        keyring.all_items(),
        index(&w),
        "no part outlives its entry, and the index lists every item left"
    );
    // What is left is the client registration, which logout leaves as the AWS CLI does (it
    // is no sign-in): no token, no role credentials.
    for name in index(&w) {
        let item = keyring.entry(&name).expect("listed items are there");
        assert!(
            name.starts_with("sso-cache/")
                && item.contains("clientId")
                && !item.contains("accessToken"),
            "{name} is left"
        );
    }
    assert!(!token_file.exists(), "the exported copy is gone");
    assert!(
        stdout(&out).contains(&format!("and its exported copy {}", token_file.display()))
            && stdout(&out).contains("cached role credential from the Secret Service (D-Bus)"),
        "logout says what it removed: {}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("in the Secret Service (D-Bus)"),
        "logout names the item it removed: {}",
        stdout(&out)
    );
    for secret in &secrets[..1] {
        let found = files_holding(w.path(), secret);
        assert!(found.is_empty(), "the token is in {found:?}");
    }
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert_eq!(out.status.code(), Some(7), "signed out: {}", stderr(&out));
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn a_keyring_locked_after_sign_in_is_said_and_nothing_is_asked_of_the_service() {
    let (w, keyring) = keyring_world();
    login(&w, &keyring);
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &w,
        &keyring,
        &["token", "export", "--sso-session", "my-sso"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    keyring.lock();
    let calls = |w: &World| {
        [
            "RegisterClient",
            "StartDeviceAuthorization",
            "CreateToken",
            "GetRoleCredentials",
        ]
        .map(|api| w.mock.count(api))
    };
    let before = calls(&w);

    // The credentials are in the keyring: a command that needs them says it is locked.
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it is locked and nobody unlocked it")
            && stderr(&out).contains("its prompt for the password was dismissed")
            && !stderr(&out).contains("SS error")
            && stderr(&out).contains("start and unlock the keyring of this session"),
        "said in words, not the library's code: {}",
        stderr(&out)
    );
    // A sign-in says so before it asks anyone anything, even when forced.
    let out = run(
        &w,
        &keyring,
        &[
            "login",
            "--profile",
            "dev-account-ro",
            "--use-device-code",
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("it is locked"), "{}", stderr(&out));
    assert_eq!(calls(&w), before, "no call to the service");

    // status and profiles show the sign-in as unreadable, not as signed out or damaged,
    // and say why once.
    for args in [&["status"][..], &["profiles"][..]] {
        let out = run(&w, &keyring, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let row = stdout(&out)
            .lines()
            .find(|l| l.starts_with("my-sso") || l.starts_with("dev-account-ro "))
            .map(str::to_owned)
            .unwrap_or_default();
        assert!(row.contains("unreadable"), "{args:?}: {}", stdout(&out));
        assert_eq!(
            stderr(&out).matches("aws-sso-rs: warning:").count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = run(&w, &keyring, &["status", "--output", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json[0]["state"], "unreadable", "{json}");
    assert_eq!(json[0]["storage"], "keyring", "{json}");
    // doctor fails its storage check (a search of a locked keyring for an absent item
    // answers nothing: the check writes one).
    let out = run(&w, &keyring, &["doctor", "--offline", "--output", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let storage = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["subject"] == "storage")
        .expect("a storage check")
        .clone();
    assert_eq!(storage["status"], "fail", "{storage}");
    // logout cannot reach the keyring's items, but signs out of the plaintext copy and
    // removes it, then says what it could not do.
    let logouts = w.mock.count("Logout");
    let out = run(&w, &keyring, &["logout"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("it is locked"), "{}", stderr(&out));
    assert!(
        !w.token_file("my-sso").exists(),
        "the exported copy is gone"
    );
    assert_eq!(w.mock.count("Logout"), logouts + 1, "its session is ended");
    // Nothing fell back to a file.
    for folder in [".aws/sso/cache", ".aws/cli/cache"] {
        let files: Vec<_> = std::fs::read_dir(w.path().join(folder))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(files.is_empty(), "no plaintext fallback: {files:?}");
    }
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn serve_follows_sign_ins_kept_in_the_keyring() {
    let (w, keyring) = keyring_world();
    let mut serve = w.cmd(&["serve"]);
    serve.envs(keyring.env());
    let served = crate::serve::Served::start_with(serve, &w, &[]);
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(status, 503, "not signed in yet: {body}");
    assert!(
        body.contains("aws-sso-rs login --profile dev-account-ro"),
        "{body}"
    );

    // A sign-in kept in the keyring is noticed without a restart.
    login(&w, &keyring);
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(
        status,
        200,
        "served once signed in: {body}\n{}",
        served.log()
    );
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let secret = answer["SecretAccessKey"]
        .as_str()
        .expect("a key")
        .to_owned();
    assert!(
        files_holding(&w.path().join(".aws"), &secret).is_empty(),
        "the served role's credentials are kept in the keyring, not in a file"
    );
    assert!(
        index(&w).iter().any(|n| n.starts_with("cli-cache/")),
        "{:?}",
        index(&w)
    );

    // logout through the keyring is noticed too: nothing usable is served after it.
    let out = run(&w, &keyring, &["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (status, body) = served.get("dev-account-ro");
    assert_eq!(status, 503, "nothing usable after logout: {body}");
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn twenty_callers_make_one_call_through_the_keyring() {
    let (w, keyring) = keyring_world();
    login(&w, &keyring);
    // The token due for a refresh (5 minutes left): set in its file, then moved back.
    token_expires_in(&w, &keyring, time::Duration::minutes(5));
    let creates = w.mock.count("CreateToken");
    let children: Vec<_> = (0..20)
        .map(|_| {
            w.cmd(&["credential-process", "--profile", "dev-account-ro"])
                .envs(keyring.env())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("ends");
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("AccessKeyId"));
    }
    assert_eq!(
        w.mock.count("CreateToken"),
        creates + 1,
        "one refresh of the token for twenty callers"
    );
    assert_eq!(
        w.mock.count("GetRoleCredentials"),
        1,
        "one fetch for twenty callers"
    );

    // A damaged index of items is said, never taken for an empty keyring (which would leave
    // the items behind a logout), and nothing is removed.
    let index_file = w
        .path()
        .join(".aws/sso/aws-sso-rs-locks/keyring-index.json");
    let kept = std::fs::read(&index_file).expect("the index");
    let items = keyring.all_items();
    std::fs::write(&index_file, "[\"sso-cache/").expect("a cut-off index");
    let out = run(&w, &keyring, &["logout"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is damaged")
            && stderr(&out).contains("secret-tool clear service aws-sso-rs"),
        "{}",
        stderr(&out)
    );
    assert_eq!(keyring.all_items(), items, "every item is still there");
    std::fs::write(&index_file, kept).expect("the index back");

    // A token that lost one of its parts (another program removed it) is damaged: status
    // says how to replace it, and logout removes the rest of it, every part.
    let token_name = format!(
        "sso-cache/{}",
        w.token_file("my-sso")
            .file_name()
            .expect("name")
            .to_string_lossy()
    );
    let head = keyring.item(&token_name).expect("the token");
    let (_, slot) = SecretService::parts(&head).expect("in parts");
    let part = format!("{token_name}.part-{slot}-1");
    let out = keyring.secret_tool(&["clear", "service", "aws-sso-rs", "username", &part], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&w, &keyring, &["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("damaged")
            && stderr(&out).contains("one of the keyring items it is kept in is missing")
            && stderr(&out).contains("aws-sso-rs login --sso-session my-sso"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = run(&w, &keyring, &["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("the cached token was damaged"),
        "{}",
        stdout(&out)
    );
    assert!(
        !keyring
            .all_items()
            .iter()
            .any(|n| n.starts_with(&token_name)),
        "nothing of the token is left: {:?}",
        keyring.all_items()
    );
    assert_eq!(
        keyring.all_items(),
        index(&w),
        "the index names every item left"
    );
}

#[test]
fn with_no_keyring_to_reach_the_error_names_it_and_nothing_falls_back_to_a_file() {
    let w = world(Scenario::default());
    let settings = w.path().join(".config/aws-sso-rs");
    std::fs::create_dir_all(&settings).expect("mkdir");
    std::fs::write(settings.join("config.toml"), "storage = \"keyring\"\n").expect("settings");
    let out = w
        .cmd(&["login", "--profile", "dev-account-ro", "--use-device-code"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", w.path().join("no-bus").display()),
        )
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("in the Secret Service (D-Bus)")
            && err.contains("start and unlock the keyring of this session")
            && err.contains("aws-sso-rs storage migrate --to file once the keyring answers"),
        "{err}"
    );
    // No session bus at all (SSH, a container, sudo): the variable it lacks is named.
    let out = w
        .cmd(&["credential-process", "--profile", "dev-account-ro"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", w.path())
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("DBUS_SESSION_BUS_ADDRESS is not set: this shell has no D-Bus session"),
        "{}",
        stderr(&out)
    );
    // doctor names it too.
    let out = w
        .cmd(&["doctor", "--offline", "--output", "json"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", w.path().join("no-bus").display()),
        )
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let storage = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["subject"] == "storage")
        .expect("a storage check")
        .clone();
    assert_eq!(storage["status"], "fail", "{storage}");
    let cache = w.path().join(".aws/sso/cache");
    let files: Vec<_> = std::fs::read_dir(&cache)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(files.is_empty(), "no plaintext fallback: {files:?}");

    // A settings file that is not valid names its line.
    std::fs::write(
        settings.join("config.toml"),
        "# mine\nstorage = \"vault\"\n",
    )
    .expect("settings");
    let out = w.run(&["status"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("config.toml line 2:"),
        "{}",
        stderr(&out)
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn storage_migrates_both_ways_and_a_token_is_exported_for_a_tool_that_reads_the_file() {
    assert!(
        available(),
        "dbus-daemon, gnome-keyring-daemon and secret-tool are installed"
    );
    let keyring = SecretService::start();
    let w = world(Scenario::default());
    // Signed in with files, as by default.
    login(&w, &keyring);
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json_files = |dir: &str| -> Vec<String> {
        std::fs::read_dir(w.path().join(dir))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".json"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = json_files(".aws/sso/cache").len() + json_files(".aws/cli/cache").len();
    assert!(
        before >= 3,
        "a token, a registration, role credentials: {before}"
    );
    let mut secrets = Vec::new();
    for dir in [".aws/sso/cache", ".aws/cli/cache"] {
        for name in json_files(dir) {
            let text = std::fs::read_to_string(w.path().join(dir).join(name)).expect("read");
            secrets.extend(secrets_of(&text));
        }
    }
    // A file of another tool in the folder is not the cache's: it stays.
    std::fs::write(w.path().join(".aws/sso/cache/other-tool.json"), "{}").expect("write");
    let settings = w.path().join(".config/aws-sso-rs/config.toml");

    let out = run(&w, &keyring, &["storage", "migrate", "--to", "keyring"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("Moved {before} cache entries from files in"))
            && stderr(&out).contains("to the OS keyring"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        json_files(".aws/sso/cache"),
        ["other-tool.json"],
        "no cache file left"
    );
    assert!(json_files(".aws/cli/cache").is_empty(), "no file left");
    for secret in &secrets {
        let found = files_holding(w.path(), secret);
        assert!(found.is_empty(), "a secret is still in {found:?}");
    }
    assert!(
        std::fs::read_to_string(&settings).is_ok_and(|s| s.contains("storage = \"keyring\"")),
        "the setting is written"
    );
    let (tokens, roles) = (
        w.mock.count("CreateToken"),
        w.mock.count("GetRoleCredentials"),
    );
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (
            w.mock.count("CreateToken"),
            w.mock.count("GetRoleCredentials")
        ),
        (tokens, roles),
        "answered from what moved"
    );

    // A tool that reads the token file itself gets it, said to be plaintext.
    let out = run(
        &w,
        &keyring,
        &["token", "export", "--sso-session", "my-sso"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it is in plaintext there now"),
        "{}",
        stderr(&out)
    );
    assert!(w.token_file("my-sso").is_file());
    // Moving the stray file into the keyring in use keeps the keyring's own (whole) token.
    let out = run(&w, &keyring, &["storage", "migrate", "--to", "keyring"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!w.token_file("my-sso").exists(), "the stray copy is gone");
    assert!(
        stderr(&out).contains("Removed 1 cache entry the storage in use held too"),
        "the removal is said: {}",
        stderr(&out)
    );
    let name = format!(
        "sso-cache/{}",
        w.token_file("my-sso")
            .file_name()
            .expect("name")
            .to_string_lossy()
    );
    assert!(
        keyring
            .entry(&name)
            .is_some_and(|t| t.contains("refreshToken")),
        "the keyring's token, with what renews it, is kept"
    );

    // And back.
    let out = run(&w, &keyring, &["storage", "migrate", "--to", "file"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(index(&w).is_empty(), "no item left: {:?}", index(&w));
    assert_eq!(
        keyring.all_items(),
        Vec::<String>::new(),
        "no part of an entry is left in the keyring"
    );
    assert_eq!(
        json_files(".aws/sso/cache").len() + json_files(".aws/cli/cache").len(),
        before + 1,
        "every entry back, and the other tool's file"
    );
    assert!(
        std::fs::read_to_string(&settings).is_ok_and(|s| s.contains("storage = \"file\"")),
        "the setting is written"
    );
    let out = run(
        &w,
        &keyring,
        &["credential-process", "--profile", "dev-account-ro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(w.mock.count("GetRoleCredentials"), roles);
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn other_tools_get_credentials_through_process_profiles_when_secrets_are_in_the_keyring() {
    let (w, keyring) = keyring_world();
    login(&w, &keyring);
    let config = w.path().join(".aws/config");
    let before = std::fs::read_to_string(&config).expect("config");
    let out = run(&w, &keyring, &["configure", "credential-process"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("dev-account-ro-process")
            && stderr(&out).contains("legacy-ro-process"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains(
            "warning: legacy-ro-process has no region, as the profile it stands for has none"
        ),
        "a profile no tool can call a service with is said: {}",
        stderr(&out)
    );
    let after = std::fs::read_to_string(&config).expect("config");
    assert!(after.starts_with(&before), "the file's own lines are kept");
    assert!(
        after.contains("[profile dev-account-ro-process]\n# generated by aws-sso-rs configure credential-process\ncredential_process = aws-sso-rs credential-process --profile dev-account-ro\nregion = ap-northeast-1\n"),
        "{after}"
    );
    let again = run(&w, &keyring, &["configure", "credential-process"]);
    assert!(
        stderr(&again).contains("Already as they should be"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&config).expect("config"), after);

    if aws_sso_e2e::find_python().is_some() {
        // botocore runs aws-sso-rs from PATH, which reads the keyring.
        let bin = std::path::Path::new(env!("CARGO_BIN_EXE_aws-sso-rs"))
            .parent()
            .expect("folder")
            .display()
            .to_string();
        let path = format!("{bin}:{}", std::env::var("PATH").unwrap_or_default());
        let out = w
            .botocore_command(&["load-credentials", "dev-account-ro-process"])
            .env("PATH", path)
            .envs(keyring.env())
            .output()
            .expect("botocore runs");
        assert!(out.status.success(), "{}", stderr(&out));
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(got["method"], "custom-process", "{got}");
        assert!(
            got["access_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("ASIA")),
            "{got}"
        );
    }
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn token_export_writes_a_token_that_lasts_refreshing_an_expired_one_first() {
    let (w, keyring) = keyring_world();
    login(&w, &keyring);
    // The token expired a minute ago (its refresh token still good): set in its file, then
    // moved back into the keyring.
    token_expires_in(&w, &keyring, time::Duration::minutes(-1));
    let creates = w.mock.count("CreateToken");
    let out = run(
        &w,
        &keyring,
        &["token", "export", "--sso-session", "my-sso"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(w.mock.count("CreateToken"), creates + 1, "refreshed first");
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.token_file("my-sso")).expect("file"))
            .expect("JSON");
    let expires = time::OffsetDateTime::parse(
        exported["expiresAt"].as_str().expect("expiresAt"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("a time");
    assert!(
        expires > time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        "a token that lasts, not the expired one: {expires}"
    );
    assert!(
        stderr(&out).contains("run `aws-sso-rs token export` again then"),
        "says that a refresh does not reach the file: {}",
        stderr(&out)
    );
    // The keyring loses its items (cleared, or a new one): logout still ends the sign-in the
    // exported copy holds, and removes it.
    let out = keyring.secret_tool(&["clear", "service", "aws-sso-rs"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(keyring.all_items(), Vec::<String>::new());
    for command in ["status", "profiles"] {
        let out = run(&w, &keyring, &[command]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("of the sign-in cache that aws-sso-rs stored in the Secret Service (D-Bus) are no longer there"),
            "{command} says the lost items: {}",
            stderr(&out)
        );
    }
    let logouts = w.mock.count("Logout");
    let out = run(&w, &keyring, &["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !w.token_file("my-sso").exists(),
        "no plaintext token is left"
    );
    assert_eq!(w.mock.count("Logout"), logouts + 1, "its session is ended");
    assert!(
        index(&w).is_empty(),
        "logout drops the lost names, the role's too: {:?}",
        index(&w)
    );
    assert!(
        stdout(&out).contains(&format!(
            "Signed out of sso-session 'my-sso': server session ended; token removed ({})",
            w.token_file("my-sso").display()
        )),
        "{}",
        stdout(&out)
    );
    // Signed out, there is nothing to export: the login command is named.
    let out = run(
        &w,
        &keyring,
        &["token", "export", "--sso-session", "my-sso"],
    );
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("aws-sso-rs login --sso-session my-sso"),
        "{}",
        stderr(&out)
    );
}

#[test]
#[ignore = "needs dbus-daemon and gnome-keyring-daemon: cargo xtask ci installs them and runs this"]
fn storage_set_back_to_file_by_hand_says_what_the_keyring_still_holds() {
    let (w, keyring) = keyring_world();
    login(&w, &keyring);
    // A copy for a tool that reads the file (the access token only) is there too.
    let out = run(
        &w,
        &keyring,
        &["token", "export", "--sso-session", "my-sso"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let held = index(&w).len();
    assert!(held >= 2, "a token and a registration: {:?}", index(&w));
    std::fs::write(
        w.path().join(".config/aws-sso-rs/config.toml"),
        "storage = \"file\"\n",
    )
    .expect("settings");
    for command in ["status", "profiles"] {
        let out = run(&w, &keyring, &[command]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "{held} cache entries are still in the OS keyring, the Secret Service (D-Bus), from"
            )) && stderr(&out).contains("aws-sso-rs storage migrate --to file moves them here"),
            "{command}: {}",
            stderr(&out)
        );
    }
    let out = run(&w, &keyring, &["doctor", "--offline", "--output", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let checks = json["checks"].as_array().expect("checks");
    let storage = checks
        .iter()
        .find(|c| c["subject"] == "storage")
        .expect("a storage check");
    assert_eq!(storage["status"], "warn", "{storage}");
    assert!(
        !checks.iter().any(|c| c["subject"] == "cache"
            && c["detail"]
                .as_str()
                .is_some_and(|d| d.contains("still in the OS keyring"))),
        "said once, by the storage check: {json}"
    );
    let out = run(&w, &keyring, &["storage", "migrate", "--to", "file"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = std::fs::read_to_string(w.token_file("my-sso")).expect("the token file");
    assert!(
        token.contains("refreshToken"),
        "the copy that renews the sign-in wins over the exported one, though files are in use"
    );
    let out = run(&w, &keyring, &["status"]);
    assert!(
        !stderr(&out).contains("still in the OS keyring") && stdout(&out).contains("valid"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        keyring.all_items(),
        Vec::<String>::new(),
        "nothing is left there"
    );
}
