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
