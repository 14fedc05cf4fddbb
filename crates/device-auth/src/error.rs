//! The one error type of this crate, and what the OIDC service's answers become in it.

use crate::api::ApiError;

/// A sign-in that did not complete.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: Box<ErrorKind>,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self {
            kind: Box::new(kind),
        }
    }
}

impl From<aws_sso_token_cache::Error> for Error {
    fn from(e: aws_sso_token_cache::Error) -> Self {
        ErrorKind::Cache(e).into()
    }
}

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A company's own start URL does not lead to an AWS access portal.
    #[error(
        "the start URL {start_url} is not an AWS access portal's, and {reason}; set sso_start_url to the portal's address (https://d-….awsapps.com/start, or the one your company's address leads to)"
    )]
    StartUrl {
        /// The configured start URL.
        start_url: String,
        /// Where it led, or why it could not be followed.
        reason: String,
    },
    /// A company's own start URL could not be followed: no answer.
    #[error(
        "cannot follow the start URL {start_url} to its AWS access portal: {reason}; check the network and the proxy (HTTPS_PROXY, NO_PROXY), or set sso_start_url to the portal's own address (https://d-….awsapps.com/start)"
    )]
    StartUrlUnreachable {
        /// The configured start URL.
        start_url: String,
        /// What failed.
        reason: String,
    },
    /// The start URL is (or leads to) an AWS access portal in another region than
    /// `sso_region`.
    #[error(
        "the start URL {start_url} is an AWS access portal in {portal_region} ({portal}), while sso_region is {sso_region}; set sso_region = {portal_region}"
    )]
    PortalRegion {
        /// The configured start URL.
        start_url: String,
        /// The portal's address.
        portal: String,
        /// The region its host names.
        portal_region: String,
        /// The configured `sso_region`.
        sso_region: String,
    },
    /// The OIDC endpoint could not be reached.
    #[error(
        "cannot reach the IAM Identity Center OIDC endpoint {endpoint}: {reason}; check the network, sso_region and AWS_ENDPOINT_URL_SSO_OIDC"
    )]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The cause.
        reason: String,
    },
    /// The OIDC endpoint sent an answer that cannot be used.
    #[error(
        "the IAM Identity Center OIDC endpoint {endpoint} sent an answer that cannot be used ({reason}); a proxy or captive portal may be answering in its place: check the network, try again, and add --debug to see the requests"
    )]
    Malformed {
        /// The endpoint.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// IAM Identity Center throttled the request.
    #[error("IAM Identity Center is throttling requests; try again in a few seconds")]
    Throttled,
    /// The user denied the request in the browser.
    #[error("the sign-in request was denied in the browser; run the login again and choose Allow")]
    Denied,
    /// The device code or authorization request expired before the user allowed it.
    #[error(
        "the sign-in request expired before it was allowed; run the login again and allow it within {minutes} minutes"
    )]
    Expired {
        /// How long the request was valid.
        minutes: i64,
    },
    /// The service refused a grant (a used code, a wrong verifier, a revoked refresh token).
    #[error("IAM Identity Center refused the token request: {0}")]
    InvalidGrant(String),
    /// The service refused the client registration.
    #[error(
        "IAM Identity Center refused the client registration: {0}; the cached registration was removed, run the login again"
    )]
    InvalidClient(String),
    /// The browser came back with another `state` than the one sent.
    #[error(
        "the browser returned a different state than the one sent (a stale or forged redirect); run the login again"
    )]
    StateMismatch,
    /// The browser came back with an error.
    #[error("the browser returned an error: {error}{}; run the login again", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Redirect {
        /// The `error` parameter.
        error: String,
        /// The `error_description` parameter.
        description: Option<String>,
    },
    /// A pasted address is not the loopback callback.
    #[error("{0}")]
    BadCallback(String),
    /// The service sent a verification or authorize URL that is not `https://`.
    #[error("refusing to open {0}: sign-in pages must be https:// (or a loopback address)")]
    InsecureUrl(String),
    /// Nobody completed the browser step in time.
    #[error("gave up after {minutes} minutes waiting for the browser; run the login again")]
    TimedOut {
        /// How long we waited.
        minutes: u64,
    },
    /// The loopback listener could not be started.
    #[error(
        "cannot listen on 127.0.0.1:{port} for the browser's redirect: {source}; pick another --redirect-port"
    )]
    Listener {
        /// The port asked for (0 = any).
        port: u16,
        /// The cause.
        source: std::io::Error,
    },
    /// The operating system has no randomness.
    #[error(
        "cannot get random bytes from the operating system: {0}; check that /dev/urandom (or the platform's equivalent) is available"
    )]
    Random(String),
    /// Another service error.
    #[error("IAM Identity Center answered {code}: {message}; {}", what_to_do(code))]
    Service {
        /// The error code.
        code: String,
        /// The message.
        message: String,
    },
    /// The cache could not be read or written.
    #[error(transparent)]
    Cache(aws_sso_token_cache::Error),
}

pub(crate) fn service_error(e: ApiError, endpoint: &str) -> Error {
    match e {
        ApiError::Unreachable(reason) => ErrorKind::Unreachable {
            endpoint: endpoint.to_owned(),
            reason,
        }
        .into(),
        ApiError::Malformed(reason) => ErrorKind::Malformed {
            endpoint: endpoint.to_owned(),
            reason,
        }
        .into(),
        ApiError::InvalidGrant(m) => ErrorKind::InvalidGrant(m).into(),
        ApiError::InvalidClient(m) => ErrorKind::InvalidClient(m).into(),
        ApiError::AccessDenied => ErrorKind::Denied.into(),
        ApiError::ExpiredToken => ErrorKind::Expired { minutes: 0 }.into(),
        ApiError::AuthorizationPending => ErrorKind::Service {
            code: "AuthorizationPendingException".into(),
            message: String::new(),
        }
        .into(),
        ApiError::SlowDown => ErrorKind::Throttled.into(),
        ApiError::Other { code, message } => ErrorKind::Service { code, message }.into(),
    }
}

/// What to do about a service error with `code`: a request the service finds invalid comes
/// from the session's settings (an unknown start URL, a start URL of another region), which
/// trying again cannot change.
fn what_to_do(code: &str) -> &'static str {
    if code == "InvalidRequestException" {
        "check the session's sso_start_url (the AWS access portal URL) and sso_region (the region of IAM Identity Center), then sign in again"
    } else {
        "try again, and add --debug to see the requests"
    }
}
