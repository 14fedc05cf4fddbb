//! Help texts are part of the interface: snapshot them.

use crate::{Home, stdout};

#[test]
fn top_level_help() {
    let out = Home::new().run(&["--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn profiles_help() {
    let out = Home::new().run(&["profiles", "--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn unknown_flags_are_usage_errors() {
    let out = Home::new().run(&["profiles", "--outptu", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::stderr(&out).contains("--output"),
        "clap suggests the right flag"
    );
}

#[test]
fn login_help() {
    let out = Home::new().run(&["login", "--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn login_targets_are_exclusive() {
    let out = Home::new().run(&["login", "--all", "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        crate::stderr(&out).contains("cannot be used with"),
        "{}",
        crate::stderr(&out)
    );
}
