//! The HTTP side: one router for every service, a middleware that counts, logs, delays,
//! throttles and injects failures, and thin handlers over [`State`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State as Shared};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::pages;
use crate::scenario::Scenario;
use crate::state::{
    CreateTokenRequest, DeviceStatus, LogEntry, Millis, MockClock, RegisterClientRequest, State,
};
use crate::{signin, sts};

/// What handlers share.
#[derive(Clone)]
pub(crate) struct App {
    pub state: Arc<Mutex<State>>,
    pub base_url: Arc<str>,
    pub clock: Arc<MockClock>,
}

impl App {
    /// The mock's time (see [`MockClock`]).
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A handler that panicked while holding the lock leaves the state usable: every
        // operation keeps it consistent before it can panic.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Which service an API belongs to, for the shape of injected errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Oidc,
    Portal,
    Sts,
    Other,
}

/// The API a request calls, and its service; `None` for the admin API.
fn api_of(method: &Method, path: &str, query: Option<&str>) -> Option<(&'static str, Family)> {
    let action = || {
        query.and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.into_owned())
        })
    };
    Some(match (method.as_str(), path) {
        (_, p) if p.starts_with("/__mock") => return None,
        ("POST", "/client/register") => ("RegisterClient", Family::Oidc),
        ("POST", "/device_authorization") => ("StartDeviceAuthorization", Family::Oidc),
        ("POST", "/token") => ("CreateToken", Family::Oidc),
        ("GET", "/federation/credentials") => ("GetRoleCredentials", Family::Portal),
        ("GET", "/assignment/accounts") => ("ListAccounts", Family::Portal),
        ("GET", "/assignment/roles") => ("ListAccountRoles", Family::Portal),
        ("POST", "/logout") => ("Logout", Family::Portal),
        ("POST", "/") => ("GetCallerIdentity", Family::Sts),
        ("GET", "/federation") if action().as_deref() == Some("login") => {
            ("ConsoleLogin", Family::Other)
        }
        ("GET", "/federation") => ("GetSigninToken", Family::Other),
        (_, p) if p.starts_with("/device") => ("DevicePage", Family::Other),
        (_, p) if p.starts_with("/authorize") => ("AuthorizePage", Family::Other),
        _ => ("Unknown", Family::Other),
    })
}

fn throttled(family: Family) -> Response {
    match family {
        Family::Oidc => ApiError::slow_down().into_response(),
        Family::Portal => ApiError::too_many_requests().into_response(),
        Family::Sts => {
            ApiError::sts(StatusCode::BAD_REQUEST, "Throttling", "Rate exceeded").into_response()
        }
        Family::Other => {
            ApiError::plain(StatusCode::TOO_MANY_REQUESTS, "Too many requests").into_response()
        }
    }
}

fn internal(family: Family) -> Response {
    match family {
        Family::Oidc => ApiError::oidc_internal().into_response(),
        Family::Portal => ApiError::portal_internal().into_response(),
        Family::Sts => ApiError::sts(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "An internal error occurred",
        )
        .into_response(),
        Family::Other => {
            ApiError::plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
        }
    }
}

/// A response whose body fails at once, so the connection is dropped mid-answer.
fn reset() -> Response {
    let failing = futures_util::stream::iter([Err::<Bytes, _>(std::io::Error::other(
        "injected connection reset",
    ))]);
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(failing))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The `Date` header, `clock_skew_seconds` away from this machine's clock when the scenario
/// sets it (otherwise the server's own).
async fn skewed_date(Shared(app): Shared<App>, request: Request, next: Next) -> Response {
    let skew = app.lock().scenario.clock_skew_seconds;
    let mut response = next.run(request).await;
    if skew != 0 {
        let now = std::time::SystemTime::now();
        let at = if skew > 0 {
            now + std::time::Duration::from_secs(skew.unsigned_abs())
        } else {
            now - std::time::Duration::from_secs(skew.unsigned_abs())
        };
        if let Ok(value) = axum::http::HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
            response
                .headers_mut()
                .insert(axum::http::header::DATE, value);
        }
    }
    response
}

