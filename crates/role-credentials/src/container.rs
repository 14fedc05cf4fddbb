//! The container-credentials protocol, the one HTTP server of aws-sso-rs: what the AWS SDKs
//! call when `AWS_CONTAINER_CREDENTIALS_FULL_URI` (or `..._RELATIVE_URI`) is set, sending the
//! token of `AWS_CONTAINER_AUTHORIZATION_TOKEN` (or of the file
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` names) in `Authorization`.
//!
//! [`ContainerServer`] binds and checks each request: the token first (compared in constant
//! time; a wrong or missing one gets `401` and no detail), then the method (only `GET`: `405`);
//! what a path answers is a [`CredentialHandler`]'s to say: `exec --server` serves one
//! profile at `/credentials` ([`ContainerServer::serve_target`]), `aws-sso-rs serve` each
//! profile at `/profile/NAME` ([`crate::ProfileServer`]).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use aws_sso_token_cache::{RoleCredentials, Secret};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

use crate::{Error, ErrorKind};

/// Connections served at once.
const MAX_CONNECTIONS: usize = 1024;

/// A request's headers must arrive within this long (a connection waiting longer is closed).
const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// At a stop, how long the requests under way may take to finish.
pub const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// What a served path answers.
#[derive(Debug)]
pub enum Answer {
    /// `200` with the credentials.
    Credentials(RoleCredentials),
    /// `404`: nothing is served at that path; the message says what is.
    NotFound(String),
    /// `503`: a person must act first (sign in, enter an MFA code); the message says how.
    Unavailable {
        /// The JSON `Code`: `SignInNeeded`, `MfaCodeNeeded`, `DamagedToken`.
        code: &'static str,
        /// What to do.
        message: String,
    },
    /// `500`: the credentials could not be had; the message says why.
    Failed(String),
}

/// What a [`ContainerServer`] answers for each path, once the request is authorized.
pub trait CredentialHandler: Send + Sync + 'static {
    /// The answer for `path` (percent-encoded, as sent).
    fn answer(&self, path: &str) -> impl Future<Output = Answer> + Send;

    /// A request from `peer` came without the right token (it got `401`).
    fn refused(&self, peer: SocketAddr) {
        let _ = peer;
    }
}

/// The events of `exec --server`'s server, at debug level.
struct Debug;

impl crate::ServeEvents for Debug {
    fn unavailable(&self, profile: &str, message: &str) {
        tracing::debug!("credential server: profile '{profile}' cannot be served: {message}");
    }

    fn recovered(&self, profile: &str) {
        tracing::debug!("credential server: profile '{profile}' is served again");
    }

    fn renewal_failed(&self, profile: &str, message: &str) {
        tracing::debug!("credential server: profile '{profile}': {message}");
    }
}

/// A bound server: where it listens and the token clients must send.
#[derive(Debug)]
pub struct ContainerServer {
    listener: TcpListener,
    token: Secret,
    addr: SocketAddr,
}

/// A new random authorization token: 256 bits, hex.
///
/// # Errors
/// The system has no randomness to give.
pub fn new_token() -> std::io::Result<Secret> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(Secret::new(
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    ))
}

fn response(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

fn message(status: StatusCode, code: &str, text: &str) -> Response<Full<Bytes>> {
    response(
        status,
        serde_json::json!({ "Code": code, "Message": text }).to_string(),
    )
}

impl ContainerServer {
    /// Binds `127.0.0.1` on a free port with a new random token (`exec --server`).
    ///
    /// # Errors
    /// No port can be bound or there is no randomness.
    pub async fn bind() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            token: new_token()?,
            addr,
        })
    }

    /// Binds `addr` (port 0: a free one), with `token`.
    ///
    /// # Errors
    /// [`ErrorKind::Listen`], naming the address and what to do (the port is taken, the
    /// address is not one of this machine's, binding it needs privileges).
    pub async fn bind_to(addr: SocketAddr, token: Secret) -> Result<Self, Error> {
        let listen_error = |e: std::io::Error| {
            let hint = match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "another program (perhaps another `aws-sso-rs serve`) listens there: stop it, or choose another port with --listen".to_owned()
                }
                std::io::ErrorKind::AddrNotAvailable => format!(
                    "no network interface here has the address {}: add it first (for a container endpoint on Linux: sudo ip addr add {}/{} dev lo), or choose another with --listen",
                    addr.ip(),
                    addr.ip(),
                    if addr.is_ipv4() { 32 } else { 128 }
                ),
                std::io::ErrorKind::PermissionDenied => {
                    "ports below 1024 need root or CAP_NET_BIND_SERVICE (as the ECS form on 169.254.170.2:80 does): run with that privilege, or choose a port of 1024 or above with --listen".to_owned()
                }
                _ => "choose another address with --listen".to_owned(),
            };
            Error::from(ErrorKind::Listen {
                addr,
                reason: e.to_string(),
                hint,
            })
        };
        let listener = TcpListener::bind(addr).await.map_err(listen_error)?;
        let addr = listener.local_addr().map_err(listen_error)?;
        Ok(Self {
            listener,
            token,
            addr,
        })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The value of `AWS_CONTAINER_CREDENTIALS_FULL_URI` for `exec --server`'s one profile.
    pub fn url(&self) -> String {
        format!("http://{}/credentials", self.addr)
    }

    /// The value of `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// Serves the credentials of `target` at `/credentials` until the future is dropped (what
    /// `aws-sso-rs exec --server` runs): a [`crate::ProfileServer`] of that one profile, renewed
    /// ahead of expiry, never with a sign-in or an MFA prompt (what it cannot serve is logged at
    /// debug level, as the program's own output shares the terminal).
    pub async fn serve_target(
        self,
        target: crate::CredentialTarget,
        cache: aws_sso_token_cache::TokenCache,
        clock: Arc<dyn aws_sso_token_cache::Clock>,
    ) {
        let server = Arc::new(crate::ProfileServer::for_target(
            target, cache, clock, Debug,
        ));
        let renewing = server.clone();
        tokio::select! {
            () = self.serve(server, std::future::pending()) => {}
            () = async move { renewing.renew().await } => {}
        }
    }

    /// Serves until `shutdown` completes (then finishes the requests under way) or the future
    /// is dropped, answering each authorized `GET` as `handler` says.
    pub async fn serve<H: CredentialHandler>(
        self,
        handler: Arc<H>,
        shutdown: impl Future<Output = ()> + Send,
    ) {
        let token = Arc::new(self.token);
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        // Connections at once: more are closed as they come, so that idle connections (anyone
        // on the machine can open them, token or not) cannot take every file descriptor.
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                () = &mut shutdown => break,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // a pause, not a busy loop.
                    tracing::debug!("credential server: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                tracing::debug!(
                    "credential server: {MAX_CONNECTIONS} connections open; closing one from {peer}"
                );
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (handler, token) = (handler.clone(), token.clone());
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let (handler, token) = (handler.clone(), token.clone());
                async move { Ok::<_, Infallible>(answer(&*handler, &token, &req, peer).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(io, service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                let _ = connection.await;
                drop(slot);
            });
        }
        // Let the requests under way finish, but not forever.
        let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    }
}

