//! `--show-settings` prints what a command would use, resolved once.

use crate::{home, stdout};

#[test]
fn profiles_settings_follow_home_and_env_overrides() {
    let home = home();
    let out = home.run(&["profiles", "--show-settings", "-o", "json"]);
    assert!(out.status.success());
    home.insta().bind(|| insta::assert_snapshot!(stdout(&out)));

    let out = home
        .command(&["profiles", "--show-settings"])
        .env("AWS_CONFIG_FILE", "~/elsewhere/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws-credentials")
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json settings");
    assert_eq!(
        json["files"]["config_file"],
        home.path().join("elsewhere/config").display().to_string()
    );
    assert_eq!(json["files"]["credentials_file"], "/etc/aws-credentials");
}

#[test]
fn no_home_is_a_clear_error() {
    let home = home();
    let out = home
        .command(&["profiles"])
        .env_remove("HOME")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let err = crate::stderr(&out);
    assert!(
        err.contains("set HOME") && !err.contains("AWS_CONFIG_FILE"),
        "names the fix, and only one that works (the caches live under HOME): {err}"
    );
}

#[test]
fn login_settings_pick_the_flow_and_the_endpoint() {
    let home = home();
    home.write_config(crate::EXAMPLE_CONFIG);
    let out = home
        .command(&["login", "--show-settings", "--all", "--no-browser"])
        .env("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:4566")
        // A display: the printed address can be opened here by hand, so each profile keeps
        // its own flow (without one, and no terminal, every sign-in would use the device code).
        .env("DISPLAY", ":0")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", crate::stderr(&out));
    home.insta().bind(|| insta::assert_snapshot!(stdout(&out)));
}

#[test]
fn credential_settings_follow_profile_and_region_precedence() {
    let home = home();
    home.write_config(crate::EXAMPLE_CONFIG);
    let out = home
        .command(&[
            "credential-process",
            "--show-settings",
            "--profile",
            "dev-account-admin",
        ])
        .env("AWS_REGION", "eu-west-1")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", crate::stderr(&out));
    home.insta().bind(|| insta::assert_snapshot!(stdout(&out)));
}

#[test]
fn listing_logout_and_populate_settings_take_the_only_session_when_none_is_named() {
    let home = home();
    home.write_config(crate::EXAMPLE_CONFIG);
    let show = |args: &[&str]| {
        let out = home
            .command(args)
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", crate::stderr(&out));
        stdout(&out)
    };
    let list = show(&["list", "--show-settings"]);
    let logout = show(&["logout", "--show-settings", "--profile", "dev-account-ro"]);
    let populate = show(&["configure", "populate", "--show-settings"]);
    home.insta().bind(|| {
        insta::assert_snapshot!("list", list);
        insta::assert_snapshot!("logout", logout);
        insta::assert_snapshot!("populate", populate);
    });
}

#[test]
fn doctor_settings_name_where_it_looks() {
    let home = home();
    let out = home
        .command(&["doctor", "--offline", "--show-settings"])
        .env("XDG_RUNTIME_DIR", "/run/user/1000")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", crate::stderr(&out));
    home.insta().bind(|| insta::assert_snapshot!(stdout(&out)));
}
