//! The mock's world: registered clients, device and authorization codes, tokens, issued role
//! credentials, counters and the request log. Every operation takes `now` (epoch
//! milliseconds), so behaviour depends only on its inputs.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use axum::http::StatusCode;

use crate::error::ApiError;
use crate::scenario::{Account, Approval, Scenario};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The mock's clock: the system time, moved forward by whatever a test asked
/// ([`crate::MockServer::advance`]), so tests step through intervals and lifetimes instead of
/// sleeping. The one place the mock reads the time; every operation of [`State`] takes `now`.
#[derive(Debug, Default)]
pub struct MockClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl MockClock {
    /// The current mock time in epoch milliseconds.
    pub fn now(&self) -> Millis {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        system.saturating_add(self.offset_ms.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Moves the mock's time forward.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A secret of `len` random characters after `prefix`. The mock's secrets are as long as
/// IAM Identity Center's and STS's (an access or refresh token or a session token of about
/// 1,000 characters, a client secret of about 1,200), so that what holds them (a keyring
/// item, an environment variable) is tried at the size it meets.
fn random(prefix: &str, len: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + len);
    s.push_str(prefix);
    s.extend(std::iter::repeat_with(fastrand::alphanumeric).take(len));
    s
}

fn upper(len: usize) -> String {
    std::iter::repeat_with(|| fastrand::char('A'..='Z'))
        .take(len)
        .collect()
}

/// How many requests the log keeps (the oldest go first), so a long-running mock stays small.
pub const LOG_CAPACITY: usize = 100_000;

/// The device-code grant type.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const KNOWN_GRANTS: [&str; 3] = ["authorization_code", "refresh_token", DEVICE_GRANT];

/// A registered OIDC client.
#[derive(Debug, Clone)]
pub struct Client {
    name: String,
    secret: String,
    expires_at: Millis,
    grant_types: Vec<String>,
    redirect_uris: Vec<String>,
    scopes: Vec<String>,
}

/// Where a device authorization stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceStatus {
    /// Waiting for the user.
    Pending,
    /// Allowed.
    Approved,
    /// Denied.
    Denied,
    /// A token was issued for it.
    Used,
}

#[derive(Debug, Clone)]
struct DeviceAuth {
    client_id: String,
    user_code: String,
    expires_at: Millis,
    interval: i64,
    last_poll: Option<Millis>,
    polls: u32,
    status: DeviceStatus,
}

#[derive(Debug, Clone)]
struct AuthCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    expires_at: Millis,
}

/// A browser's PKCE authorization in progress (between `/authorize` and the redirect).
#[derive(Debug, Clone)]
pub struct PendingAuthorization {
    /// The client.
    pub client_id: String,
    /// Where to send the browser back.
    pub redirect_uri: String,
    /// The client's `state`, returned as is.
    pub state: String,
    /// The S256 challenge.
    pub challenge: String,
    /// The requested scopes.
    pub scopes: String,
    /// Whether the user has signed in on the sign-in page.
    pub signed_in: bool,
}

#[derive(Debug, Clone)]
struct Token {
    expires_at: Millis,
    revoked: bool,
}

#[derive(Debug, Clone)]
struct RefreshToken {
    client_id: String,
    expires_at: Millis,
    used: bool,
}

/// Role credentials the mock issued (STS and sign-in federation check against them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    /// `ASIA...`.
    pub access_key_id: String,
    /// The secret key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// Expiry, epoch milliseconds.
    pub expires_at: Millis,
    /// The account.
    pub account_id: String,
    /// The role.
    pub role_name: String,
    /// For credentials of `AssumeRole`: the assumed-role ARN
    /// (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`); `None` for `GetRoleCredentials`'.
    pub assumed_arn: Option<String>,
}

/// One line of the request log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The API (`CreateToken`, `GetRoleCredentials`, `DevicePage`, ...).
    pub api: String,
    /// `GET`, `POST`.
    pub method: String,
    /// The path (no query: queries may hold codes).
    pub path: String,
    /// The HTTP status answered.
    pub status: u16,
    /// When, epoch milliseconds.
    pub at: Millis,
}

/// Everything the mock knows.
#[derive(Debug)]
pub struct State {
    /// The scenario in force.
    pub scenario: Scenario,
    pub(crate) accounts: Vec<Account>,
    clients: HashMap<String, Client>,
    devices: HashMap<String, DeviceAuth>,
    user_codes: HashMap<String, String>,
    pending: HashMap<String, PendingAuthorization>,
    codes: HashMap<String, AuthCode>,
    tokens: HashMap<String, Token>,
    refresh_tokens: HashMap<String, RefreshToken>,
    credentials: HashMap<String, IssuedCredentials>,
    signin_tokens: HashMap<String, (String, Millis)>,
    counters: BTreeMap<String, u64>,
    log: std::collections::VecDeque<LogEntry>,
    windows: HashMap<String, (Millis, u32)>,
    /// Every secret issued or received, newest last (bounded like the log).
    secrets: Secrets,
}