async fn behaviour(Shared(app): Shared<App>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let Some((api, family)) = api_of(&method, &path, request.uri().query()) else {
        return next.run(request).await;
    };
    // STS names its API in the form body (`Action=AssumeRole`): read it (a few hundred
    // bytes) and hand the handler the same bytes.
    let (api, request) = if matches!(family, Family::Sts) {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        (
            sts::api_of_body(&bytes),
            Request::from_parts(parts, Body::from(bytes)),
        )
    } else {
        (api, request)
    };
    enum Fault {
        None,
        Throttle,
        Error,
        Reset,
        Hang(u64),
        Canned(crate::scenario::Canned),
    }
    let (latency, fault) = {
        let mut state = app.lock();
        state.count(api);
        let canned = state.scenario.canned.get(api).cloned();
        let latency = state.scenario.latency_ms.get(api).copied().unwrap_or(0);
        let f = &state.scenario.failures;
        let applies = f.apis.is_empty() || f.apis.iter().any(|a| a == api);
        let roll = fastrand::f64();
        let fault = if applies && roll < f.error_rate {
            Fault::Error
        } else if applies && roll < f.error_rate + f.reset_rate {
            Fault::Reset
        } else if applies && roll < f.error_rate + f.reset_rate + f.timeout_rate {
            Fault::Hang(f.timeout_seconds)
        } else if applies && roll < f.error_rate + f.reset_rate + f.timeout_rate + f.throttle_rate {
            Fault::Throttle
        } else {
            Fault::None
        };
        let fault = if matches!(fault, Fault::None) && state.throttled(api, app.now()) {
            Fault::Throttle
        } else {
            fault
        };
        let fault = match canned {
            Some(c) => Fault::Canned(c),
            None => fault,
        };
        (latency, fault)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let response = match fault {
        Fault::Throttle => throttled(family),
        Fault::Error => internal(family),
        Fault::Reset => reset(),
        Fault::Hang(seconds) => {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            next.run(request).await
        }
        Fault::None => next.run(request).await,
        Fault::Canned(c) => {
            let mut body = c.body;
            if body.len() < c.pad_to {
                body.extend(std::iter::repeat_n(' ', c.pad_to - body.len()));
            }
            let body = if c.chunked {
                let chunks: Vec<Result<String, std::io::Error>> = body
                    .as_bytes()
                    .chunks(64 * 1024)
                    .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
                    .collect();
                Body::from_stream(futures_util::stream::iter(chunks))
            } else {
                Body::from(body)
            };
            Response::builder()
                .status(StatusCode::from_u16(c.status).unwrap_or(StatusCode::OK))
                .header(header::CONTENT_TYPE, c.content_type)
                .body(body)
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    };
    app.lock().record(LogEntry {
        api: api.to_owned(),
        method: method.to_string(),
        path,
        status: response.status().as_u16(),
        at: app.now(),
    });
    response
}

fn json_ok(value: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// Parses a JSON body into `T`, answering malformed input as the service does.
fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8], family: Family) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        let why = format!("Invalid request body: {e}");
        if family == Family::Oidc {
            ApiError::invalid_request(why)
        } else {
            ApiError::portal_invalid(why)
        }
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("x-amz-sso_bearer_token")
        .and_then(|v| v.to_str().ok())
}

fn result(r: Result<serde_json::Value, ApiError>) -> Response {
    r.map_or_else(IntoResponse::into_response, json_ok)
}

async fn register_client(Shared(app): Shared<App>, body: Bytes) -> Response {
    let r = parse_body::<RegisterClientRequest>(&body, Family::Oidc)
        .and_then(|req| app.lock().register_client(req, app.now(), &app.base_url));
    result(r)
}

async fn start_device_authorization(Shared(app): Shared<App>, body: Bytes) -> Response {
    let r = parse_body::<serde_json::Value>(&body, Family::Oidc)
        .and_then(|v| {
            if v.is_object() {
                Ok(v)
            } else {
                Err(ApiError::invalid_request("The body must be a JSON object"))
            }
        })
        .and_then(|v| {
            app.lock()
                .start_device_authorization(&v, app.now(), &app.base_url)
        });
    result(r)
}

