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

/// Calls STS `GetCallerIdentity` with `credentials` in `region` at `endpoint` (set on the client
/// unless it is the public default).
///
/// # Errors
/// STS cannot be reached or refuses the credentials.
pub async fn caller_identity(
    credentials: &RoleCredentials,
    region: &str,
    endpoint: &aws_sso_profile_config::Endpoint,
    transport: &aws_sso_http::Transport,
) -> Result<CallerIdentity, Error> {
    let creds = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        credentials.session_token().map(str::to_owned),
        None,
        "aws-sso-rs",
    );
    let config = aws_sso_http::sdk_config(region, endpoint, transport)
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .build();
    let client: aws_sdk_sts::Client = aws_sso_http::sdk_client!(aws_sdk_sts, &config);
    let out = client.get_caller_identity().send().await.map_err(|e| {
        use aws_sso_http::Failure;
        match aws_sso_http::classify(&e, transport, &endpoint.url) {
            Failure::Service { code, message } => Error::from(ErrorKind::Sts { code, message }),
            Failure::Unreachable(reason) => Error::from(ErrorKind::StsUnreachable {
                endpoint: endpoint.url.clone(),
                reason,
            }),
            Failure::Malformed(reason) => Error::from(ErrorKind::StsMalformed {
                endpoint: endpoint.url.clone(),
                reason,
            }),
        }
    })?;
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

/// Short-lived credentials for an IAM user's long-term keys (`credentials`): STS
/// `GetFederationToken`, named `name`, for `duration` (the console signs in with these, as it
/// cannot with long-term keys).
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
    let creds = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        credentials.session_token().map(str::to_owned),
        None,
        "aws-sso-rs",
    );
    let config = aws_sso_http::sdk_config(region, endpoint, transport)
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
        .build();
    let client: aws_sdk_sts::Client = aws_sso_http::sdk_client!(aws_sdk_sts, &config);
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
        .map_err(|e| {
            use aws_sso_http::Failure;
            match aws_sso_http::classify(&e, transport, &endpoint.url) {
                Failure::Service { code, message } => Error::from(ErrorKind::Sts { code, message }),
                Failure::Unreachable(reason) => Error::from(ErrorKind::StsUnreachable {
                    endpoint: endpoint.url.clone(),
                    reason,
                }),
                Failure::Malformed(reason) => Error::from(ErrorKind::StsMalformed {
                    endpoint: endpoint.url.clone(),
                    reason,
                }),
            }
        })?;
    let malformed = |what: &str| {
        Error::from(ErrorKind::StsMalformed {
            endpoint: endpoint.url.clone(),
            reason: format!("GetFederationToken: no {what}"),
        })
    };
    let c = out.credentials().ok_or_else(|| malformed("Credentials"))?;
    let expiration = time::OffsetDateTime::from_unix_timestamp(c.expiration().secs())
        .map_err(|_| malformed("valid Expiration"))?;
    Ok(RoleCredentials {
        access_key_id: c.access_key_id().to_owned(),
        secret_access_key: aws_sso_token_cache::Secret::new(c.secret_access_key().to_owned()),
        session_token: aws_sso_token_cache::Secret::new(c.session_token().to_owned()),
        expiration: Some(expiration),
        account_id: out
            .federated_user()
            .and_then(|u| u.arn().split(':').nth(4))
            .map(str::to_owned),
    })
}
