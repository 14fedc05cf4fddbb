//! Role credentials for programs, from an IAM Identity Center token.
//!
//! The access portal API sits behind [`PortalApi`]; [`SdkPortal`] is the only code that
//! touches `aws-sdk-sso`.
//!
//! ```no_run
//! use aws_sso_role_credentials::{PortalApi, SdkPortal};
//! use aws_sso_token_cache::Secret;
//!
//! # async fn demo() -> Result<(), aws_sso_role_credentials::PortalError> {
//! let portal = SdkPortal::new("eu-west-1", "https://portal.sso.eu-west-1.amazonaws.com", true);
//! portal.logout(&Secret::new("aoa...")).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

use std::future::Future;

use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_sso_token_cache::Secret;

/// A failed portal call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PortalError {
    /// The token is missing, expired or revoked (`UnauthorizedException`).
    #[error("the access token is expired or revoked")]
    Unauthorized,
    /// The portal could not be reached.
    #[error("cannot reach the IAM Identity Center portal {endpoint}: {reason}")]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// Anything else.
    #[error("the IAM Identity Center portal answered {code}: {message}")]
    Service {
        /// The error code.
        code: String,
        /// The message.
        message: String,
    },
}

/// The access portal.
pub trait PortalApi: Send + Sync {
    /// `Logout`: revokes the token on the server.
    fn logout(&self, access_token: &Secret)
    -> impl Future<Output = Result<(), PortalError>> + Send;
}

/// [`PortalApi`] over the AWS SDK for Rust.
#[derive(Debug, Clone)]
pub struct SdkPortal {
    client: aws_sdk_sso::Client,
    endpoint: String,
}

impl SdkPortal {
    /// A client for `region`; `endpoint` is set on it unless it is the public default.
    pub fn new(region: &str, endpoint: &str, is_default_endpoint: bool) -> Self {
        Self::with_log(region, endpoint, is_default_endpoint, None)
    }

    /// Like [`SdkPortal::new`], logging each request and response through `log`.
    pub fn with_log(
        region: &str,
        endpoint: &str,
        is_default_endpoint: bool,
        log: Option<aws_sso_device_auth::RequestLog>,
    ) -> Self {
        let mut config = aws_sdk_sso::Config::builder()
            .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
            .region(aws_sdk_sso::config::Region::new(region.to_owned()));
        if !is_default_endpoint {
            config = config.endpoint_url(endpoint);
        }
        if let Some(log) = log {
            config = config.interceptor(log);
        }

        Self {
            client: aws_sdk_sso::Client::from_conf(config.build()),
            endpoint: endpoint.to_owned(),
        }
    }

    fn classify<E, R>(&self, error: &SdkError<E, R>) -> PortalError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        match error {
            SdkError::ServiceError(s) if s.err().code() == Some("UnauthorizedException") => {
                PortalError::Unauthorized
            }
            SdkError::ServiceError(s) => PortalError::Service {
                code: s.err().code().unwrap_or("Unknown").to_owned(),
                message: s.err().message().unwrap_or_default().to_owned(),
            },
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => PortalError::Unreachable {
                endpoint: self.endpoint.clone(),
                reason: error.to_string(),
            },
            other => PortalError::Service {
                code: "ClientError".into(),
                message: other.to_string(),
            },
        }
    }
}

impl PortalApi for SdkPortal {
    async fn logout(&self, access_token: &Secret) -> Result<(), PortalError> {
        self.client
            .logout()
            .access_token(access_token.expose())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.classify(&e))
    }
}
