//! The environment a program gets role credentials through: the variables `exec` sets and
//! removes (so that no SDK picks other credentials than the ones given), the ones `export`
//! prints, and the guard against running `exec` inside an `exec` shell.

use aws_sso_profile_config::{Env, env::vars};
use aws_sso_token_cache::{RoleCredentials, Secret, timestamp};

/// Variables that would make an SDK pick other credentials than the ones given: removed from
/// a program's environment.
pub const OTHER_CREDENTIAL_SOURCES: [&str; 6] = [
    vars::AWS_PROFILE,
    vars::AWS_DEFAULT_PROFILE,
    vars::AWS_CONTAINER_CREDENTIALS_FULL_URI,
    vars::AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
    vars::AWS_CONTAINER_AUTHORIZATION_TOKEN,
    vars::AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
];

/// Static keys, which would win over a container credential endpoint: removed when one is
/// given instead.
pub const STATIC_KEYS: [&str; 4] = [
    vars::AWS_ACCESS_KEY_ID,
    vars::AWS_SECRET_ACCESS_KEY,
    vars::AWS_SESSION_TOKEN,
    vars::AWS_CREDENTIAL_EXPIRATION,
];

/// The variables that hand `credentials` to a program, as `aws configure export-credentials
/// --format env` names them, then the profile's `region` (when it has one) as `AWS_REGION`
/// and `AWS_DEFAULT_REGION`.
pub fn credential_variables(
    credentials: &RoleCredentials,
    region: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut pairs = vec![
        (vars::AWS_ACCESS_KEY_ID, credentials.access_key_id.clone()),
        (
            vars::AWS_SECRET_ACCESS_KEY,
            credentials.secret_access_key.expose().to_owned(),
        ),
    ];
    // Long-term keys have neither.
    if let Some(token) = credentials.session_token() {
        pairs.push((vars::AWS_SESSION_TOKEN, token.to_owned()));
    }
    if let Some(expiration) = credentials.expiration {
        pairs.push((
            vars::AWS_CREDENTIAL_EXPIRATION,
            timestamp::isoformat(expiration),
        ));
    }
    pairs.extend(region_variables(region));
    pairs
}

/// The profile's region as `AWS_REGION` and `AWS_DEFAULT_REGION`, when it has one.
fn region_variables(region: Option<&str>) -> impl Iterator<Item = (&'static str, String)> {
    region.into_iter().flat_map(|r| {
        [
            // In lower case: a region written `US-EAST-1` (which the AWS CLI reads) is the
            // same region, and other SDKs may not find it as written.
            (vars::AWS_REGION, r.to_ascii_lowercase()),
            (vars::AWS_DEFAULT_REGION, r.to_ascii_lowercase()),
        ]
    })
}

/// How credentials reach a program that `exec` starts.
#[derive(Debug)]
pub enum Handover<'a> {
    /// As variables: the keys themselves.
    Keys(&'a RoleCredentials),
    /// A container credential endpoint on 127.0.0.1 and its bearer token.
    Endpoint {
        /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
        url: &'a str,
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
        token: &'a Secret,
    },
}

/// The environment changes for a program run with the credentials of `profile`: what to
/// remove, then what to set.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ProgramEnvironment {
    /// Variables to remove.
    pub remove: Vec<&'static str>,
    /// Variables to set, in order.
    pub set: Vec<(&'static str, String)>,
}

/// What `exec` changes in a program's environment: the other credential sources removed,
/// `AWS_SSO_RS_PROFILE` set (the prompt and the nested-exec guard read it), the profile's
/// region, and the credentials as `handover` says.
pub fn program_environment(
    profile: &str,
    region: Option<&str>,
    handover: Handover<'_>,
) -> ProgramEnvironment {
    let mut env = ProgramEnvironment {
        remove: OTHER_CREDENTIAL_SOURCES.to_vec(),
        set: vec![(vars::AWS_SSO_RS_PROFILE, profile.to_owned())],
    };
    match handover {
        Handover::Keys(credentials) => {
            // Long-term keys come without a session token or expiry: none inherited may stay.
            env.remove.extend(STATIC_KEYS);
            env.remove.push("AWS_SECURITY_TOKEN");
            env.set.extend(credential_variables(credentials, region));
        }
        Handover::Endpoint { url, token } => {
            env.remove.extend(STATIC_KEYS);
            env.set.extend(region_variables(region));
            env.set
                .push((vars::AWS_CONTAINER_CREDENTIALS_FULL_URI, url.to_owned()));
            env.set.push((
                vars::AWS_CONTAINER_AUTHORIZATION_TOKEN,
                token.expose().to_owned(),
            ));
        }
    }
    env
}

/// The profile of the `aws-sso-rs exec` this process runs inside, if any: its exported keys
/// would win over any profile chosen inside it.
pub fn outer_exec(env: &dyn Env) -> Option<String> {
    env.non_empty(vars::AWS_SSO_RS_PROFILE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sso_profile_config::MapEnv;
    use time::macros::datetime;

    fn creds() -> RoleCredentials {
        RoleCredentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: Secret::new("sk"),
            session_token: Secret::new("st"),
            expiration: Some(datetime!(2030-01-01 1:00 UTC)),
            account_id: None,
        }
    }

    #[test]
    fn keys_replace_every_other_credential_source_and_carry_the_region() {
        let c = creds();
        let env = program_environment("dev", Some("eu-west-1"), Handover::Keys(&c));
        // The other sources, and any keys, token or expiry already in the environment (the
        // ones set are set again; long-term keys set no token).
        let mut removed = OTHER_CREDENTIAL_SOURCES.to_vec();
        removed.extend(STATIC_KEYS);
        removed.push("AWS_SECURITY_TOKEN");
        assert_eq!(env.remove, removed);
        let set: Vec<(&str, &str)> = env.set.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            set,
            [
                ("AWS_SSO_RS_PROFILE", "dev"),
                ("AWS_ACCESS_KEY_ID", "ASIA1"),
                ("AWS_SECRET_ACCESS_KEY", "sk"),
                ("AWS_SESSION_TOKEN", "st"),
                ("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T01:00:00+00:00"),
                ("AWS_REGION", "eu-west-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
            ]
        );
    }

    #[test]
    fn an_endpoint_removes_static_keys_too_and_gives_its_address_and_token() {
        let token = Secret::new("bearer");
        let env = program_environment(
            "dev",
            None,
            Handover::Endpoint {
                url: "http://127.0.0.1:5000/creds",
                token: &token,
            },
        );
        assert!(env.remove.contains(&"AWS_ACCESS_KEY_ID") && env.remove.contains(&"AWS_PROFILE"));
        let names: Vec<&str> = env.set.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "AWS_SSO_RS_PROFILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN"
            ]
        );
    }

    #[test]
    fn inside_exec_the_outer_profile_is_named() {
        assert_eq!(outer_exec(&MapEnv::new()), None);
        assert_eq!(
            outer_exec(&MapEnv::new().with("AWS_SSO_RS_PROFILE", "prod")),
            Some("prod".into())
        );
    }
}
