//! A small HTTP `CONNECT` proxy on loopback, as corporate networks put in front of AWS: it
//! records every tunnel it is asked for, and either opens it or refuses it (`403`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy does with a `CONNECT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyMode {
    /// Opens the tunnel and copies bytes both ways.
    Forward,
    /// Answers `403 Forbidden`, as a proxy whose policy blocks the host.
    Refuse,
}

/// A running proxy; it stops serving when dropped (the listener closes).
pub struct ConnectProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
    auth: Arc<Mutex<Vec<Option<String>>>>,
    _listener: Arc<TcpListener>,
}

impl ConnectProxy {
    /// Starts the proxy on an ephemeral `127.0.0.1` port.
    pub fn start(mode: ProxyMode) -> Self {
        let listener = Arc::new(TcpListener::bind("127.0.0.1:0").expect("bind the proxy"));
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let auth = Arc::new(Mutex::new(Vec::new()));
        let (l, s, a) = (listener.clone(), seen.clone(), auth.clone());
        std::thread::spawn(move || {
            for stream in l.incoming() {
                let Ok(stream) = stream else { break };
                let (s, a) = (s.clone(), a.clone());
                std::thread::spawn(move || {
                    let _ = handle(stream, mode, &s, &a);
                });
            }
        });
        Self {
            url,
            seen,
            auth,
            _listener: listener,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `Proxy-Authorization` header of each request so far (`None` where there was none).
    pub fn authorizations(&self) -> Vec<Option<String>> {
        self.auth.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The request lines received so far (`CONNECT 127.0.0.1:4443 HTTP/1.1`, ...).
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

fn handle(
    client: TcpStream,
    mode: ProxyMode,
    seen: &Mutex<Vec<String>>,
    auth: &Mutex<Vec<Option<String>>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("proxy-authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    if let Ok(mut v) = auth.lock() {
        v.push(authorization);
    }
    let request_line = request_line.trim().to_owned();
    if let Ok(mut v) = seen.lock() {
        v.push(request_line.clone());
    }
    let mut client_w = client.try_clone()?;
    let target = match request_line.split_whitespace().collect::<Vec<_>>()[..] {
        ["CONNECT", target, _] if mode == ProxyMode::Forward => target.to_owned(),
        _ => {
            client_w.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )?;
            return Ok(());
        }
    };
    let upstream = TcpStream::connect(target)?;
    client_w.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")?;
    // Whatever the client sent after its headers is already in `reader`'s buffer.
    let buffered = reader.buffer().to_vec();
    let mut up_w = upstream.try_clone()?;
    up_w.write_all(&buffered)?;
    let mut up_r = upstream;
    let mut client_r = reader.into_inner();
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_r, &mut up_w);
        let _ = up_w.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut up_r, &mut client_w);
    let _ = client_w.shutdown(std::net::Shutdown::Write);
    let _ = t.join();
    Ok(())
}
