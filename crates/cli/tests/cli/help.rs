//! Help texts are part of the interface: snapshot them.

use crate::{home, stdout};

#[test]
fn top_level_help() {
    let out = home().run(&["--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn profiles_help() {
    let out = home().run(&["profiles", "--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn unknown_flags_are_usage_errors() {
    let out = home().run(&["profiles", "--outptu", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::stderr(&out).contains("--output"),
        "clap suggests the right flag"
    );
}

#[test]
fn login_help() {
    let out = home().run(&["login", "--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn login_targets_are_exclusive() {
    let out = home().run(&["login", "--all", "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::stderr(&out).contains("cannot be used with"),
        "{}",
        crate::stderr(&out)
    );
}

/// Each command of everyday use, as `--help` shows it.
#[test]
fn everyday_commands_help() {
    for command in [
        &["list"][..],
        &["console"],
        &["configure", "sso"],
        &["configure", "populate"],
        &["configure", "credential-process"],
        &["export"],
        &["prompt"],
        &["shell-init"],
        &["completions"],
        &["pick"],
        &["doctor"],
        &["storage", "migrate"],
        &["token", "export"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = home().run(&args);
        assert!(out.status.success(), "{command:?}");
        insta::assert_snapshot!(format!("help_{}", command.join("_")), stdout(&out));
    }
}
