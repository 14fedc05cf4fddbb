//! A few plain HTTP/1.1 calls for tests that need no SDK: JSON posts to the mock, and a
//! one-shot loopback listener standing in for a redirect target.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

/// POSTs `body` as JSON to `addr` + `path`; returns the status and the parsed JSON answer.
///
/// # Panics
/// When the server cannot be reached or answers something that is not JSON.
pub fn post_json(
    addr: SocketAddr,
    path: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = body.to_string();
    let mut stream = TcpStream::connect(addr).expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let json = raw.split_once("\r\n\r\n").map_or("null", |(_, b)| b);
    (
        status,
        serde_json::from_str(json).unwrap_or(serde_json::Value::Null),
    )
}

/// A listener on `127.0.0.1` that answers the first request with a short page and hands its
/// request target (`/oauth/callback?code=...`) to [`Redirect::target`].
pub struct Redirect {
    /// The port it listens on.
    pub port: u16,
    rx: mpsc::Receiver<String>,
}

impl Redirect {
    /// Starts listening.
    ///
    /// # Panics
    /// When no port can be bound.
    pub fn listen() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("address").port();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
                if target.starts_with("/favicon") {
                    continue;
                }
                let page = "<html><body><p id=\"done\">Signed in.</p></body></html>";
                let mut stream = &stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = tx.send(target);
                break;
            }
        });
        Self { port, rx }
    }

    /// The request target the browser was sent to, within `wait`.
    pub fn target(&self, wait: Duration) -> Option<String> {
        self.rx.recv_timeout(wait).ok()
    }
}

/// One HTTP/1.1 exchange with `addr` (`host:port`); returns the raw answer.
///
/// # Panics
/// When the server cannot be reached.
pub fn exchange(addr: &str, method: &str, target: &str, form: &str) -> String {
    let mut s =
        TcpStream::connect(addr).unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

fn split_url(url: &str) -> (&str, &str) {
    let rest = url.strip_prefix("http://").expect("a loopback http:// URL");
    rest.split_at(rest.find('/').unwrap_or(rest.len()))
}

/// Plays a person in a browser on aws-sso-mock's pages: opens the authorize URL, signs in,
/// allows access; returns where the browser is redirected (the loopback callback).
///
/// # Panics
/// When a page is not what the mock serves.
pub fn allow_in_browser(url: &str) -> String {
    let (addr, target) = split_url(url);
    let page = exchange(addr, "GET", target, "");
    let id = page
        .split("name=\"id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the sign-in form")
        .to_owned();
    exchange(
        addr,
        "POST",
        "/authorize/signin",
        &format!("id={id}&username=alice&password=x"),
    );
    let answer = exchange(
        addr,
        "POST",
        "/authorize/decide",
        &format!("id={id}&decision=allow"),
    );
    answer
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("a redirect")
        .trim()
        .to_owned()
}

/// Sends the browser to `location` (the loopback callback), as it would after the redirect;
/// returns the raw answer.
pub fn follow(location: &str) -> String {
    let (addr, target) = split_url(location);
    exchange(addr, "GET", target, "")
}
