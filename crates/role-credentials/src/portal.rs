//! The access portal API behind a trait; [`SdkPortal`] is the only code that touches
//! `aws-sdk-sso`.

use std::future::Future;

use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_sso_token_cache::{RoleCredentials, Secret};
use time::OffsetDateTime;

/// A failed portal call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PortalError {
    /// The token is missing, expired or revoked (`UnauthorizedException`).
    #[error("the access token is expired or revoked")]
    Unauthorized,
    /// The user has no such role (`ForbiddenException`).
    #[error("no access to that account and role")]
    Forbidden,
    /// Too many requests (`TooManyRequestsException`).
    #[error("IAM Identity Center is throttling requests; try again in a few seconds")]
    Throttled,
    /// The portal could not be reached.
    #[error(
        "cannot reach the IAM Identity Center portal {endpoint}: {reason}; check the network and AWS_ENDPOINT_URL_SSO"
    )]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// An answer that cannot be used: not the service's format, fields missing or of the
    /// wrong type, too large.
    #[error(
        "the IAM Identity Center portal {endpoint} sent an answer that cannot be used ({reason}); a proxy or captive portal may be answering in its place: check the network, try again, and add --debug to see the requests"
    )]
    Malformed {
        /// The endpoint.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Anything else.
    #[error(
        "the IAM Identity Center portal answered {code}: {message}; try again, and add --debug to see the requests"
    )]
    Service {
        /// The error code.
        code: String,
        /// The message.
        message: String,
    },
}

impl PortalError {
    /// Whether a later attempt may well succeed: no answer (a reset, a timeout, a refused
    /// connection) or a server-side failure (5xx). Throttling is told apart
    /// ([`PortalError::Throttled`]) because callers slow down for it.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } => true,
            Self::Service { code, .. } => aws_sso_http::is_server_failure(code),
            _ => false,
        }
    }
}

/// An account the user can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// 12 digits.
    pub account_id: String,
    /// Display name.
    pub account_name: String,
    /// E-mail address.
    pub email: String,
}

/// The access portal.
pub trait PortalApi: Send + Sync {
    /// `Logout`: revokes the token on the server.
    fn logout(&self, access_token: &Secret)
    -> impl Future<Output = Result<(), PortalError>> + Send;
    /// `GetRoleCredentials`.
    fn get_role_credentials(
        &self,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> impl Future<Output = Result<RoleCredentials, PortalError>> + Send;
    /// `ListAccounts`, every page.
    fn list_accounts(
        &self,
        access_token: &Secret,
    ) -> impl Future<Output = Result<Vec<Account>, PortalError>> + Send;
    /// `ListAccountRoles`, every page: the role names.
    fn list_account_roles(
        &self,
        access_token: &Secret,
        account_id: &str,
    ) -> impl Future<Output = Result<Vec<String>, PortalError>> + Send;
    /// The endpoint, for messages.
    fn endpoint(&self) -> &str;
}

/// [`PortalApi`] over the AWS SDK for Rust.
#[derive(Debug, Clone)]
pub struct SdkPortal {
    client: aws_sdk_sso::Client,
    endpoint: String,
    transport: aws_sso_http::Transport,
}

impl SdkPortal {
    /// A client for `region` at `endpoint`, set on the client unless it is the public
    /// default, through `transport` (CA bundle, proxy). Requests and responses are traced
    /// (method, path, status) for `--debug`.
    pub fn new(
        region: &str,
        endpoint: &aws_sso_profile_config::Endpoint,
        transport: &aws_sso_http::Transport,
    ) -> Self {
        Self::build(region, endpoint, transport, None)
    }

    /// Like [`SdkPortal::new`], with one attempt per call: for listing, whose caller
    /// ([`fetch_accounts_and_roles`](crate::fetch_accounts_and_roles)) adapts to throttling
    /// itself and must see every throttled answer.
    pub fn for_listing(
        region: &str,
        endpoint: &aws_sso_profile_config::Endpoint,
        transport: &aws_sso_http::Transport,
    ) -> Self {
        Self::build(
            region,
            endpoint,
            transport,
            Some(aws_sdk_sso::config::retry::RetryConfig::standard().with_max_attempts(1)),
        )
    }

