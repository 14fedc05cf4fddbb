//! How many `GetRoleCredentials` per second the mock answers on loopback.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p aws-sso-mock-endpoint --bench
//! throughput`). Target: at least 5,000 per second, so that it never limits the benchmarks of
//! aws-sso-rs itself. Prints one line with the figure.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_sso_mock::{Approval, MockServer, Scenario};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

const CONNECTIONS: usize = 32;
const DURATION: Duration = Duration::from_secs(5);

async fn post_json(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    url: String,
    body: String,
) -> serde_json::Value {
    let req = hyper::Request::post(url)
        .body(Full::new(Bytes::from(body)))
        .expect("request");
    let res = client.request(req).await.expect("answer");
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice(&bytes).expect("json")
}

fn main() {
    let mut scenario = Scenario::default();
    scenario.device.approval = Approval::Immediate;
    let server = MockServer::start(scenario).expect("start the mock");
    let base = server.url().to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (count, elapsed) = runtime.block_on(async move {
        let setup = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let reg = post_json(&setup, format!("{base}/client/register"), r#"{"clientName":"bench","clientType":"public"}"#.into()).await;
        let (id, secret) = (reg["clientId"].as_str().expect("id").to_owned(), reg["clientSecret"].as_str().expect("secret").to_owned());
        let auth = serde_json::json!({"clientId": id, "clientSecret": secret, "startUrl": "https://d-XXXXXXXXX.awsapps.com/start"});
        let dev = post_json(&setup, format!("{base}/device_authorization"), auth.to_string()).await;
        let req = serde_json::json!({"clientId": id, "clientSecret": secret, "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": dev["deviceCode"]});
        let token = post_json(&setup, format!("{base}/token"), req.to_string()).await["accessToken"].as_str().expect("token").to_owned();

        let client = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(CONNECTIONS).build_http::<Empty<Bytes>>();
        let done = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                let (client, done, token) = (client.clone(), done.clone(), token.clone());
                let url = format!("{base}/federation/credentials?account_id=123456789011&role_name=ReadOnly");
                tokio::spawn(async move {
                    while start.elapsed() < DURATION {
                        let req = hyper::Request::get(&url).header("x-amz-sso_bearer_token", &token).body(Empty::new()).expect("request");
                        let res = client.request(req).await.expect("answer");
                        assert_eq!(res.status(), 200);
                        res.into_body().collect().await.expect("body");
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
        (done.load(Ordering::Relaxed), start.elapsed())
    });
    let rate = count as f64 / elapsed.as_secs_f64();
    println!(
        "mock GetRoleCredentials: {count} in {:.1} s over {CONNECTIONS} connections = {rate:.0} per second (target >= 5000); mock counted {}",
        elapsed.as_secs_f64(),
        server.count("GetRoleCredentials")
    );
}