/// The answer to one request: authorized first, then `GET` only, then the handler's.
async fn answer<H: CredentialHandler>(
    handler: &H,
    token: &Secret,
    req: &Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let sent = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let (status, response) = if !token.matches(sent) {
        // No detail: whoever lacks the token learns nothing of what is served.
        handler.refused(peer);
        let r = response(StatusCode::UNAUTHORIZED, String::new());
        (r.status(), r)
    } else if req.method() != hyper::Method::GET {
        let mut r = message(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "only GET is served",
        );
        r.headers_mut().insert(
            hyper::header::ALLOW,
            hyper::header::HeaderValue::from_static("GET"),
        );
        (r.status(), r)
    } else {
        let r = match handler.answer(path).await {
            Answer::Credentials(c) => response(StatusCode::OK, c.to_container_json()),
            Answer::NotFound(m) => message(StatusCode::NOT_FOUND, "NotFound", &m),
            Answer::Unavailable { code, message: m } => {
                message(StatusCode::SERVICE_UNAVAILABLE, code, &m)
            }
            Answer::Failed(m) => message(StatusCode::INTERNAL_SERVER_ERROR, "Failed", &m),
        };
        (r.status(), r)
    };
    // The method, path, peer and status: never a header, never a body.
    tracing::debug!(
        "credential server: {} {path} from {peer}: {}",
        req.method(),
        status.as_u16()
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// The status line and body of `request` sent raw to `port`.
    async fn ask(port: u16, request: String) -> (String, String) {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.expect("read");
        let text = String::from_utf8_lossy(&answer).into_owned();
        let status = text.lines().next().unwrap_or_default().to_owned();
        let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
        (status, body)
    }

    struct Fixed;

    impl CredentialHandler for Fixed {
        async fn answer(&self, path: &str) -> Answer {
            match path {
                "/credentials" => Answer::Credentials(RoleCredentials {
                    access_key_id: "ASIATEST".into(),
                    secret_access_key: Secret::new("s"),
                    session_token: Secret::new("t"),
                    expiration: Some(time::OffsetDateTime::now_utc()),
                    account_id: None,
                }),
                "/later" => Answer::Unavailable {
                    code: "SignInNeeded",
                    message: "run: aws-sso-rs login --profile dev".into(),
                },
                other => Answer::NotFound(format!("nothing at {other}")),
            }
        }
    }

    #[tokio::test]
    async fn the_token_then_get_then_the_handler_decide() {
        let server = ContainerServer::bind().await.expect("bind");
        let port = server.local_addr().port();
        let token = server.token().expose().to_owned();
        tokio::spawn(server.serve(Arc::new(Fixed), std::future::pending()));
        let req = |method: &str, path: &str, auth: &str| {
            format!(
                "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\nContent-Length: 0\r\n\r\n"
            )
        };
        let good = format!("Authorization: {token}\r\n");
        let (status, body) = ask(port, req("GET", "/credentials", &good)).await;
        assert!(status.contains(" 200 "), "{status}");
        assert!(body.contains("ASIATEST"), "{body}");
        assert!(
            ask(port, req("POST", "/credentials", &good))
                .await
                .0
                .contains(" 405 ")
        );
        let (status, body) = ask(port, req("GET", "/other", &good)).await;
        assert!(status.contains(" 404 "), "{status}");
        assert!(body.contains("nothing at /other"), "{body}");
        let (status, body) = ask(port, req("GET", "/later", &good)).await;
        assert!(status.contains(" 503 "), "{status}");
        assert!(body.contains("aws-sso-rs login --profile dev"), "{body}");
        for auth in ["", "Authorization: wrong\r\n"] {
            for (method, path) in [("GET", "/credentials"), ("POST", "/other")] {
                let (status, body) = ask(port, req(method, path, auth)).await;
                assert!(status.contains(" 401 "), "{method} {path}: {status}");
                assert_eq!(body, "", "a refusal says nothing of what is served");
            }
        }
    }

    #[tokio::test]
    async fn a_port_in_use_is_named_with_what_to_do() {
        let first = ContainerServer::bind().await.expect("bind");
        let err = ContainerServer::bind_to(first.local_addr(), Secret::new("t"))
            .await
            .expect_err("in use");
        let text = err.to_string();
        assert!(text.contains(&first.local_addr().to_string()), "{text}");
        assert!(text.contains("--listen"), "{text}");
    }

    #[tokio::test]
    async fn a_stop_ends_the_server_after_the_request_under_way() {
        let server = ContainerServer::bind().await.expect("bind");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(server.serve(Arc::new(Fixed), async {
            let _ = stopped.await;
        }));
        stop.send(()).expect("send");
        tokio::time::timeout(std::time::Duration::from_secs(5), served)
            .await
            .expect("the server stops")
            .expect("joined");
    }
}
