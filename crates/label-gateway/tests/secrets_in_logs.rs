//! The real binary at `RUST_LOG=trace`, driven through success and every error path it can
//! reach here, never writes a configured secret (or a form of it that would do as well) to its
//! logs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use label_sim::{actionhub::ActionHubSim, capillary::CapillarySim, trybe::TrybeSim};
use md5::{Digest, Md5};
use serde_json::json;

const CAP_PASSWORD: &str = "cap-pw-Zq81xT";
const TRYBE_TOKEN: &str = "trybe-tok-Pw93kd";
const AH_KEY: &str = "ah-key-Lm27vb";
const CLIENT_KEYS: [&str; 4] = [
    "client-acme-Hy6",
    "client-globex-Ur4",
    "client-initech-Qe2",
    "client-broken-Bn8",
];

const CONFIG: &str = r#"
[server]
admin_listen = "127.0.0.1:0"

[tenants.acme]
provider = "capillary"
base_url = "${CAP_URL}"
username = "till"
password = "${CAP_PASSWORD}"
api_keys = ["${KEY_ACME}"]

[tenants.globex]
provider = "trybe"
base_url = "${TRYBE_URL}"
token = "${TRYBE_TOKEN}"
api_keys = ["${KEY_GLOBEX}"]

[tenants.initech]
provider = "actionhub"
base_url = "${AH_URL}"
api_key = "${AH_KEY}"
program_id = "prog-42"
api_keys = ["${KEY_INITECH}"]

[tenants.broken]
provider = "capillary"
base_url = "${CAP_URL}"
username = "till"
password = "wrong-${CAP_PASSWORD}"
api_keys = ["${KEY_BROKEN}"]
"#;

