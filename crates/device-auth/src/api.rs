//! The OIDC calls, behind a trait. [`SdkOidc`] is the only code that touches
//! `aws-sdk-ssooidc`; tests may bring their own [`OidcApi`].

use std::future::Future;

use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};
use aws_sso_token_cache::Secret;

/// A client registration as the service returns it.
#[derive(Debug, Clone)]
pub struct Registered {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: Secret,
    /// `clientSecretExpiresAt`, epoch seconds.
    pub expires_at: i64,
}

/// What `RegisterClient` is asked for.
#[derive(Debug, Clone, Default)]
pub struct RegisterRequest {
    /// `clientName`.
    pub client_name: String,
    /// `scopes`; `None` sends none.
    pub scopes: Option<Vec<String>>,
    /// `grantTypes`.
    pub grant_types: Option<Vec<String>>,
    /// `redirectUris`.
    pub redirect_uris: Option<Vec<String>>,
    /// `issuerUrl`.
    pub issuer_url: Option<String>,
}

/// `StartDeviceAuthorization`'s answer.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    /// `deviceCode` (secret: it redeems for a token).
    pub device_code: Secret,
    /// `userCode`, shown to the user.
    pub user_code: String,
    /// `verificationUri`.
    pub verification_uri: String,
    /// `verificationUriComplete` (the URI with the code filled in).
    pub verification_uri_complete: String,
    /// `expiresIn`, seconds.
    pub expires_in: i64,
    /// `interval`, seconds (0 when the service sent none).
    pub interval: i64,
}

/// Which grant a `CreateToken` uses.
#[derive(Debug, Clone)]
pub enum Grant {
    /// `urn:ietf:params:oauth:grant-type:device_code`.
    DeviceCode(Secret),
    /// `authorization_code` with PKCE.
    AuthorizationCode {
        /// The code from the redirect.
        code: Secret,
        /// The redirect URI used in the authorize request.
        redirect_uri: String,
        /// The PKCE verifier.
        verifier: Secret,
    },
    /// `refresh_token`.
    RefreshToken(Secret),
}

/// `CreateToken`'s answer.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// `accessToken`.
    pub access_token: Secret,
    /// `expiresIn`, seconds.
    pub expires_in: i64,
    /// `refreshToken`, when issued.
    pub refresh_token: Option<Secret>,
}

/// A failed call, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `AuthorizationPendingException`.
    AuthorizationPending,
    /// `SlowDownException`.
    SlowDown,
    /// `ExpiredTokenException`.
    ExpiredToken,
    /// `AccessDeniedException`.
    AccessDenied,
    /// `InvalidGrantException`.
    InvalidGrant(String),
    /// `InvalidClientException`.
    InvalidClient(String),
    /// No answer (connection refused, DNS, timeout).
    Unreachable(String),
    /// An answer that cannot be used (not the service's format, a field missing or of the
    /// wrong type, too large): what is wrong.
    Malformed(String),
    /// Anything else.
    Other {
        /// The error code.
        code: String,
        /// The message.
        message: String,
    },
}

/// The OIDC service.
pub trait OidcApi: Send + Sync {
    /// `RegisterClient`.
    fn register_client(
        &self,
        request: RegisterRequest,
    ) -> impl Future<Output = Result<Registered, ApiError>> + Send;
    /// `StartDeviceAuthorization`.
    fn start_device_authorization(
        &self,
        client_id: &str,
        client_secret: &Secret,
        start_url: &str,
    ) -> impl Future<Output = Result<DeviceAuthorization, ApiError>> + Send;
    /// `CreateToken`.
    fn create_token(
        &self,
        client_id: &str,
        client_secret: &Secret,
        grant: Grant,
    ) -> impl Future<Output = Result<Tokens, ApiError>> + Send;
    /// The endpoint, for messages and for building the authorize URL.
    fn endpoint(&self) -> &str;

    /// Where a company's own start URL leads (one request, one redirect followed; see
    /// [`aws_sso_http::follow_one_redirect`]). The default leaves it as it is (test doubles).
    fn follow_start_url(
        &self,
        start_url: &str,
    ) -> impl Future<Output = Result<String, aws_sso_http::FollowError>> + Send {
        let start_url = start_url.to_owned();
        async move { Ok(start_url) }
    }
}

/// [`OidcApi`] over the AWS SDK for Rust.
#[derive(Debug, Clone)]
pub struct SdkOidc {
    client: aws_sdk_ssooidc::Client,
    endpoint: String,
    transport: aws_sso_http::Transport,
}

impl SdkOidc {
    /// A client for `region` at `endpoint` (see
    /// `aws_sso_profile_config::ProfileSet::endpoint`), set on the client unless it is the
    /// public default, which the SDK resolves itself, through `transport` (CA bundle,
    /// proxy), as `aws-sso-http` builds every client. Requests and responses are traced
    /// (method, path, operation, status and time; never headers or bodies) for `--debug`.
    pub fn new(
        region: &str,
        endpoint: &aws_sso_profile_config::Endpoint,
        transport: &aws_sso_http::Transport,
    ) -> Self {
        let config = aws_sso_http::sdk_config(region, endpoint, transport).build();
        Self {
            client: aws_sso_http::sdk_client!(aws_sdk_ssooidc, &config),
            endpoint: endpoint.url.clone(),
            transport: transport.clone(),
        }
    }

