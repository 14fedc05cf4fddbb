//! Errors in the exact shapes the real services send.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answer of one of the mocked services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// OIDC (`sso-oauth`): `x-amzn-ErrorType` and `{"error", "error_description"}`.
    Oidc {
        /// HTTP status.
        status: StatusCode,
        /// The exception name (`AuthorizationPendingException`).
        kind: &'static str,
        /// The OAuth error code (`authorization_pending`).
        code: &'static str,
        /// The description.
        description: String,
    },
    /// The portal (`awsssoportal`): `{"message", "__type"}`.
    Portal {
        /// HTTP status.
        status: StatusCode,
        /// The exception name (`UnauthorizedException`).
        kind: &'static str,
        /// The message.
        message: String,
    },
    /// STS (awsQuery): an XML `ErrorResponse`.
    Sts {
        /// HTTP status.
        status: StatusCode,
        /// The error code (`SignatureDoesNotMatch`).
        code: &'static str,
        /// The message.
        message: String,
    },
    /// The sign-in federation endpoint and the browser pages: a status and a text.
    Plain {
        /// HTTP status.
        status: StatusCode,
        /// The text.
        message: String,
    },
}

impl ApiError {
    fn oidc(
        status: StatusCode,
        kind: &'static str,
        code: &'static str,
        description: impl Into<String>,
    ) -> Self {
        Self::Oidc {
            status,
            kind,
            code,
            description: description.into(),
        }
    }

    /// `AuthorizationPendingException`.
    pub fn authorization_pending() -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "AuthorizationPendingException",
            "authorization_pending",
            "Authorization is still pending",
        )
    }
    /// `SlowDownException`.
    pub fn slow_down() -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "SlowDownException",
            "slow_down",
            "Client is polling too quickly",
        )
    }
    /// `ExpiredTokenException`.
    pub fn expired_token(what: &str) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "ExpiredTokenException",
            "expired_token",
            format!("{what} has expired"),
        )
    }
    /// `AccessDeniedException`.
    pub fn access_denied() -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            "access_denied",
            "The user denied the authorization request",
        )
    }
    /// `InvalidGrantException`.
    pub fn invalid_grant(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidGrantException",
            "invalid_grant",
            why,
        )
    }
    /// `InvalidClientException` (401).
    pub fn invalid_client(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::UNAUTHORIZED,
            "InvalidClientException",
            "invalid_client",
            why,
        )
    }
    /// `InvalidRequestException`.
    pub fn invalid_request(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidRequestException",
            "invalid_request",
            why,
        )
    }
    /// `InvalidScopeException`.
    pub fn invalid_scope(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidScopeException",
            "invalid_scope",
            why,
        )
    }
    /// `UnsupportedGrantTypeException`.
    pub fn unsupported_grant_type(grant: &str) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "UnsupportedGrantTypeException",
            "unsupported_grant_type",
            format!("Unsupported grant type: {grant}"),
        )
    }
    /// `UnauthorizedClientException`.
    pub fn unauthorized_client(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "UnauthorizedClientException",
            "unauthorized_client",
            why,
        )
    }
    /// `InvalidClientMetadataException`.
    pub fn invalid_client_metadata(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidClientMetadataException",
            "invalid_client_metadata",
            why,
        )
    }
    /// `InvalidRedirectUriException`.
    pub fn invalid_redirect_uri(why: impl Into<String>) -> Self {
        Self::oidc(
            StatusCode::BAD_REQUEST,
            "InvalidRedirectUriException",
            "invalid_redirect_uri",
            why,
        )
    }
    /// `InternalServerException` of OIDC.
    pub fn oidc_internal() -> Self {
        Self::oidc(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "server_error",
            "An internal error occurred",
        )
    }

    fn portal(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self::Portal {
            status,
            kind,
            message: message.into(),
        }
    }
    /// `UnauthorizedException` (401): a missing, expired, revoked or unknown token.
    pub fn unauthorized() -> Self {
        Self::portal(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Session token not found or invalid",
        )
    }
    /// `ForbiddenException` (403): a role the user does not have.
    pub fn forbidden() -> Self {
        Self::portal(StatusCode::FORBIDDEN, "ForbiddenException", "No access")
    }
    /// `TooManyRequestsException` (429).
    pub fn too_many_requests() -> Self {
        Self::portal(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsException",
            "Too many requests",
        )
    }
    /// `ResourceNotFoundException` (404).
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::portal(StatusCode::NOT_FOUND, "ResourceNotFoundException", what)
    }
    /// `InvalidRequestException` (400) of the portal.
    pub fn portal_invalid(why: impl Into<String>) -> Self {
        Self::portal(StatusCode::BAD_REQUEST, "InvalidRequestException", why)
    }
    /// `InternalServerException` of the portal.
    pub fn portal_internal() -> Self {
        Self::portal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
            "An internal error occurred",
        )
    }

    /// An STS error.
    pub fn sts(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Sts {
            status,
            code,
            message: message.into(),
        }
    }

    /// A plain error.
    pub fn plain(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Plain {
            status,
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Oidc { status, .. }
            | Self::Portal { status, .. }
            | Self::Sts { status, .. }
            | Self::Plain { status, .. } => *status,
        }
    }
}

fn request_id() -> String {
    let hex = |n: usize| {
        (0..n)
            .map(|_| fastrand::alphanumeric().to_ascii_lowercase())
            .collect::<String>()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (content_type, error_type, body) = match self {
            Self::Oidc { kind, code, description, .. } => (
                "application/json",
                Some(format!("{kind}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")),
                serde_json::json!({ "error": code, "error_description": description }).to_string(),
            ),
            Self::Portal { kind, message, .. } => (
                "application/json",
                Some(format!("{kind}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")),
                serde_json::json!({ "message": message, "__type": format!("com.amazonaws.switchboard.portal#{kind}") })
                    .to_string(),
            ),
            Self::Sts { code, message, .. } => {
                let kind = if status.is_server_error() { "Receiver" } else { "Sender" };
                let body = format!(
                    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
                    xml_escape(&message),
                    request_id()
                );
                ("text/xml", None, body)
            }
            Self::Plain { message, .. } => ("text/plain; charset=utf-8", None, message),
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Some(value) = error_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
            headers.insert("x-amzn-ErrorType", value);
        }
        if let Ok(id) = HeaderValue::from_str(&request_id()) {
            headers.insert("x-amzn-RequestId", id);
        }
        response
    }
}

/// Escapes text for XML and HTML.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