async fn create_token(Shared(app): Shared<App>, body: Bytes) -> Response {
    let r = parse_body::<CreateTokenRequest>(&body, Family::Oidc)
        .and_then(|req| app.lock().create_token(req, app.now()));
    result(r)
}

async fn role_credentials(
    Shared(app): Shared<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = app.lock().get_role_credentials(
        bearer(&headers),
        q.get("account_id").map(String::as_str),
        q.get("role_name").map(String::as_str),
        app.now(),
    );
    result(r)
}

async fn list_accounts(
    Shared(app): Shared<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = app.lock().list_accounts(
        bearer(&headers),
        q.get("next_token").map(String::as_str),
        q.get("max_result").map(String::as_str),
        app.now(),
    );
    result(r)
}

async fn list_account_roles(
    Shared(app): Shared<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let r = app.lock().list_account_roles(
        bearer(&headers),
        q.get("account_id").map(String::as_str),
        q.get("next_token").map(String::as_str),
        q.get("max_result").map(String::as_str),
        app.now(),
    );
    result(r)
}

async fn logout(Shared(app): Shared<App>, headers: HeaderMap) -> Response {
    match app.lock().logout(bearer(&headers), app.now()) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn sts_post(
    Shared(app): Shared<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match sts::handle(&mut app.lock(), &method, &uri, &headers, &body, app.now()) {
        Ok(xml) => ([(header::CONTENT_TYPE, "text/xml")], xml).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn federation(
    Shared(app): Shared<App>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match signin::handle(&mut app.lock(), &q, app.now()) {
        Ok(signin::Answer::Json(json)) => {
            ([(header::CONTENT_TYPE, "application/json")], json).into_response()
        }
        Ok(signin::Answer::Html(html)) => Html(html).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn device_page(
    Shared(app): Shared<App>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(code) = q.get("user_code").filter(|c| !c.trim().is_empty()) else {
        return Html(pages::device_entry(None)).into_response();
    };
    let state = app.lock();
    match state.device_by_user_code(code, app.now()) {
        Some((DeviceStatus::Pending, client)) => Html(pages::device_confirm(
            &code.trim().to_ascii_uppercase(),
            &client,
            &state.scenario.user,
        ))
        .into_response(),
        Some(_) => Html(pages::error(
            "Code already used",
            "This code has already been approved or denied.",
        ))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html(pages::device_entry(Some(
                "That code is not valid or has expired. Check the code and try again.",
            ))),
        )
            .into_response(),
    }
}

async fn device_decide(Shared(app): Shared<App>, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let allow = form.get("decision").map(String::as_str) == Some("allow");
    let code = form.get("user_code").cloned().unwrap_or_default();
    if app.lock().decide_device(&code, allow, app.now()) {
        Html(pages::device_done(allow)).into_response()
    } else {
        (
            StatusCode::BAD_REQUEST,
            Html(pages::error(
                "Cannot complete the request",
                "The code is not valid, has expired, or was already used.",
            )),
        )
            .into_response()
    }
}

/// A company's own start URL: `302` to the scenario's portal start URL.
async fn company_start(Shared(app): Shared<App>) -> Response {
    let to = app.lock().scenario.start_url.clone();
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

/// A company's own start URL that leads to a host AWS does not own.
async fn company_elsewhere() -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, "https://login.example.com/start")],
    )
        .into_response()
}

async fn authorize(Shared(app): Shared<App>, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut state = app.lock();
    match state.begin_authorization(&q) {
        Ok(id) => Html(pages::sign_in(&id, &state.scenario.user)).into_response(),
        Err(e) => (
            e.status(),
            Html(pages::error("Invalid request", &format!("{e:?}"))),
        )
            .into_response(),
    }
}

async fn authorize_sign_in(Shared(app): Shared<App>, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let id = form.get("id").cloned().unwrap_or_default();
    let mut state = app.lock();
    let user = state.scenario.user.clone();
    let client = state
        .pending_authorization(&id)
        .map(|p| p.client_id.clone())
        .and_then(|c| state.client_name(&c))
        .unwrap_or_default();
    match state.pending_authorization(&id) {
        Some(p) if form.get("username") == Some(&user) => {
            p.signed_in = true;
            Html(pages::consent(&id, &client, &p.scopes)).into_response()
        }
        Some(_) => (StatusCode::UNAUTHORIZED, Html(pages::sign_in(&id, &user))).into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            Html(pages::error(
                "Session expired",
                "Start the sign-in again from your terminal.",
            )),
        )
            .into_response(),
    }
}