    /// The client for `target`'s session, OIDC endpoint and transport.
    pub fn for_target(target: &crate::SignInTarget) -> Self {
        Self::new(&target.session.region, &target.oidc, &target.transport)
    }
}

/// A field the answer must hold, not empty.
fn required(value: Option<&str>, missing: &str) -> Result<String, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::Malformed(missing.to_owned()))
}

/// The service's `message`, or `meaning` when it sent none: an error always says what was
/// refused.
fn or_else(message: String, meaning: &str) -> String {
    if message.trim().is_empty() {
        meaning.to_owned()
    } else {
        message
    }
}

fn classify<E>(
    oidc: &SdkOidc,
    error: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sso_http::Failure;
    match aws_sso_http::classify(error, &oidc.transport, &oidc.endpoint) {
        Failure::Service { code, message } => match code.as_str() {
            "AuthorizationPendingException" => ApiError::AuthorizationPending,
            "SlowDownException" => ApiError::SlowDown,
            "ExpiredTokenException" => ApiError::ExpiredToken,
            "AccessDeniedException" => ApiError::AccessDenied,
            "InvalidGrantException" => ApiError::InvalidGrant(or_else(
                message,
                "the grant is invalid, expired or already used (InvalidGrantException)",
            )),
            "InvalidClientException" => ApiError::InvalidClient(or_else(
                message,
                "the service does not know this client id, or its secret is wrong (InvalidClientException)",
            )),
            // Throttling outside the device-code poll, under either name.
            "TooManyRequestsException" | "ThrottlingException" => ApiError::SlowDown,
            _ => ApiError::Other { code, message },
        },
        Failure::Unreachable(why) => ApiError::Unreachable(why),
        Failure::Malformed(why) => ApiError::Malformed(why),
    }
}

impl OidcApi for SdkOidc {
    async fn register_client(&self, request: RegisterRequest) -> Result<Registered, ApiError> {
        let out = self
            .client
            .register_client()
            .client_name(request.client_name)
            .client_type("public")
            .set_scopes(request.scopes)
            .set_grant_types(request.grant_types)
            .set_redirect_uris(request.redirect_uris)
            .set_issuer_url(request.issuer_url)
            .send()
            .await
            .map_err(|e| classify(self, &e))?;
        Ok(Registered {
            client_id: required(out.client_id(), "RegisterClient: no clientId")?,
            client_secret: Secret::new(required(
                out.client_secret(),
                "RegisterClient: no clientSecret",
            )?),
            expires_at: out.client_secret_expires_at(),
        })
    }

    async fn start_device_authorization(
        &self,
        client_id: &str,
        client_secret: &Secret,
        start_url: &str,
    ) -> Result<DeviceAuthorization, ApiError> {
        let out = self
            .client
            .start_device_authorization()
            .client_id(client_id)
            .client_secret(client_secret.expose())
            .start_url(start_url)
            .send()
            .await
            .map_err(|e| classify(self, &e))?;
        let field = |value: Option<&str>, name: &str| {
            required(value, &format!("StartDeviceAuthorization: no {name}"))
        };
        let verification_uri = field(out.verification_uri(), "verificationUri")?;
        Ok(DeviceAuthorization {
            device_code: Secret::new(field(out.device_code(), "deviceCode")?),
            user_code: field(out.user_code(), "userCode")?,
            verification_uri_complete: out
                .verification_uri_complete()
                .filter(|u| !u.is_empty())
                .map_or_else(|| verification_uri.clone(), str::to_owned),
            verification_uri,
            expires_in: i64::from(out.expires_in()),
            interval: i64::from(out.interval()),
        })
    }

    async fn create_token(
        &self,
        client_id: &str,
        client_secret: &Secret,
        grant: Grant,
    ) -> Result<Tokens, ApiError> {
        let call = self
            .client
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret.expose());
        let call = match grant {
            Grant::DeviceCode(code) => call
                .grant_type(crate::DEVICE_GRANT)
                .device_code(code.expose()),
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                verifier,
            } => call
                .grant_type("authorization_code")
                .code(code.expose())
                .redirect_uri(redirect_uri)
                .code_verifier(verifier.expose()),
            Grant::RefreshToken(token) => call
                .grant_type("refresh_token")
                .refresh_token(token.expose()),
        };
        let out = call.send().await.map_err(|e| classify(self, &e))?;
        Ok(Tokens {
            access_token: Secret::new(required(out.access_token(), "CreateToken: no accessToken")?),
            expires_in: match out.expires_in() {
                n if n > 0 => i64::from(n),
                _ => return Err(ApiError::Malformed("CreateToken: no expiresIn".into())),
            },
            refresh_token: out
                .refresh_token()
                .filter(|t| !t.is_empty())
                .map(Secret::new),
        })
    }

    async fn follow_start_url(&self, start_url: &str) -> Result<String, aws_sso_http::FollowError> {
        aws_sso_http::follow_one_redirect(&self.transport, start_url).await
    }

    fn endpoint(&self) -> &str {
        &self.endpoint
    }
}
