//! The container-credentials protocol on `127.0.0.1`, for `aws-sso-rs exec --server`: SDKs in
//! the child read `AWS_CONTAINER_CREDENTIALS_FULL_URI` and send
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`; every answer carries fresh credentials, so a long
//! program outlives any one set of them.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use aws_sso_token_cache::{RoleCredentials, Secret};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

use crate::Error;

/// A bound server: where it listens and the token clients must send.
#[derive(Debug)]
pub struct ContainerServer {
    listener: TcpListener,
    token: Secret,
    url: String,
}

fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

impl ContainerServer {
    /// Binds `127.0.0.1` on a free port and makes a random 256-bit token.
    ///
    /// # Errors
    /// No port can be bound or there is no randomness.
    pub async fn bind() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!(
            "http://127.0.0.1:{}/credentials",
            listener.local_addr()?.port()
        );
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let token = Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        Ok(Self {
            listener,
            token,
            url,
        })
    }

    /// The value of `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The value of `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// Serves `target`'s role credentials until the future is dropped: each authorized
    /// request is answered from the cache when fresh, else fetched (a token refreshed when
    /// due), never with a sign-in (what `aws-sso-rs exec --server` runs).
    pub async fn serve_role(
        self,
        target: crate::RoleTarget,
        cache: aws_sso_token_cache::TokenCache,
        clock: Arc<dyn aws_sso_token_cache::Clock>,
    ) {
        let clients = crate::SdkClients::for_target(&target);
        let shared = Arc::new((clients, cache, target, clock));
        self.serve(move || {
            let shared = shared.clone();
            async move {
                let (clients, cache, target, clock) = &*shared;
                tracing::debug!(
                    "credential server: request for profile '{}'",
                    target.profile
                );
                clients.resolver(clock, cache).credentials(target).await
            }
        })
        .await;
    }

    /// Serves the credentials of `target`, any profile the credential commands serve (an IAM
    /// Identity Center role or a chain of roles): the cached answer, else fetched (never a
    /// sign-in, never an MFA prompt).
    pub async fn serve_target(
        self,
        target: crate::CredentialTarget,
        cache: aws_sso_token_cache::TokenCache,
        clock: Arc<dyn aws_sso_token_cache::Clock>,
    ) {
        let shared = Arc::new((target, cache, clock));
        self.serve(move || {
            let shared = shared.clone();
            async move {
                let (target, cache, clock) = &*shared;
                tracing::debug!(
                    "credential server: request for profile '{}'",
                    target.profile()
                );
                let policy = aws_sso_token_cache::ExpiryPolicy::default();
                if let Some(c) = crate::cached_credentials(cache, target, &policy, clock.now()) {
                    return Ok(c);
                }
                crate::credentials_for(
                    target,
                    cache,
                    clock,
                    policy,
                    None::<(&aws_sso_device_auth::PrintPresenter, _)>,
                    &crate::NoMfa,
                )
                .await
            }
        })
        .await;
    }

    /// Serves until the future is dropped, answering each authorized request with the
    /// credentials `get` returns.
    pub async fn serve<F, Fut>(self, get: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RoleCredentials, Error>> + Send,
    {
        let get = Arc::new(get);
        let token = Arc::new(self.token);
        loop {
            let Ok((stream, peer)) = self.listener.accept().await else {
                continue;
            };
            // Bound to 127.0.0.1, so this holds; checked all the same.
            if !peer.ip().is_loopback() {
                continue;
            }
            let (get, token) = (get.clone(), token.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let (get, token) = (get.clone(), token.clone());
                    async move {
                        // Only `GET /credentials`: nothing else is served.
                        if req.uri().path() != "/credentials" {
                            return Ok::<_, Infallible>(json(
                                StatusCode::NOT_FOUND,
                                r#"{"Message":"not found"}"#.into(),
                            ));
                        }
                        if req.method() != hyper::Method::GET {
                            return Ok(json(
                                StatusCode::METHOD_NOT_ALLOWED,
                                r#"{"Message":"only GET"}"#.into(),
                            ));
                        }
                        let sent = req
                            .headers()
                            .get(hyper::header::AUTHORIZATION)
                            .map(|v| v.as_bytes())
                            .unwrap_or_default();
                        if !token.matches(sent) {
                            return Ok(json(
                                StatusCode::UNAUTHORIZED,
                                r#"{"Message":"missing or wrong authorization token"}"#.into(),
                            ));
                        }
                        Ok(match get().await {
                            Ok(c) => json(StatusCode::OK, c.to_container_json()),
                            Err(e) => json(
                                StatusCode::INTERNAL_SERVER_ERROR,
                                serde_json::json!({ "Message": e.to_string() }).to_string(),
                            ),
                        })
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// The status line of `request` sent raw to `port`.
    async fn ask(port: u16, request: String) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.expect("read");
        let text = String::from_utf8_lossy(&answer).into_owned();
        text.lines().next().unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn only_get_on_its_path_with_the_token_is_answered() {
        let server = ContainerServer::bind().await.expect("bind");
        let port: u16 = server
            .url()
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/credentials")
            .parse()
            .expect("port");
        let token = server.token().expose().to_owned();
        tokio::spawn(server.serve(|| async {
            Ok(RoleCredentials {
                access_key_id: "ASIATEST".into(),
                secret_access_key: Secret::new("s"),
                session_token: Secret::new("t"),
                expiration: Some(time::OffsetDateTime::now_utc()),
                account_id: None,
            })
        }));
        let req = |method: &str, path: &str, auth: &str| {
            format!(
                "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\nContent-Length: 0\r\n\r\n"
            )
        };
        let good = format!("Authorization: {token}\r\n");
        assert!(
            ask(port, req("GET", "/credentials", &good))
                .await
                .contains(" 200 ")
        );
        assert!(
            ask(port, req("POST", "/credentials", &good))
                .await
                .contains(" 405 ")
        );
        assert!(
            ask(port, req("GET", "/other", &good))
                .await
                .contains(" 404 ")
        );
        assert!(
            ask(port, req("GET", "/credentials", ""))
                .await
                .contains(" 401 ")
        );
        assert!(
            ask(port, req("GET", "/credentials", "Authorization: wrong\r\n"))
                .await
                .contains(" 401 ")
        );
    }
}
