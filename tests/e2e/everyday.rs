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
    assert_eq!(out.status.code(), Some(1));
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
        stderr(&out).contains("run: aws-sso-rs login --profile dev-account-ro"),
        "{}",
        stderr(&out)
    );
}
