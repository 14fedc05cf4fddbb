//! The authorization-code flow with PKCE: a verifier and `state` from the operating system's
//! randomness, an authorize URL on the OIDC endpoint, a listener on `127.0.0.1` for the
//! browser's redirect (or an address the user pastes), then `CreateToken`.

use std::time::Duration;

use std::convert::Infallible;

use aws_sso_token_cache::Secret;
use base64::Engine;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

use crate::api::{Grant, OidcApi, Tokens};
use crate::browser_url::check_url;
use crate::clock::Sleeper;
use crate::error::{Error, ErrorKind, service_error};

/// How long the listener waits for the browser by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(600);
/// The path of the redirect URI.
pub const CALLBACK_PATH: &str = "/oauth/callback";
/// The redirect URI registered with the client (any loopback port is accepted).
pub const REGISTERED_REDIRECT: &str = "http://127.0.0.1/oauth/callback";

const VERIFIER_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

fn random_string(len: usize, alphabet: &[u8]) -> Result<String, Error> {
    // 256 is a multiple of neither 66 nor 62: bytes at or above `limit` are dropped so that
    // every character is equally likely.
    let limit = 256 - (256 % alphabet.len());
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).map_err(|e| ErrorKind::Random(e.to_string()))?;
        for b in buf.iter().map(|&b| usize::from(b)).filter(|&b| b < limit) {
            if out.len() == len {
                break;
            }
            out.push(char::from(alphabet[b % alphabet.len()]));
        }
    }
    Ok(out)
}

/// `base64url(sha256(verifier))` without padding.
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Checks the query of a callback against the `state` that was sent.
fn code_from_query(state_sent: &Secret, query: &str) -> Result<Secret, Error> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    if !state
        .as_deref()
        .is_some_and(|s| state_sent.matches(s.as_bytes()))
    {
        return Err(ErrorKind::StateMismatch.into());
    }
    if let Some(error) = error {
        return Err(ErrorKind::Redirect { error, description }.into());
    }
    code.filter(|c| !c.is_empty())
        .map(Secret::new)
        .ok_or_else(|| ErrorKind::BadCallback("the redirect has no code".into()).into())
}

/// The page the browser shows after the redirect.
fn page(result: &Result<Secret, Error>) -> Response<Full<Bytes>> {
    let (title, message) = match result {
        Ok(_) => (
            "Signed in",
            "aws-sso-rs has your sign-in. You can close this window.".to_owned(),
        ),
        Err(e) => ("Sign-in failed", format!("{e}")),
    };
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body style=\"font-family:sans-serif;max-width:36em;margin:3em auto\"><h1 id=\"title\">{title}</h1><p id=\"message\">{}</p></body></html>",
        message.replace('&', "&amp;").replace('<', "&lt;")
    );
    let mut response = Response::new(Full::new(Bytes::from(body)));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    response
}

fn not_found() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// An authorization in progress.
#[derive(Debug)]
pub struct PkceFlow {
    verifier: Secret,
    state: Secret,
    redirect_uri: String,
    authorize_url: String,
    listener: TcpListener,
    client_id: String,
    client_secret: Secret,
}