async fn authorize_decide(Shared(app): Shared<App>, body: Bytes) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let id = form.get("id").cloned().unwrap_or_default();
    let allow = form.get("decision").map(String::as_str) == Some("allow");
    let mut state = app.lock();
    if !state
        .pending_authorization(&id)
        .is_some_and(|p| p.signed_in)
    {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::error("Not signed in", "Sign in first.")),
        )
            .into_response();
    }
    match state.finish_authorization(&id, allow, app.now()) {
        Some(location) => Redirect::to(&location).into_response(),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

async fn not_found(method: Method, uri: Uri) -> Response {
    ApiError::plain(
        StatusCode::NOT_FOUND,
        format!("aws-sso-mock has no {method} {}", uri.path()),
    )
    .into_response()
}

// ----- admin -----------------------------------------------------------------------------------

async fn admin_counters(Shared(app): Shared<App>) -> Response {
    json_ok(serde_json::json!(app.lock().counters()))
}

async fn admin_log(Shared(app): Shared<App>) -> Response {
    json_ok(serde_json::json!(app.lock().log()))
}

async fn admin_pending(Shared(app): Shared<App>) -> Response {
    json_ok(serde_json::json!(app.lock().pending_user_codes()))
}

async fn admin_device(
    Shared(app): Shared<App>,
    Path((code, decision)): Path<(String, String)>,
) -> Response {
    let allow = match decision.as_str() {
        "approve" => true,
        "deny" => false,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if app.lock().decide_device(&code, allow, app.now()) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
    .into_response()
}

async fn admin_revoke(Shared(app): Shared<App>) -> Response {
    app.lock().revoke_all();
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_expire(Shared(app): Shared<App>) -> Response {
    app.lock().expire_all(app.now());
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_expire_registrations(Shared(app): Shared<App>) -> Response {
    app.lock().expire_registrations(app.now());
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_scenario(Shared(app): Shared<App>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    match Scenario::from_toml(&text, "request body") {
        Ok(s) => {
            let mut state = app.lock();
            state.accounts = s.all_accounts();
            state.scenario = s;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => ApiError::plain(StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/client/register", post(register_client))
        .route("/device_authorization", post(start_device_authorization))
        .route("/token", post(create_token))
        .route("/federation/credentials", get(role_credentials))
        .route("/assignment/accounts", get(list_accounts))
        .route("/assignment/roles", get(list_account_roles))
        .route("/logout", post(logout))
        .route("/", post(sts_post))
        .route("/federation", get(federation))
        .route("/device", get(device_page))
        .route("/device/decide", post(device_decide))
        .route("/authorize", get(authorize))
        // A company's own start URL: one redirect to the portal's (or, for the refusal, to
        // a host that is not AWS's).
        .route("/company-start", get(company_start).head(company_start))
        .route(
            "/company-elsewhere",
            get(company_elsewhere).head(company_elsewhere),
        )
        .route("/authorize/signin", post(authorize_sign_in))
        .route("/authorize/decide", post(authorize_decide))
        .route("/__mock/counters", get(admin_counters))
        .route("/__mock/log", get(admin_log))
        .route("/__mock/device/pending", get(admin_pending))
        .route("/__mock/device/{code}/{decision}", post(admin_device))
        .route("/__mock/revoke", post(admin_revoke))
        .route("/__mock/expire", post(admin_expire))
        .route(
            "/__mock/expire-registrations",
            post(admin_expire_registrations),
        )
        .route("/__mock/scenario", axum::routing::put(admin_scenario))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), behaviour))
        .layer(middleware::from_fn_with_state(app.clone(), skewed_date))
        .with_state(app)
}
