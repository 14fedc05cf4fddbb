//! Who the credentials belong to: STS `GetCallerIdentity`, as `aws sts get-caller-identity`.

use aws_sdk_sts::error::ProvideErrorMetadata;
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
    transport: &aws_sso_profile_config::Transport,
) -> Result<CallerIdentity, Error> {
    let creds = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        Some(credentials.session_token.expose().to_owned()),
        None,
        "aws-sso-rs",
    );
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(region.to_owned()))
        .credentials_provider(creds)
        .http_client(aws_sso_device_auth::transport::http_client(
            transport,
            &endpoint.url,
        ))
        .timeout_config(aws_sso_device_auth::sdk_timeouts())
        .retry_config(aws_sso_device_auth::sdk_retries())
        .interceptor(aws_sso_device_auth::RequestLog);
    if !endpoint.is_default() {
        config = config.endpoint_url(&endpoint.url);
    }
    let client = aws_sdk_sts::Client::from_conf(config.build());
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| match &e {
            aws_sdk_sts::error::SdkError::DispatchFailure(_)
            | aws_sdk_sts::error::SdkError::TimeoutError(_) => {
                Error::from(ErrorKind::StsUnreachable {
                    endpoint: endpoint.url.clone(),
                    reason: aws_sso_device_auth::transport::describe_failure(
                        transport,
                        &endpoint.url,
                        &e,
                    ),
                })
            }
            _ => ErrorKind::Sts {
                code: e.code().unwrap_or("Unknown").to_owned(),
                message: e.message().unwrap_or_default().to_owned(),
            }
            .into(),
        })?;
    Ok(CallerIdentity {
        user_id: out.user_id().unwrap_or_default().to_owned(),
        account: out.account().unwrap_or_default().to_owned(),
        arn: out.arn().unwrap_or_default().to_owned(),
    })
}