    fn build(
        region: &str,
        endpoint: &aws_sso_profile_config::Endpoint,
        transport: &aws_sso_http::Transport,
        retry: Option<aws_sdk_sso::config::retry::RetryConfig>,
    ) -> Self {
        let mut config = aws_sso_http::sdk_config(region, endpoint, transport);
        if let Some(retry) = retry {
            config = config.retry_config(retry);
        }
        Self {
            client: aws_sso_http::sdk_client!(aws_sdk_sso, &config.build()),
            endpoint: endpoint.url.clone(),
            transport: transport.clone(),
        }
    }

    fn classify<E>(
        &self,
        error: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    ) -> PortalError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        use aws_sso_http::Failure;
        match aws_sso_http::classify(error, &self.transport, &self.endpoint) {
            Failure::Service { code, message } => match code.as_str() {
                "UnauthorizedException" => PortalError::Unauthorized,
                "ForbiddenException" => PortalError::Forbidden,
                "TooManyRequestsException" => PortalError::Throttled,
                _ => PortalError::Service { code, message },
            },
            Failure::Unreachable(reason) => PortalError::Unreachable {
                endpoint: self.endpoint.clone(),
                reason,
            },
            Failure::Malformed(reason) => self.malformed(reason),
        }
    }

    fn malformed(&self, reason: impl Into<String>) -> PortalError {
        PortalError::Malformed {
            endpoint: self.endpoint.clone(),
            reason: reason.into(),
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

    async fn get_role_credentials(
        &self,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, PortalError> {
        let out = self
            .client
            .get_role_credentials()
            .access_token(access_token.expose())
            .account_id(account_id)
            .role_name(role_name)
            .send()
            .await
            .map_err(|e| self.classify(&e))?;
        let rc = out
            .role_credentials()
            .ok_or_else(|| self.malformed("GetRoleCredentials: no roleCredentials"))?;
        if rc.expiration() <= 0 {
            return Err(self.malformed("GetRoleCredentials: no expiration"));
        }
        let expiration =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(rc.expiration()) * 1_000_000)
                .map_err(|_| {
                    self.malformed("GetRoleCredentials: the expiration is out of range")
                })?;
        let field = |value: Option<&str>, name: &str| {
            value
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| self.malformed(format!("GetRoleCredentials: no {name}")))
        };
        Ok(RoleCredentials {
            access_key_id: field(rc.access_key_id(), "accessKeyId")?,
            secret_access_key: Secret::new(field(rc.secret_access_key(), "secretAccessKey")?),
            session_token: Secret::new(field(rc.session_token(), "sessionToken")?),
            expiration: Some(expiration),
            account_id: Some(account_id.to_owned()),
        })
    }

    async fn list_accounts(&self, access_token: &Secret) -> Result<Vec<Account>, PortalError> {
        let mut pages = self
            .client
            .list_accounts()
            .access_token(access_token.expose())
            .into_paginator()
            .items()
            .send();
        let mut out = Vec::new();
        while let Some(item) = pages.next().await {
            let a = item.map_err(|e| self.classify(&e))?;
            let Some(id) = a.account_id().filter(|id| !id.is_empty()) else {
                return Err(self.malformed("ListAccounts: an account without accountId"));
            };
            out.push(Account {
                account_id: id.to_owned(),
                account_name: a.account_name().unwrap_or_default().to_owned(),
                email: a.email_address().unwrap_or_default().to_owned(),
            });
        }
        Ok(out)
    }

    async fn list_account_roles(
        &self,
        access_token: &Secret,
        account_id: &str,
    ) -> Result<Vec<String>, PortalError> {
        let mut pages = self
            .client
            .list_account_roles()
            .access_token(access_token.expose())
            .account_id(account_id)
            .into_paginator()
            .items()
            .send();
        let mut out = Vec::new();
        while let Some(item) = pages.next().await {
            let role = item.map_err(|e| self.classify(&e))?;
            let Some(name) = role.role_name().filter(|n| !n.is_empty()) else {
                return Err(self.malformed("ListAccountRoles: a role without roleName"));
            };
            out.push(name.to_owned());
        }
        Ok(out)
    }

    fn endpoint(&self) -> &str {
        &self.endpoint
    }
}