impl PkceFlow {
    /// Binds the loopback listener (`port` 0 for any free port) and builds the authorize URL
    /// on `oidc_endpoint`.
    ///
    /// # Errors
    /// The port cannot be bound, the endpoint is not `https://` (or loopback), or there is no
    /// randomness.
    pub async fn start(
        oidc_endpoint: &str,
        client_id: &str,
        client_secret: &Secret,
        scopes: &[String],
        port: u16,
    ) -> Result<Self, Error> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| ErrorKind::Listener { port, source })?;
        let port = listener
            .local_addr()
            .map_err(|source| ErrorKind::Listener { port, source })?
            .port();
        let verifier = random_string(64, VERIFIER_CHARS)?;
        let state = random_string(43, &VERIFIER_CHARS[..62])?;
        let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
        let authorize_url = format!(
            "{}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
            oidc_endpoint.trim_end_matches('/'),
            enc(client_id),
            enc(&redirect_uri),
            enc(&state),
            enc(&scopes.join(" ")),
            challenge(&verifier),
        );
        check_url(&authorize_url)?;
        Ok(Self {
            verifier: Secret::new(verifier),
            state: Secret::new(state),
            redirect_uri,
            authorize_url,
            listener,
            client_id: client_id.to_owned(),
            client_secret: client_secret.clone(),
        })
    }

    /// The URL to open in the browser.
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// Where the browser is sent back to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Checks the query of a callback (`code=...&state=...`): the state must match (compared
    /// in constant time); an `error=...` ends the login.
    ///
    /// # Errors
    /// [`ErrorKind::StateMismatch`], [`ErrorKind::Redirect`], [`ErrorKind::BadCallback`].
    pub fn code_from_query(&self, query: &str) -> Result<Secret, Error> {
        code_from_query(&self.state, query)
    }

    /// Takes the address the browser was sent to, pasted by the user (for remote hosts where
    /// the browser cannot reach this machine's loopback).
    ///
    /// # Errors
    /// Not this login's callback address, or as [`PkceFlow::code_from_query`].
    pub fn code_from_pasted(&self, pasted: &str) -> Result<Secret, Error> {
        let pasted = pasted.trim();
        let without_scheme = pasted.strip_prefix("http://").unwrap_or(pasted);
        let (path, query) = without_scheme.split_once('?').ok_or_else(|| {
            ErrorKind::BadCallback(format!(
                "paste the whole address the browser went to, like {}?code=...&state=...",
                self.redirect_uri
            ))
        })?;
        if !path.ends_with(CALLBACK_PATH) {
            return Err(ErrorKind::BadCallback(format!(
                "that is not the callback address {}",
                self.redirect_uri
            ))
            .into());
        }
        self.code_from_query(query)
    }

    /// Waits for the browser's redirect on the listener, served by hyper. Other paths (a
    /// favicon request) get a 404 and are ignored; the browser is answered with a page saying
    /// whether it worked, and the result is returned once that page is sent.
    ///
    /// # Errors
    /// As [`PkceFlow::code_from_query`]; [`ErrorKind::TimedOut`] after `wait`.
    pub async fn wait_for_redirect(
        &self,
        wait: Duration,
        sleeper: &impl Sleeper,
    ) -> Result<Secret, Error> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Secret, Error>>(1);
        let accept = async {
            loop {
                tokio::select! {
                    Some(result) = rx.recv() => return result,
                    accepted = self.listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let (state, tx) = (self.state.clone(), tx.clone());
                        tokio::spawn(async move {
                            let outcome = std::sync::Mutex::new(None);
                            let service = hyper::service::service_fn(|req: Request<Incoming>| {
                                let query = (req.uri().path() == CALLBACK_PATH)
                                    .then(|| req.uri().query().unwrap_or_default().to_owned());
                                let response = match query {
                                    None => not_found(),
                                    Some(query) => {
                                        let result = code_from_query(&state, &query);
                                        let response = page(&result);
                                        *outcome.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(result);
                                        response
                                    }
                                };
                                async move { Ok::<_, Infallible>(response) }
                            });
                            let served = hyper::server::conn::http1::Builder::new()
                                .timer(hyper_util::rt::TokioTimer::new())
                                .header_read_timeout(Duration::from_secs(10))
                                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                            let _ = tokio::time::timeout(Duration::from_secs(30), served).await;
                            // The page has been written: now the login may go on.
                            let result = outcome.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                            if let Some(result) = result {
                                let _ = tx.send(result).await;
                            }
                        });
                    }
                }
            }
        };
        tokio::select! {
            result = accept => result,
            () = sleeper.sleep(wait) => Err(ErrorKind::TimedOut { minutes: wait.as_secs() / 60 }.into()),
        }
    }

    /// Redeems the code.
    ///
    /// # Errors
    /// The service refuses the code or the verifier.
    pub async fn complete<A: OidcApi>(&self, api: &A, code: Secret) -> Result<Tokens, Error> {
        let grant = Grant::AuthorizationCode {
            code,
            redirect_uri: self.redirect_uri.clone(),
            verifier: self.verifier.clone(),
        };
        api.create_token(&self.client_id, &self.client_secret, grant)
            .await
            .map_err(|e| service_error(e, api.endpoint()))
    }

    #[cfg(test)]
    pub(crate) fn state_for_test(&self) -> &str {
        self.state.expose()
    }

    #[cfg(test)]
    pub(crate) fn verifier_for_test(&self) -> &str {
        self.verifier.expose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifier_state_and_url() {
        let flow = PkceFlow::start(
            "https://oidc.us-east-1.amazonaws.com",
            "cid",
            &Secret::new("s"),
            &["sso:account:access".into()],
            0,
        )
        .await
        .expect("start");
        let v = flow.verifier_for_test();
        assert_eq!(v.len(), 64);
        assert!(v.bytes().all(|b| VERIFIER_CHARS.contains(&b)));
        let url = flow.authorize_url();
        assert!(url.starts_with("https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A"), "{url}");
        assert!(
            url.contains("%2Foauth%2Fcallback&state=")
                && url.contains(
                    "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge="
                ),
            "{url}"
        );
        assert!(url.ends_with(&challenge(v)));
        let other = PkceFlow::start("https://x", "cid", &Secret::new("s"), &[], 0)
            .await
            .expect("start");
        assert_ne!(other.verifier_for_test(), v, "verifiers are random");
    }

    #[tokio::test]
    async fn a_state_mismatch_is_refused() {
        let flow = PkceFlow::start("https://x", "c", &Secret::new("s"), &[], 0)
            .await
            .expect("start");
        let e = flow
            .code_from_query("code=abc&state=forged")
            .expect_err("mismatch");
        assert!(matches!(e.kind(), ErrorKind::StateMismatch));
        let e = flow.code_from_query("code=abc").expect_err("no state");
        assert!(matches!(e.kind(), ErrorKind::StateMismatch));
        let ok = format!("code=abc&state={}", flow.state_for_test());
        assert_eq!(flow.code_from_query(&ok).expect("matches").expose(), "abc");
        let denied = format!(
            "error=access_denied&error_description=no&state={}",
            flow.state_for_test()
        );
        assert!(matches!(
            flow.code_from_query(&denied).expect_err("denied").kind(),
            ErrorKind::Redirect { .. }
        ));
    }

    #[tokio::test]
    async fn pasted_addresses() {
        let flow = PkceFlow::start("https://x", "c", &Secret::new("s"), &[], 0)
            .await
            .expect("start");
        let good = format!(
            "  {}?code=xyz&state={}\n",
            flow.redirect_uri(),
            flow.state_for_test()
        );
        assert_eq!(flow.code_from_pasted(&good).expect("good").expose(), "xyz");
        assert!(matches!(
            flow.code_from_pasted("xyz").expect_err("not a URL").kind(),
            ErrorKind::BadCallback(_)
        ));
        let elsewhere = format!(
            "http://127.0.0.1:1/other?code=x&state={}",
            flow.state_for_test()
        );
        assert!(matches!(
            flow.code_from_pasted(&elsewhere)
                .expect_err("other path")
                .kind(),
            ErrorKind::BadCallback(_)
        ));
    }

    #[test]
    fn challenge_matches_rfc_7636() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
