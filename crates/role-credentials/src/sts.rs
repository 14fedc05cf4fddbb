//! Who the credentials belong to: STS `GetCallerIdentity`, as `aws sts get-caller-identity`.

use aws_sso_token_cache::RoleCredentials;

use crate::{Error, ErrorKind};

/// `GetCallerIdentity`'s answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// `UserId`.
    pub user_id: String,
    /// `Account`.
    pub account: String,
    /// `Arn`.
    pub arn: String,
}

/// What STS refusing `profile`'s own credentials means: [`ErrorKind::KeysRefused`] for keys
/// it does not take, else [`ErrorKind::Sts`].
fn refusal(profile: &str) -> impl FnOnce(String, String) -> Error {
    move |code, message| match code.as_str() {
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "ExpiredToken" => {
            ErrorKind::KeysRefused {
                profile: profile.to_owned(),
                code,
                message,
            }
            .into()
        }
        _ => ErrorKind::Sts { code, message }.into(),
    }
}

/// Calls STS `GetCallerIdentity` with `credentials` (profile `profile`'s) in `region` at
/// `endpoint` (set on the client unless it is the public default).
///
/// # Errors
/// STS cannot be reached or refuses the credentials.
pub async fn caller_identity(
    profile: &str,
    credentials: &RoleCredentials,
    region: &str,
    endpoint: &aws_sso_profile_config::Endpoint,
    transport: &aws_sso_http::Transport,
) -> Result<CallerIdentity, Error> {
    let client = sts_client(Some(credentials), region, endpoint, transport);
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sts_error(&e, endpoint, transport, refusal(profile)))?;
    let field = |value: Option<&str>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::from(ErrorKind::StsMalformed {
                    endpoint: endpoint.url.clone(),
                    reason: format!("GetCallerIdentity: no {name}"),
                })
            })
    };
    Ok(CallerIdentity {
        user_id: field(out.user_id(), "UserId")?,
        account: field(out.account(), "Account")?,
        arn: field(out.arn(), "Arn")?,
    })
}

/// A policy that allows everything: with `GetFederationToken`, the session may do what both
/// it and the IAM user may, so this leaves the user's own permissions (with no policy at all,
/// the session could do nothing).
const FEDERATION_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Short-lived credentials for an IAM user's long-term keys (`credentials`, profile `name`'s):
/// STS `GetFederationToken`, named after the profile, for `duration` (the console signs in
/// with these, as it cannot with long-term keys).
///
/// # Errors
/// STS cannot be reached or refuses the keys.
pub async fn federation_token(
    credentials: &RoleCredentials,
    name: &str,
    duration: std::time::Duration,
    region: &str,
    endpoint: &aws_sso_profile_config::Endpoint,
    transport: &aws_sso_http::Transport,
) -> Result<RoleCredentials, Error> {
    let client = sts_client(Some(credentials), region, endpoint, transport);
    let profile = name;
    // 2 to 32 of the characters STS accepts.
    let mut name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(32)
        .collect();
    while name.len() < 2 {
        name.push('-');
    }
    let out = client
        .get_federation_token()
        .name(name)
        .policy(FEDERATION_POLICY)
        .duration_seconds(i32::try_from(duration.as_secs().clamp(900, 129_600)).unwrap_or(3600))
        .send()
        .await
        .map_err(|e| sts_error(&e, endpoint, transport, refusal(profile)))?;
    answered_credentials(
        out.credentials(),
        out.federated_user().map(|u| u.arn()),
        "GetFederationToken",
        endpoint,
    )
}

/// An STS client in `region` at `endpoint`, signing with `credentials` (`None`: for the
/// unsigned `AssumeRoleWithWebIdentity`). The one place the workspace's STS clients are made.
pub(crate) fn sts_client(
    credentials: Option<&RoleCredentials>,
    region: &str,
    endpoint: &aws_sso_profile_config::Endpoint,
    transport: &aws_sso_http::Transport,
) -> aws_sdk_sts::Client {
    let mut config = aws_sso_http::sdk_config(region, endpoint, transport);
    if let Some(c) = credentials {
        config = config.credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    &c.access_key_id,
                    c.secret_access_key.expose(),
                    c.session_token().map(str::to_owned),
                    None,
                    "aws-sso-rs",
                ),
            ),
        );
    }
    aws_sso_http::sdk_client!(aws_sdk_sts, &config.build())
}

/// A failed STS call as the workspace's errors; `service` words the service's own refusal
/// (its code and message).
pub(crate) fn sts_error<E>(
    e: &aws_sdk_sts::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    endpoint: &aws_sso_profile_config::Endpoint,
    transport: &aws_sso_http::Transport,
    service: impl FnOnce(String, String) -> Error,
) -> Error
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sso_http::Failure;
    match aws_sso_http::classify(e, transport, &endpoint.url) {
        Failure::Service { code, message } => service(code, message),
        Failure::Unreachable(reason) => Error::from(ErrorKind::StsUnreachable {
            endpoint: endpoint.url.clone(),
            reason,
        }),
        Failure::Malformed(reason) => Error::from(ErrorKind::StsMalformed {
            endpoint: endpoint.url.clone(),
            reason,
        }),
    }
}

/// The credentials of an STS answer (`AssumeRole*`, `GetFederationToken`) of `operation`,
/// with the account of `arn` (the assumed role's or federated user's), as botocore adds it.
pub(crate) fn answered_credentials(
    credentials: Option<&aws_sdk_sts::types::Credentials>,
    arn: Option<&str>,
    operation: &str,
    endpoint: &aws_sso_profile_config::Endpoint,
) -> Result<RoleCredentials, Error> {
    let malformed = |what: &str| {
        Error::from(ErrorKind::StsMalformed {
            endpoint: endpoint.url.clone(),
            reason: format!("{operation}: no {what}"),
        })
    };
    let c = credentials.ok_or_else(|| malformed("Credentials"))?;
    let expiration = time::OffsetDateTime::from_unix_timestamp(c.expiration().secs())
        .map_err(|_| malformed("valid Expiration"))?;
    Ok(RoleCredentials {
        access_key_id: c.access_key_id().to_owned(),
        secret_access_key: aws_sso_token_cache::Secret::new(c.secret_access_key().to_owned()),
        session_token: aws_sso_token_cache::Secret::new(c.session_token().to_owned()),
        expiration: Some(expiration),
        account_id: arn
            .and_then(|a| a.split(':').nth(4))
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
    })
}
