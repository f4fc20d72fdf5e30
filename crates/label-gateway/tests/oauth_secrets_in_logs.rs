//! A Capillary tenant signed in with OAuth, through the real binary at `RUST_LOG=trace`: its
//! client key and secret, and every token the vendor issued it, reach no log line and no answer,
//! through a token fetch, a refused token and its refresh, writes and batch calls.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use label_sim::capillary::{CapillaryConfig, CapillarySim, OAUTH_HEADER};
use serde_json::json;

const OAUTH_KEY: &str = "oauth-key-Vd83jq";
const OAUTH_SECRET: &str = "oauth-secret-Kc51wz";
const CLIENT_KEY: &str = "client-oauth-Tr5";

/// The gateway's process and what it logged; killed when dropped.
struct Running {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(config: &str, vendor_url: &str) -> (Running, String) {
    let path = std::env::temp_dir().join(format!("oauth-secrets-{}.toml", std::process::id()));
    std::fs::write(&path, config).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_label-gateway"))
        .args([
            "serve",
            "--config",
            path.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .env("CAP_URL", vendor_url)
        .env("OAUTH_SECRET", OAUTH_SECRET)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let log = Arc::new(Mutex::new(String::new()));
    let (stderr, sink) = (child.stderr.take().unwrap(), log.clone());
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut log = sink.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    let running = Running { child, log };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = running.log.lock().unwrap().clone();
        let listening = text.lines().find(|l| l.contains("label-gateway listening"));
        let addr = listening.and_then(|line| line.split("addr=").nth(1));
        if let Some(addr) = addr.and_then(|rest| rest.split_whitespace().next()) {
            return (running, format!("http://{addr}"));
        }
        assert!(
            Instant::now() < deadline,
            "the gateway did not start:\n{text}"
        );
        // Polled: the log is written by the child as it starts.
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_oauth_credential_or_token_reaches_the_logs_or_an_answer() {
    let vendor = CapillaryConfig::new("till", "pw").with_oauth(OAUTH_KEY, OAUTH_SECRET);
    let sim = CapillarySim::start_with(vendor).await.unwrap();
    let config = format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"${{CAP_URL}}\"\n\
         oauth_key = \"{OAUTH_KEY}\"\noauth_secret = \"${{OAUTH_SECRET}}\"\n\
         api_keys = [\"{CLIENT_KEY}\"]\ncache_ttl_seconds = 0\n"
    );
    let (running, base) = start(&config, &sim.server.base_url());
    let client = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        let mut request = client
            .request(method, format!("{base}{path}"))
            .bearer_auth(CLIENT_KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    use reqwest::Method;
    let mut answers = vec![
        call(
            Method::GET,
            "/v1/tenants/acme/customers/564663098/labels",
            None,
        )
        .await,
    ];
    sim.expire_tokens();
    let steps = [
        (
            Method::GET,
            "/v1/tenants/acme/customers/564663098/labels?include=raw",
            None,
        ),
        (
            Method::PATCH,
            "/v1/tenants/acme/labels/20960/customers",
            Some(json!({"add": ["564663098", "777"]})),
        ),
        (
            Method::POST,
            "/v1/tenants/acme/customers/labels:batchGet",
            Some(json!({"customer_ids": ["564663098", "777"]})),
        ),
        (
            Method::POST,
            "/v1/tenants/acme/labels",
            Some(json!({"name": "Logged Nowhere"})),
        ),
        (Method::GET, "/v1/tenants/acme/labels/20960/customers", None),
    ];
    for (method, path, body) in steps {
        answers.push(call(method, path, body).await);
    }
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 201, 200]);
    assert_eq!(
        sim.tokens_issued(),
        2,
        "one token, and one after it was refused"
    );
    let tokens: Vec<String> = sim
        .server
        .requests()
        .iter()
        .filter_map(|r| r.header(OAUTH_HEADER).map(str::to_owned))
        .collect();
    assert!(tokens.len() >= 6, "{tokens:?}");
    let mut secrets = vec![OAUTH_KEY.to_owned(), OAUTH_SECRET.to_owned()];
    secrets.extend(tokens);
    let log = running.log.lock().unwrap().clone();
    assert!(log.contains("TRACE"), "trace logging was not on:\n{log}");
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the log holds a secret ({secret}):\n{log}"
        );
        for (_, text) in &answers {
            assert!(
                !text.contains(secret.as_str()),
                "an answer holds a secret: {text}"
            );
        }
    }
}
