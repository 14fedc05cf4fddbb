//! The sign-ins a config defines, and how each problem with one is named.

use std::path::Path;

use aws_sso_profile_config::{ErrorKind, FileLocations, ProfileSet, Source};

fn parse(text: &str) -> ProfileSet {
    ProfileSet::parse(
        Some(Source {
            path: Path::new("/home/me/.aws/config"),
            text,
        }),
        None,
    )
    .expect("parses")
}

const CONFIG: &str = "\
[profile dev-ro]
sso_session = corp
sso_account_id = 123456789011
sso_role_name = ReadOnly

[profile plain]
region = eu-west-1

[profile legacy-a]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = ReadOnly

[profile dev-admin]
sso_session = corp
sso_account_id = 123456789011
sso_role_name = Administrator

[profile legacy-b]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = Admin

[profile broken]
sso_session = half

[sso-session corp]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1

[sso-session unused]
sso_start_url = https://d-3333333333.awsapps.com/start
sso_region = eu-west-1

[sso-session half]
sso_start_url = https://d-4444444444.awsapps.com/start
";

#[test]
fn each_sign_in_once_with_its_profiles_and_each_problem_once() {
    let list = parse(CONFIG).sessions();
    let summary: Vec<(String, Vec<String>)> = list
        .sessions
        .iter()
        .map(|s| {
            (
                s.session.cache_key_source().to_owned(),
                s.profiles.iter().map(|p| p.profile.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("corp".into(), vec!["dev-ro".into(), "dev-admin".into()]),
            ("unused".into(), vec![]),
            (
                "https://d-2222222222.awsapps.com/start".into(),
                vec!["legacy-a".into(), "legacy-b".into()]
            ),
        ]
    );
    assert_eq!(list.problems.len(), 1, "{:?}", list.problems);
    let message = list.problems[0].to_string();
    assert!(
        message.contains("sso-session 'half'") && message.contains("sso_region"),
        "{message}"
    );
    assert!(list.find("corp").is_some() && list.find("half").is_none());
}

#[test]
fn an_incomplete_session_is_named_as_incomplete_not_as_missing() {
    let set = parse(CONFIG);
    let error = set.sso_profile("broken").expect_err("half is incomplete");
    assert!(
        matches!(error.kind(), ErrorKind::MissingKeys { keys, .. } if keys == &["sso_region"]),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("sso-session 'half' (/home/me/.aws/config line 37)")
            && message.contains("`sso_region = ...`")
            && !message.contains("has no [sso-session"),
        "{message}"
    );
    let invalid = parse(
        "[profile p]\nsso_session = s\n[sso-session s]\nsso_start_url = http://insecure\nsso_region = eu-west-1\n",
    );
    let error = invalid.sso_profile("p").expect_err("http start URL");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::InvalidValue {
                key: "sso_start_url",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_misspelt_key_is_pointed_out_with_the_key_it_is_close_to() {
    for (text, wrong, right) in [
        (
            "[profile p]\nsso_sesion = corp\nsso_account_id = 123456789011\nsso_role_name = R\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n",
            "sso_sesion",
            "sso_session",
        ),
        (
            "[profile p]\nsso_sesion = corp\n",
            "sso_sesion",
            "sso_session",
        ),
        (
            "[profile p]\nsso_session = corp\nsso_account_id = 123456789011\nsso_role = R\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n",
            "sso_role",
            "sso_role_name",
        ),
        (
            "[profile p]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_regoin = eu-west-1\n",
            "sso_regoin",
            "sso_region",
        ),
    ] {
        let error = parse(text).sso_profile("p").expect_err(wrong);
        let message = error.to_string();
        assert!(
            message.contains(&format!("unknown key {wrong}; did you mean {right}?")),
            "{message}"
        );
    }
    // A plain profile with unrelated keys stays a plain profile.
    assert!(
        parse(
            "[profile p]\nregion = eu-west-1\noutput = json\ns3 =\n  max_concurrent_requests = 4\n"
        )
        .sso_profile("p")
        .expect("plain")
        .is_none()
    );
}

#[test]
fn a_missing_config_file_is_named_as_missing_with_the_way_to_choose_a_profile() {
    let home = tempfile::tempdir().expect("temp home");
    let locations = FileLocations {
        config: home.path().join(".aws/config"),
        credentials: home.path().join(".aws/credentials"),
    };
    for set in [
        ProfileSet::load(&locations).expect("no files is not an error"),
        ProfileSet::load_profile(&locations, "default").expect("no files"),
    ] {
        let message = set
            .sso_profile("default")
            .expect_err("no profile")
            .to_string();
        assert!(
            message.contains(&format!(
                "the config file {} does not exist",
                locations.config.display()
            )) && message.contains("--profile NAME or AWS_PROFILE=NAME")
                && !message.contains("aws configure sso"),
            "{message}"
        );
    }
}