/// The secrets the mock issued (client secrets, device and authorization codes, access and
/// refresh tokens, role secret keys and session tokens, sign-in tokens) and the PKCE
/// verifiers it received, so tests can check that none leaks into a log.
#[derive(Debug, Default)]
struct Secrets(std::collections::VecDeque<String>);

impl Secrets {
    fn push(&mut self, secret: String) {
        if self.0.len() == LOG_CAPACITY {
            self.0.pop_front();
        }
        self.0.push_back(secret);
    }
}

/// `RegisterClient`'s input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterClientRequest {
    client_name: Option<String>,
    client_type: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
    issuer_url: Option<String>,
}

/// `CreateToken`'s input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTokenRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// The base64url (no padding) SHA-256 of a PKCE verifier.
pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether two redirect URIs match, ignoring the port of a loopback address (RFC 8252 §7.3).
fn redirect_matches(registered: &str, used: &str) -> bool {
    fn without_loopback_port(uri: &str) -> String {
        for host in ["http://127.0.0.1", "http://localhost", "http://[::1]"] {
            if let Some(rest) = uri.strip_prefix(host) {
                let path = rest
                    .strip_prefix(':')
                    .map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
                return format!("{host}{path}");
            }
        }
        uri.to_owned()
    }
    without_loopback_port(registered) == without_loopback_port(used)
}

fn is_scope(s: &str) -> bool {
    !s.is_empty()
        && s.contains(':')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b":*_-.".contains(&b))
}

