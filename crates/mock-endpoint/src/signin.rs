//! The console sign-in federation endpoint (`/federation`): `getSigninToken` and `login`.

use std::collections::HashMap;

use axum::http::StatusCode;

use crate::error::{ApiError, xml_escape};
use crate::state::{Millis, State};

/// What `/federation` answers.
pub enum Answer {
    /// `getSigninToken`: JSON.
    Json(String),
    /// `login`: the console landing page.
    Html(String),
}

fn bad(message: &str) -> ApiError {
    ApiError::plain(StatusCode::BAD_REQUEST, message.to_owned())
}

/// Handles `GET /federation?Action=...`.
pub fn handle(
    state: &mut State,
    query: &HashMap<String, String>,
    now: Millis,
) -> Result<Answer, ApiError> {
    match query.get("Action").map(String::as_str) {
        Some("getSigninToken") => {
            let duration = match query.get("SessionDuration") {
                None => 43_200,
                Some(d) => d
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (900..=43_200).contains(d))
                    .ok_or_else(|| bad("SessionDuration must be between 900 and 43200 seconds"))?,
            };
            let session = query
                .get("Session")
                .ok_or_else(|| bad("Session is required"))?;
            let session: serde_json::Value =
                serde_json::from_str(session).map_err(|_| bad("Session is not JSON"))?;
            let field = |k: &str| session.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let creds = state
                .issued(field("sessionId"))
                .filter(|c| {
                    c.secret_access_key == field("sessionKey")
                        && c.session_token == field("sessionToken")
                })
                .ok_or_else(|| {
                    ApiError::plain(
                        StatusCode::FORBIDDEN,
                        "The credentials in Session are not valid",
                    )
                })?;
            if creds.expires_at <= now {
                return Err(ApiError::plain(
                    StatusCode::FORBIDDEN,
                    "The credentials in Session have expired",
                ));
            }
            let akid = creds.access_key_id.clone();
            let token = state.issue_signin_token(&akid, duration, now);
            Ok(Answer::Json(
                serde_json::json!({ "SigninToken": token }).to_string(),
            ))
        }
        Some("login") => {
            let token = query
                .get("SigninToken")
                .ok_or_else(|| bad("SigninToken is required"))?;
            let destination = query
                .get("Destination")
                .ok_or_else(|| bad("Destination is required"))?;
            let issuer = query.get("Issuer").map_or("", String::as_str);
            let creds = state.redeem_signin_token(token, now).ok_or_else(|| {
                ApiError::plain(
                    StatusCode::FORBIDDEN,
                    "The sign-in token is invalid or has expired",
                )
            })?;
            Ok(Answer::Html(crate::pages::console(
                &creds.account_id,
                &creds.role_name,
                &state.scenario.user,
                destination,
                issuer,
            )))
        }
        Some(other) => Err(bad(&format!("Unknown Action {}", xml_escape(other)))),
        None => Err(bad("Action is required")),
    }
}
