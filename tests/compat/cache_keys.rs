//! File names: aws-sso-rs computes the same names as botocore and the AWS CLI v2.

use aws_sso_e2e::TempHome;
use aws_sso_token_cache::{RegistrationKey, RoleKey};

use crate::START_URL;

#[test]
fn role_credential_keys_match_botocore() {
    aws_sso_e2e::require_botocore!();
    let home = TempHome::new();
    let cases: [(&str, &str, &str, Option<&str>); 4] = [
        ("123456789011", "ReadOnly", START_URL, Some("my-sso")),
        ("123456789011", "ReadOnly", START_URL, None),
        (
            "210987654321",
            "Administrator",
            "https://d-90000000.awsapps.com/start",
            Some("séssion-ü"),
        ),
        (
            "210987654321",
            "Admin\"quoted\\",
            "https://example.com/start?x=\u{1F600}",
            None,
        ),
    ];
    for (account, role, url, session) in cases {
        let botocore = home.botocore(&["role-key", account, role, url, session.unwrap_or("-")]);
        assert_eq!(
            RoleKey::new(account, role, session, url).hash(),
            botocore,
            "{account} {role} {url} {session:?}"
        );
    }
}

#[test]
fn registration_keys_match_the_cli() {
    aws_sso_e2e::require_botocore!();
    let home = TempHome::new();
    let scopes = vec![
        "sso:account:access".to_owned(),
        "codewhisperer:completions".to_owned(),
    ];
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a [String]>);
    let cases: [Case<'_>; 4] = [
        (
            "https://d-abc123.awsapps.com/start",
            "us-west-2",
            None,
            None,
        ),
        (
            START_URL,
            "ap-northeast-1",
            Some("my-sso"),
            Some(&scopes[..1]),
        ),
        (START_URL, "ap-northeast-1", Some("my-sso"), Some(&scopes)),
        (
            "https://d-ü.awsapps.com/start",
            "eu-west-1",
            Some("naïve"),
            Some(&[]),
        ),
    ];
    for (url, region, session, scopes) in cases {
        let scopes_json = scopes.map(|s| serde_json::to_string(s).expect("json"));
        let botocore = home.botocore(&[
            "registration-key",
            url,
            region,
            session.unwrap_or("-"),
            scopes_json.as_deref().unwrap_or("-"),
        ]);
        assert_eq!(
            RegistrationKey::new(url, region, session, scopes).hash(),
            botocore,
            "{url} {session:?} {scopes:?}"
        );
    }
}