impl State {
    /// A fresh world for `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Self {
            accounts: scenario.all_accounts(),
            scenario,
            clients: HashMap::new(),
            devices: HashMap::new(),
            user_codes: HashMap::new(),
            pending: HashMap::new(),
            codes: HashMap::new(),
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            credentials: HashMap::new(),
            signin_tokens: HashMap::new(),
            counters: BTreeMap::new(),
            log: std::collections::VecDeque::new(),
            windows: HashMap::new(),
            secrets: Secrets::default(),
        }
    }

    /// Every secret issued or received so far (the newest [`LOG_CAPACITY`]).
    pub fn secrets(&self) -> Vec<String> {
        self.secrets.0.iter().cloned().collect()
    }

    // ----- bookkeeping ---------------------------------------------------------------------

    /// Counts a request to `api`.
    pub fn count(&mut self, api: &str) {
        *self.counters.entry(api.to_owned()).or_default() += 1;
    }

    /// Appends to the request log, which keeps the last [`LOG_CAPACITY`] entries.
    pub fn record(&mut self, entry: LogEntry) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(entry);
    }

    /// Requests per API so far.
    pub fn counters(&self) -> BTreeMap<String, u64> {
        self.counters.clone()
    }

    /// The request log.
    pub fn log(&self) -> Vec<LogEntry> {
        self.log.iter().cloned().collect()
    }

    /// Whether `api` is over its requests-per-second limit (counting this request).
    pub fn throttled(&mut self, api: &str, now: Millis) -> bool {
        let Some(&limit) = self.scenario.throttle_rps.get(api) else {
            return false;
        };
        let window = self.windows.entry(api.to_owned()).or_insert((now, 0));
        if now - window.0 >= 1000 {
            *window = (now, 0);
        }
        window.1 += 1;
        window.1 > limit
    }

    // ----- OIDC ----------------------------------------------------------------------------

    /// `RegisterClient`.
    pub fn register_client(
        &mut self,
        req: RegisterClientRequest,
        now: Millis,
        base_url: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let name = req
            .client_name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| ApiError::invalid_request("clientName is required"))?;
        match req.client_type.as_deref() {
            Some("public") => {}
            Some(other) => {
                return Err(ApiError::invalid_client_metadata(format!(
                    "Unsupported client type: {other}"
                )));
            }
            None => return Err(ApiError::invalid_request("clientType is required")),
        }
        if let Some(bad) = req
            .grant_types
            .iter()
            .find(|g| !KNOWN_GRANTS.contains(&g.as_str()))
        {
            return Err(ApiError::unsupported_grant_type(bad));
        }
        if let Some(bad) = req.scopes.iter().find(|s| !is_scope(s)) {
            return Err(ApiError::invalid_scope(format!("Invalid scope: {bad}")));
        }
        if let Some(bad) = req
            .redirect_uris
            .iter()
            .find(|u| !(u.starts_with("http://") || u.starts_with("https://")))
        {
            return Err(ApiError::invalid_redirect_uri(format!(
                "Invalid redirect URI: {bad}"
            )));
        }
        if req.grant_types.iter().any(|g| g == "authorization_code") {
            if req.redirect_uris.is_empty() {
                return Err(ApiError::invalid_request(
                    "redirectUris is required for the authorization_code grant",
                ));
            }
            if req.issuer_url.is_none() {
                return Err(ApiError::invalid_request(
                    "issuerUrl is required for the authorization_code grant",
                ));
            }
        }
        let client_id = random("", 22);
        let secret = random("", 1_200);
        self.secrets.push(secret.clone());
        let expires_at = now + self.scenario.lifetimes.registration * 1000;
        self.clients.insert(
            client_id.clone(),
            Client {
                name,
                secret: secret.clone(),
                expires_at,
                grant_types: req.grant_types,
                redirect_uris: req.redirect_uris,
                scopes: req.scopes,
            },
        );
        Ok(serde_json::json!({
            "clientId": client_id,
            "clientSecret": secret,
            "clientIdIssuedAt": now / 1000,
            "clientSecretExpiresAt": expires_at / 1000,
            "authorizationEndpoint": format!("{base_url}/authorize"),
            "tokenEndpoint": format!("{base_url}/token"),
        }))
    }

    fn client(
        &self,
        id: Option<&str>,
        secret: Option<&str>,
        now: Millis,
    ) -> Result<&Client, ApiError> {
        let (Some(id), Some(secret)) = (id, secret) else {
            return Err(ApiError::invalid_request(
                "clientId and clientSecret are required",
            ));
        };
        match self.clients.get(id) {
            Some(c) if c.secret != secret => Err(ApiError::invalid_client("Invalid client secret")),
            Some(c) if c.expires_at <= now => {
                Err(ApiError::invalid_client("Client registration has expired"))
            }
            Some(c) => Ok(c),
            None => Err(ApiError::invalid_client("Unknown client")),
        }
    }

    /// `StartDeviceAuthorization`.
    pub fn start_device_authorization(
        &mut self,
        body: &serde_json::Value,
        now: Millis,
        base_url: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let field = |k: &str| body.get(k).and_then(|v| v.as_str());
        let client_id = field("clientId");
        self.client(client_id, field("clientSecret"), now)?;
        let start_url =
            field("startUrl").ok_or_else(|| ApiError::invalid_request("startUrl is required"))?;
        if start_url != self.scenario.start_url {
            return Err(ApiError::invalid_request(format!(
                "Unknown start URL: {start_url}"
            )));
        }
        let device_code = random("", 48);
        self.secrets.push(device_code.clone());
        let user_code = format!("{}-{}", upper(4), upper(4));
        let status = match self.scenario.device.approval {
            Approval::Immediate => DeviceStatus::Approved,
            _ => DeviceStatus::Pending,
        };
        let expires_in = self.scenario.lifetimes.device_code;
        self.devices.insert(
            device_code.clone(),
            DeviceAuth {
                client_id: client_id.unwrap_or_default().to_owned(),
                user_code: user_code.clone(),
                expires_at: now + expires_in * 1000,
                interval: self.scenario.device.interval,
                last_poll: None,
                polls: 0,
                status,
            },
        );
        self.user_codes
            .insert(user_code.clone(), device_code.clone());
        let base_url = self
            .scenario
            .verification_base
            .as_deref()
            .unwrap_or(base_url);

        Ok(serde_json::json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": format!("{base_url}/device"),
            "verificationUriComplete": format!("{base_url}/device?user_code={user_code}"),
            "expiresIn": expires_in,
            "interval": self.scenario.device.interval,
        }))
    }

    /// `CreateToken`, for the device-code, authorization-code and refresh-token grants.
    pub fn create_token(
        &mut self,
        req: CreateTokenRequest,
        now: Millis,
    ) -> Result<serde_json::Value, ApiError> {
        let client_id = req.client_id.clone().unwrap_or_default();
        let client = self
            .client(req.client_id.as_deref(), req.client_secret.as_deref(), now)?
            .clone();
        let grant = req
            .grant_type
            .as_deref()
            .ok_or_else(|| ApiError::invalid_request("grantType is required"))?;
        match grant {
            DEVICE_GRANT => {
                let code = req
                    .device_code
                    .ok_or_else(|| ApiError::invalid_request("deviceCode is required"))?;
                let approval = self.scenario.device.approval;
                let device = self
                    .devices
                    .get_mut(&code)
                    .ok_or_else(|| ApiError::invalid_grant("Invalid device code"))?;
                if device.client_id != client_id {
                    return Err(ApiError::invalid_grant(
                        "The device code was issued to another client",
                    ));
                }
                if device.expires_at <= now {
                    return Err(ApiError::expired_token("The device code"));
                }
                let too_fast = device
                    .last_poll
                    .is_some_and(|last| now - last < (device.interval * 1000).saturating_sub(50));
                device.last_poll = Some(now);
                if too_fast {
                    return Err(ApiError::slow_down());
                }
                device.polls += 1;
                match (device.status, approval) {
                    (DeviceStatus::Pending, Approval::AfterFirstPoll) if device.polls >= 2 => {
                        device.status = DeviceStatus::Approved
                    }
                    (DeviceStatus::Pending, Approval::Deny) => device.status = DeviceStatus::Denied,
                    _ => {}
                }
                match device.status {
                    DeviceStatus::Pending => Err(ApiError::authorization_pending()),
                    DeviceStatus::Denied => Err(ApiError::access_denied()),
                    DeviceStatus::Used => {
                        Err(ApiError::invalid_grant("The device code was already used"))
                    }
                    DeviceStatus::Approved => {
                        device.status = DeviceStatus::Used;
                        Ok(self.issue_token(&client_id, &client, now))
                    }
                }
            }
            "authorization_code" => {
                if !client.grant_types.iter().any(|g| g == "authorization_code") {
                    return Err(ApiError::unauthorized_client(
                        "The client is not registered for the authorization_code grant",
                    ));
                }
                let code = req
                    .code
                    .ok_or_else(|| ApiError::invalid_request("code is required"))?;
                let verifier = req
                    .code_verifier
                    .ok_or_else(|| ApiError::invalid_request("codeVerifier is required"))?;
                self.secrets.push(verifier.clone());
                let redirect = req
                    .redirect_uri
                    .ok_or_else(|| ApiError::invalid_request("redirectUri is required"))?;
                let issued = self
                    .codes
                    .remove(&code)
                    .ok_or_else(|| ApiError::invalid_grant("Invalid authorization code"))?;
                if issued.client_id != client_id {
                    return Err(ApiError::invalid_grant(
                        "The code was issued to another client",
                    ));
                }
                if issued.expires_at <= now {
                    return Err(ApiError::invalid_grant(
                        "The authorization code has expired",
                    ));
                }
                if issued.redirect_uri != redirect {
                    return Err(ApiError::invalid_grant(
                        "redirectUri does not match the authorization request",
                    ));
                }
                if s256(&verifier) != issued.challenge {
                    return Err(ApiError::invalid_grant(
                        "The code verifier does not match the code challenge",
                    ));
                }
                Ok(self.issue_token(&client_id, &client, now))
            }
            "refresh_token" => {
                let token = req
                    .refresh_token
                    .ok_or_else(|| ApiError::invalid_request("refreshToken is required"))?;
                let rotate = self.scenario.refresh.rotate;
                let rec = self
                    .refresh_tokens
                    .get_mut(&token)
                    .ok_or_else(|| ApiError::invalid_grant("Invalid refresh token"))?;
                if rec.client_id != client_id {
                    return Err(ApiError::invalid_grant(
                        "The refresh token was issued to another client",
                    ));
                }
                if rec.used || rec.expires_at <= now {
                    return Err(ApiError::invalid_grant(
                        "The refresh token is expired or was already used",
                    ));
                }
                if rotate {
                    rec.used = true;
                }
                let mut out = self.issue_token(&client_id, &client, now);
                if !rotate {
                    out["refreshToken"] = serde_json::Value::String(token);
                }
                Ok(out)
            }
            other => Err(ApiError::unsupported_grant_type(other)),
        }
    }

    fn issue_token(&mut self, client_id: &str, client: &Client, now: Millis) -> serde_json::Value {
        let access = random("aoa", 1_000);
        self.secrets.push(access.clone());
        let lifetime = self.scenario.lifetimes.access_token;
        self.tokens.insert(
            access.clone(),
            Token {
                expires_at: now + lifetime * 1000,
                revoked: false,
            },
        );
        let mut out = serde_json::json!({ "accessToken": access, "tokenType": "Bearer", "expiresIn": lifetime });
        let refreshable =
            client.grant_types.iter().any(|g| g == "refresh_token") || !client.scopes.is_empty();
        if self.scenario.refresh.issue && refreshable {
            let refresh = random("aor", 1_000);
            self.secrets.push(refresh.clone());
            let expires_at = now + self.scenario.lifetimes.refresh_token * 1000;
            self.refresh_tokens.insert(
                refresh.clone(),
                RefreshToken {
                    client_id: client_id.to_owned(),
                    expires_at,
                    used: false,
                },
            );
            out["refreshToken"] = serde_json::Value::String(refresh);
        }
        out
    }

    // ----- browser pages --------------------------------------------------------------------

    /// The device authorization of `user_code`, if it exists and has not expired: its status
    /// and the name of the client that asked.
    /// The name a client registered with (what consent pages show).
    pub fn client_name(&self, client_id: &str) -> Option<String> {
        self.clients.get(client_id).map(|c| c.name.clone())
    }

    /// The device authorization of `user_code`, if it has not expired: its status and the
    /// name of the client that asked.
    pub fn device_by_user_code(
        &self,
        user_code: &str,
        now: Millis,
    ) -> Option<(DeviceStatus, String)> {
        let device_code = self
            .user_codes
            .get(&user_code.trim().to_ascii_uppercase())?;
        let device = self.devices.get(device_code)?;
        let client = self
            .clients
            .get(&device.client_id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        (device.expires_at > now).then_some((device.status, client))
    }

    /// The user allows (`true`) or denies the device code `user_code`; `false` if there is no
    /// such pending code.
    pub fn decide_device(&mut self, user_code: &str, allow: bool, now: Millis) -> bool {
        let Some(device_code) = self.user_codes.get(&user_code.trim().to_ascii_uppercase()) else {
            return false;
        };
        match self.devices.get_mut(device_code) {
            Some(d) if d.status == DeviceStatus::Pending && d.expires_at > now => {
                d.status = if allow {
                    DeviceStatus::Approved
                } else {
                    DeviceStatus::Denied
                };
                true
            }
            _ => false,
        }
    }

    /// Starts a PKCE authorization from `/authorize`'s parameters; returns its id.
    pub fn begin_authorization(
        &mut self,
        params: &HashMap<String, String>,
    ) -> Result<String, ApiError> {
        let bad = |m: &str| ApiError::plain(axum::http::StatusCode::BAD_REQUEST, m.to_owned());
        let get = |k: &str| {
            params
                .get(k)
                .cloned()
                .ok_or_else(|| bad(&format!("{k} is required")))
        };
        if get("response_type")? != "code" {
            return Err(bad("response_type must be code"));
        }
        if get("code_challenge_method")? != "S256" {
            return Err(bad("code_challenge_method must be S256"));
        }
        let client_id = get("client_id")?;
        let redirect_uri = get("redirect_uri")?;
        let client = self
            .clients
            .get(&client_id)
            .ok_or_else(|| bad("unknown client_id"))?;
        if !client.grant_types.iter().any(|g| g == "authorization_code") {
            return Err(bad(
                "the client is not registered for the authorization_code grant",
            ));
        }
        if !client
            .redirect_uris
            .iter()
            .any(|r| redirect_matches(r, &redirect_uri))
        {
            return Err(bad("redirect_uri is not registered for this client"));
        }
        let id = random("", 32);
        self.pending.insert(
            id.clone(),
            PendingAuthorization {
                client_id,
                redirect_uri,
                state: get("state")?,
                challenge: get("code_challenge")?,
                scopes: params.get("scopes").cloned().unwrap_or_default(),
                signed_in: false,
            },
        );
        Ok(id)
    }

    /// The authorization in progress with `id`.
    pub fn pending_authorization(&mut self, id: &str) -> Option<&mut PendingAuthorization> {
        self.pending.get_mut(id)
    }

    /// Ends an authorization: the redirect URL with `code` and `state`, or with
    /// `error=access_denied`.
    pub fn finish_authorization(&mut self, id: &str, allow: bool, now: Millis) -> Option<String> {
        let p = self.pending.remove(id)?;
        let sep = if p.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let state: String = form_urlencoded::byte_serialize(p.state.as_bytes()).collect();
        if !allow {
            return Some(format!(
                "{}{sep}error=access_denied&error_description=The+user+denied+access&state={state}",
                p.redirect_uri
            ));
        }
        let code = random("", 40);
        self.secrets.push(code.clone());
        let expires_at = now + self.scenario.lifetimes.authorization_code * 1000;
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: p.client_id,
                redirect_uri: p.redirect_uri.clone(),
                challenge: p.challenge,
                expires_at,
            },
        );
        Some(format!("{}{sep}code={code}&state={state}", p.redirect_uri))
    }

    // ----- portal ---------------------------------------------------------------------------

    fn check_token(&self, token: Option<&str>, now: Millis) -> Result<(), ApiError> {
        match token.and_then(|t| self.tokens.get(t)) {
            Some(t) if !t.revoked && t.expires_at > now => Ok(()),
            _ => Err(ApiError::unauthorized()),
        }
    }

    /// `GetRoleCredentials`.
    pub fn get_role_credentials(
        &mut self,
        token: Option<&str>,
        account: Option<&str>,
        role: Option<&str>,
        now: Millis,
    ) -> Result<serde_json::Value, ApiError> {
        let (Some(account), Some(role)) = (account, role) else {
            return Err(ApiError::portal_invalid(
                "account_id and role_name are required",
            ));
        };
        self.check_token(token, now)?;
        let assigned = self
            .accounts
            .iter()
            .any(|a| a.id == account && a.roles.iter().any(|r| r == role));
        if !assigned {
            return Err(ApiError::forbidden());
        }
        let creds = IssuedCredentials {
            access_key_id: format!("ASIA{}", upper(16)),
            secret_access_key: random("", 40),
            session_token: random("IQoJb3JpZ2luX2Vj", 1_000),
            expires_at: now + self.scenario.lifetimes.role_credentials * 1000,
            account_id: account.to_owned(),
            role_name: role.to_owned(),
            assumed_arn: None,
        };
        self.secrets.push(creds.secret_access_key.clone());
        self.secrets.push(creds.session_token.clone());
        let out = serde_json::json!({ "roleCredentials": {
            "accessKeyId": creds.access_key_id,
            "secretAccessKey": creds.secret_access_key,
            "sessionToken": creds.session_token,
            "expiration": creds.expires_at,
        }});
        self.credentials.insert(creds.access_key_id.clone(), creds);
        Ok(out)
    }

    fn page<T: Clone>(
        items: &[T],
        next: Option<&str>,
        max: Option<&str>,
        default: usize,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        let start = match next {
            None | Some("") => 0,
            Some(t) => t
                .strip_prefix("page-")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| ApiError::portal_invalid("Invalid next token"))?,
        };
        let size = match max {
            None => default,
            Some(m) => m
                .parse::<usize>()
                .ok()
                .filter(|&n| (1..=1000).contains(&n))
                .ok_or_else(|| ApiError::portal_invalid("max_result must be 1 to 1000"))?,
        };
        let end = (start + size).min(items.len());
        let page = items
            .get(start.min(items.len())..end)
            .unwrap_or_default()
            .to_vec();
        Ok((page, (end < items.len()).then(|| format!("page-{end}"))))
    }

    /// `ListAccounts`.
    pub fn list_accounts(
        &self,
        token: Option<&str>,
        next: Option<&str>,
        max: Option<&str>,
        now: Millis,
    ) -> Result<serde_json::Value, ApiError> {
        self.check_token(token, now)?;
        let (page, next) = Self::page(&self.accounts, next, max, self.scenario.page_size)?;
        let list: Vec<_> = page
            .iter()
            .map(|a| serde_json::json!({ "accountId": a.id, "accountName": a.name, "emailAddress": a.email }))
            .collect();
        let mut out = serde_json::json!({ "accountList": list });
        if let Some(n) = next {
            out["nextToken"] = n.into();
        }
        Ok(out)
    }

    /// `ListAccountRoles`.
    pub fn list_account_roles(
        &self,
        token: Option<&str>,
        account: Option<&str>,
        next: Option<&str>,
        max: Option<&str>,
        now: Millis,
    ) -> Result<serde_json::Value, ApiError> {
        let account = account.ok_or_else(|| ApiError::portal_invalid("account_id is required"))?;
        self.check_token(token, now)?;
        let acc = self
            .accounts
            .iter()
            .find(|a| a.id == account)
            .ok_or_else(|| ApiError::not_found("Account not found"))?;
        let (page, next) = Self::page(&acc.roles, next, max, self.scenario.page_size)?;
        let list: Vec<_> = page
            .iter()
            .map(|r| serde_json::json!({ "roleName": r, "accountId": acc.id }))
            .collect();
        let mut out = serde_json::json!({ "roleList": list });
        if let Some(n) = next {
            out["nextToken"] = n.into();
        }
        Ok(out)
    }

    /// `Logout`: revokes the token.
    pub fn logout(&mut self, token: Option<&str>, now: Millis) -> Result<(), ApiError> {
        self.check_token(token, now)?;
        if let Some(t) = token.and_then(|t| self.tokens.get_mut(t)) {
            t.revoked = true;
        }
        Ok(())
    }

    // ----- STS and sign-in ------------------------------------------------------------------

    /// Role credentials issued with `access_key_id`.
    pub fn issued(&self, access_key_id: &str) -> Option<&IssuedCredentials> {
        self.credentials.get(access_key_id)
    }

    /// `AssumeRole` for a caller whose ARN is `caller_arn` (`chained`: the caller is itself an
    /// assumed role, which limits the session to an hour, as AWS does), with the request's
    /// form: the answer's XML. An empty `caller_arn` is `AssumeRoleWithWebIdentity`'s caller
    /// (the web identity token, already checked).
    ///
    /// # Errors
    /// `ValidationError` for a malformed request, `AccessDenied` for a role the scenario
    /// refuses or an MFA code it does not accept.
    pub fn assume_role(
        &mut self,
        caller_arn: &str,
        chained: bool,
        form: &HashMap<String, String>,
        now: Millis,
    ) -> Result<String, ApiError> {
        let invalid = |m: String| ApiError::sts(StatusCode::BAD_REQUEST, "ValidationError", m);
        let denied = |m: String| ApiError::sts(StatusCode::FORBIDDEN, "AccessDenied", m);
        let role_arn = form.get("RoleArn").map(String::as_str).unwrap_or_default();
        let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
        let (account, role_name) = match parts.as_slice() {
            ["arn", _, "iam", "", account, resource]
                if account.len() == 12 && resource.starts_with("role/") =>
            {
                let name = resource.rsplit('/').next().unwrap_or_default();
                ((*account).to_owned(), name.to_owned())
            }
            _ => {
                return Err(invalid(format!(
                    "{role_arn:?} is invalid for parameter RoleArn: not a role ARN"
                )));
            }
        };
        let session = form
            .get("RoleSessionName")
            .map(String::as_str)
            .unwrap_or_default();
        let session_ok = (2..=64).contains(&session.len())
            && session
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c));
        if !session_ok {
            return Err(invalid(format!(
                "1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint"
            )));
        }
        let duration: i64 = match form.get("DurationSeconds") {
            None => 3600,
            Some(d) => d
                .parse()
                .ok()
                .filter(|d| (900..=43_200).contains(d))
                .ok_or_else(|| {
                    invalid(format!(
                        "1 validation error detected: Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"
                    ))
                })?,
        };
        if chained && duration > 3600 {
            return Err(invalid(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".into(),
            ));
        }
        let sts = &self.scenario.sts;
        let not_authorized = || {
            denied(format!(
                "User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            ))
        };
        if sts.deny_assume.iter().any(|r| r == role_arn) {
            return Err(not_authorized());
        }
        match (form.get("SerialNumber"), form.get("TokenCode")) {
            (Some(_), Some(code)) if *code == sts.mfa_code => {}
            (Some(_), _) => {
                return Err(denied(
                    "MultiFactorAuthentication failed with invalid MFA one time pass code.".into(),
                ));
            }
            (None, _) if sts.require_mfa.iter().any(|r| r == role_arn) => {
                return Err(not_authorized());
            }
            (None, _) => {}
        }
        let arn = format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session}");
        let action = if caller_arn.is_empty() {
            "AssumeRoleWithWebIdentity"
        } else {
            "AssumeRole"
        };
        let credentials = self.issue_session(&account, &role_name, &arn, duration, now);
        let role_id = format!(
            "AROA{}",
            Self::role_suffix(&account, &role_name).to_ascii_uppercase()
        );
        let xml = format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <{action}Result>\n    <AssumedRoleUser>\n      <AssumedRoleId>{role_id}:{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n{credentials}  </{action}Result>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n",
            crate::error::xml_escape(session),
            crate::error::xml_escape(&arn),
            fastrand::u64(..),
        );
        Ok(xml)
    }

    /// Issues a session's credentials for `role_name` in `account` (`arn`: the caller
    /// `GetCallerIdentity` will name) lasting `duration` seconds from `now`: its
    /// `<Credentials>` element, as `AssumeRole*` and `GetFederationToken` answer it.
    fn issue_session(
        &mut self,
        account: &str,
        role_name: &str,
        arn: &str,
        duration: i64,
        now: Millis,
    ) -> String {
        let creds = IssuedCredentials {
            access_key_id: format!("ASIA{}", upper(16)),
            secret_access_key: random("", 40),
            session_token: random("FwoGZXIvYXdzE", 1_000),
            expires_at: now + duration * 1000,
            account_id: account.to_owned(),
            role_name: role_name.to_owned(),
            assumed_arn: Some(arn.to_owned()),
        };
        self.secrets.push(creds.secret_access_key.clone());
        self.secrets.push(creds.session_token.clone());
        let expiration = time::OffsetDateTime::from_unix_timestamp(creds.expires_at / 1000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let element = format!(
            "    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{expiration}</Expiration>\n    </Credentials>\n",
            creds.access_key_id, creds.secret_access_key, creds.session_token
        );
        self.credentials.insert(creds.access_key_id.clone(), creds);
        element
    }

    /// `GetFederationToken` for an IAM user of `account`: a federated user's session.
    ///
    /// # Errors
    /// `ValidationError` for a name or duration out of bounds.
    pub fn federation_token(
        &mut self,
        account: &str,
        form: &HashMap<String, String>,
        now: Millis,
    ) -> Result<String, ApiError> {
        let invalid = |m: String| ApiError::sts(StatusCode::BAD_REQUEST, "ValidationError", m);
        let name = form.get("Name").map(String::as_str).unwrap_or_default();
        if !(2..=32).contains(&name.len()) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint"
            )));
        }
        let duration: i64 = match form.get("DurationSeconds") {
            None => 43_200,
            Some(d) => d
                .parse()
                .ok()
                .filter(|d| (900..=129_600).contains(d))
                .ok_or_else(|| {
                    invalid(format!(
                        "Value '{d}' at 'durationSeconds' failed to satisfy constraint"
                    ))
                })?,
        };
        let arn = format!("arn:aws:sts::{account}:federated-user/{name}");
        let credentials = self.issue_session(
            account,
            &format!("federated-user/{name}"),
            &arn,
            duration,
            now,
        );
        let xml = format!(
            "<GetFederationTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetFederationTokenResult>\n{credentials}    <FederatedUser>\n      <FederatedUserId>{account}:{}</FederatedUserId>\n      <Arn>{}</Arn>\n    </FederatedUser>\n    <PackedPolicySize>6</PackedPolicySize>\n  </GetFederationTokenResult>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetFederationTokenResponse>\n",
            crate::error::xml_escape(name),
            crate::error::xml_escape(&arn),
            fastrand::u64(..),
        );
        Ok(xml)
    }

    /// Issues a sign-in token for issued credentials.
    pub fn issue_signin_token(
        &mut self,
        access_key_id: &str,
        duration_s: i64,
        now: Millis,
    ) -> String {
        let token = random("", 200);
        self.secrets.push(token.clone());
        self.signin_tokens.insert(
            token.clone(),
            (access_key_id.to_owned(), now + duration_s * 1000),
        );
        token
    }

    /// The credentials a sign-in token was issued for, if it is valid.
    pub fn redeem_signin_token(&self, token: &str, now: Millis) -> Option<&IssuedCredentials> {
        let (akid, expires_at) = self.signin_tokens.get(token)?;
        (*expires_at > now)
            .then(|| self.credentials.get(akid))
            .flatten()
    }

    /// The 16 hex digits of the `AWSReservedSSO_<role>_<hex>` role of an account and role.
    pub fn role_suffix(account: &str, role: &str) -> String {
        hex16(&Sha256::digest(format!("{account}/{role}").as_bytes()))
    }

    // ----- admin ----------------------------------------------------------------------------

    /// Revokes every access and refresh token.
    pub fn revoke_all(&mut self) {
        self.tokens.values_mut().for_each(|t| t.revoked = true);
        self.refresh_tokens.values_mut().for_each(|t| t.used = true);
    }

    /// Makes everything short-lived that was issued so far expire now: access and refresh
    /// tokens, device and authorization codes, role credentials, sign-in tokens. Client
    /// registrations (which last 90 days) stay; see [`State::expire_registrations`].
    pub fn expire_all(&mut self, now: Millis) {
        self.tokens.values_mut().for_each(|t| t.expires_at = now);
        self.refresh_tokens
            .values_mut()
            .for_each(|t| t.expires_at = now);
        self.devices.values_mut().for_each(|d| d.expires_at = now);
        self.codes.values_mut().for_each(|c| c.expires_at = now);
        self.credentials
            .values_mut()
            .for_each(|c| c.expires_at = now);
        self.signin_tokens.values_mut().for_each(|t| t.1 = now);
    }

    /// Makes every client registration expire now.
    pub fn expire_registrations(&mut self, now: Millis) {
        self.clients.values_mut().for_each(|c| c.expires_at = now);
    }

    /// Whether `token` is a live access token (for tests).
    pub fn token_is_valid(&self, token: &str, now: Millis) -> bool {
        self.check_token(Some(token), now).is_ok()
    }

    /// The pending user codes (for tests and the admin API).
    pub fn pending_user_codes(&self) -> Vec<String> {
        let mut codes: Vec<_> = self
            .devices
            .values()
            .filter(|d| d.status == DeviceStatus::Pending)
            .map(|d| d.user_code.clone())
            .collect();
        codes.sort();
        codes
    }
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port() {
        assert!(redirect_matches(
            "http://127.0.0.1/oauth/callback",
            "http://127.0.0.1:43210/oauth/callback"
        ));
        assert!(!redirect_matches(
            "http://127.0.0.1/oauth/callback",
            "http://127.0.0.1:43210/other"
        ));
        assert!(!redirect_matches(
            "https://example.com/cb",
            "https://example.com:444/cb"
        ));
    }

    #[test]
    fn s256_matches_rfc_7636() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
