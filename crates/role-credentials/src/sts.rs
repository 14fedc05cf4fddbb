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
        .retry_classifier(aws_sso_device_auth::transport::NoPointRetrying)
        .interceptor(aws_sso_device_auth::RequestLog);
    if !endpoint.is_default() {
        config = config.endpoint_url(&endpoint.url);
    }
    let client = aws_sdk_sts::Client::from_conf(config.build());
    let out = client.get_caller_identity().send().await.map_err(|e| {
        use aws_sdk_sts::error::SdkError;
        let describe =
            || aws_sso_device_auth::transport::describe_failure(transport, &endpoint.url, &e);
        let malformed = |reason: String| {
            Error::from(ErrorKind::StsMalformed {
                endpoint: endpoint.url.clone(),
                reason,
            })
        };
        match &e {
            _ if aws_sso_device_auth::transport::answer_too_large(&e) => malformed(describe()),
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                Error::from(ErrorKind::StsUnreachable {
                    endpoint: endpoint.url.clone(),
                    reason: describe(),
                })
            }
            SdkError::ServiceError(s) if s.err().code().is_some() => ErrorKind::Sts {
                code: e.code().unwrap_or_default().to_owned(),
                message: e.message().unwrap_or_default().to_owned(),
            }
            .into(),
            // No error code, or no answer of the service's shape at all.
            _ => malformed(describe()),
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