struct Running {
    child: Child,
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stops the gateway and returns everything it logged, up to its last line.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let log = self.log.lock().unwrap().clone();
        log
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn start(
    config_path: &std::path::Path,
    env: &[(&str, String)],
    log_format: &str,
) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_label-gateway"))
        .args([
            "serve",
            "--config",
            config_path.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("RUST_LOG", "trace")
        .env("LOG_FORMAT", log_format)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let log = Arc::new(Mutex::new(String::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut log = sink.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    // Made before waiting, so that a gateway that never starts is still killed on the panic.
    let running = Running {
        child,
        log: log.clone(),
        reader: Some(reader),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        let text = log.lock().unwrap().clone();
        if let Some(addr) = text
            .lines()
            .find(|l| l.contains("label-gateway listening"))
            .and_then(listening_addr)
        {
            break addr;
        }
        assert!(
            Instant::now() < deadline,
            "the gateway did not start:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    (running, format!("http://{addr}"))
}

/// The address in the "listening" line, as text (`addr=...`) or JSON (`"addr":"..."`) logs it.
fn listening_addr(line: &str) -> Option<String> {
    if let Some(at) = line.find("\"addr\":\"") {
        let rest = &line[at + 8..];
        return Some(rest[..rest.find('"')?].to_owned());
    }
    let start = line.find("addr=")? + 5;
    Some(line[start..].split_whitespace().next()?.to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_text_logs_at_trace_level() {
    scenario("text").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_json_logs_at_trace_level() {
    scenario("json").await;
}

async fn scenario(log_format: &str) {
    let cap = CapillarySim::start("till", CAP_PASSWORD).await.unwrap();
    let trybe = TrybeSim::start(TRYBE_TOKEN).await.unwrap();
    let ah = ActionHubSim::start(AH_KEY).await.unwrap();
    let path =
        std::env::temp_dir().join(format!("secrets-{}-{log_format}.toml", std::process::id()));
    std::fs::write(&path, CONFIG).unwrap();
    let env = [
        ("CAP_URL", cap.server.base_url()),
        ("TRYBE_URL", trybe.server.base_url()),
        ("AH_URL", ah.server.base_url()),
        ("CAP_PASSWORD", CAP_PASSWORD.to_owned()),
        ("TRYBE_TOKEN", TRYBE_TOKEN.to_owned()),
        ("AH_KEY", AH_KEY.to_owned()),
        ("KEY_ACME", CLIENT_KEYS[0].to_owned()),
        ("KEY_GLOBEX", CLIENT_KEYS[1].to_owned()),
        ("KEY_INITECH", CLIENT_KEYS[2].to_owned()),
        ("KEY_BROKEN", CLIENT_KEYS[3].to_owned()),
    ];
    let (running, base) = start(&path, &env, log_format);
    let client = reqwest::Client::new();
    let trybe_customer = label_sim::trybe::SAMPLE_CUSTOMER;
    let calls: Vec<(reqwest::Method, String, &str, Option<serde_json::Value>)> = vec![
        (
            reqwest::Method::GET,
            "/v1/tenants/acme/customers/564663098/labels?include=raw".into(),
            CLIENT_KEYS[0],
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/acme/labels".into(),
            CLIENT_KEYS[0],
            None,
        ),
        (
            reqwest::Method::PATCH,
            "/v1/tenants/acme/customers/564663098/labels".into(),
            CLIENT_KEYS[0],
            Some(json!({"add": [{"name": "VIP"}, {"name": "Nope"}], "remove": [{"id": "20949"}]})),
        ),
        (
            reqwest::Method::PATCH,
            "/v1/tenants/acme/customers/564663098/labels".into(),
            CLIENT_KEYS[0],
            Some(json!({"add": [{}]})),
        ),
        (
            reqwest::Method::PATCH,
            "/v1/tenants/acme/customers/564663098/labels".into(),
            CLIENT_KEYS[0],
            Some(json!({"add": [{"name": "x".repeat(70_000)}]})),
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/acme/customers/1/labels".into(),
            CLIENT_KEYS[0],
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/acme/customers/abc/labels".into(),
            CLIENT_KEYS[0],
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/acme/customers/1/labels".into(),
            "guessed-key",
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/globex/customers/1/labels".into(),
            CLIENT_KEYS[0],
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/nobody/customers/1/labels".into(),
            CLIENT_KEYS[0],
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/broken/customers/564663098/labels".into(),
            CLIENT_KEYS[3],
            None,
        ),
        (
            reqwest::Method::GET,
            format!("/v1/tenants/globex/customers/{trybe_customer}/labels"),
            CLIENT_KEYS[1],
            None,
        ),
        (
            reqwest::Method::PATCH,
            format!("/v1/tenants/globex/customers/{trybe_customer}/labels"),
            CLIENT_KEYS[1],
            Some(json!({"add": [{"name": "Gym Member"}]})),
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/globex/labels".into(),
            CLIENT_KEYS[1],
            None,
        ),
        (
            reqwest::Method::GET,
            "/v1/tenants/initech/customers/user-1001/labels".into(),
            CLIENT_KEYS[2],
            None,
        ),
        (
            reqwest::Method::PATCH,
            "/v1/tenants/initech/customers/user-1001/labels".into(),
            CLIENT_KEYS[2],
            Some(json!({"add": [{"name": "x"}]})),
        ),
    ];
    let mut statuses = Vec::new();
    for (method, path, key, body) in calls {
        let mut request = client
            .request(method, format!("{base}{path}"))
            .bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        statuses.push(response.status().as_u16());
        let text = response.text().await.unwrap();
        for secret in secrets() {
            assert!(
                !text.contains(&secret),
                "a response body carries a secret: {text}"
            );
        }
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 422, 413, 404, 400, 401, 403, 404, 502, 200, 200, 200, 200, 405]
    );
    let log = running.stop();
    assert!(log.contains("TRACE"), "trace logging was not on:\n{log}");
    for secret in secrets() {
        assert!(
            !log.contains(&secret),
            "the log holds a secret ({secret}):\n{log}"
        );
    }
}

/// Every secret, and every form of one that could be replayed: Capillary's MD5 and Basic header.
fn secrets() -> Vec<String> {
    let md5 = hex::encode(Md5::digest(CAP_PASSWORD.as_bytes()));
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("till:{md5}"));
    let mut all = vec![
        CAP_PASSWORD.to_owned(),
        TRYBE_TOKEN.to_owned(),
        AH_KEY.to_owned(),
        md5,
        basic,
    ];
    all.extend(CLIENT_KEYS.iter().map(|k| (*k).to_owned()));
    all
}
