//! The real binary under signals: SIGTERM lets the request in flight finish and exits 0; SIGHUP
//! reloads a valid config and keeps the running one when the new one is broken.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use label_sim::capillary::{CapillarySim, SAMPLE_CUSTOMER};
use label_sim::Fault;

const USERNAME: &str = "till_42";
const PASSWORD: &str = "s3cret-pa55";
/// Everything below is bounded by this, generously: a slow machine is not a failure.
const PATIENCE: Duration = Duration::from_secs(30);

/// The gateway process; killed if a test ends without stopping it.
struct Gateway {
    child: Child,
    base_url: String,
    /// Lines the process writes to stderr (its log).
    log: mpsc::Receiver<String>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tenant(id: &str, base_url: &str, key: &str) -> String {
    format!(
        "[tenants.{id}]\nprovider = \"capillary\"\nbase_url = \"{base_url}\"\n\
         username = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\napi_keys = [\"{key}\"]\n\
         timeout_ms = 20000\n"
    )
}

/// Admin listener on a free port: tests run side by side.
const SERVER: &str = "[server]\nadmin_listen = \"127.0.0.1:0\"\n";

fn config_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("label-gateway-signals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let path = dir.join(name);
    std::fs::write(&path, format!("{SERVER}{text}")).expect("config written");
    path
}

/// A port that was free a moment ago: the binary is told to listen there.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

async fn start(config: &Path) -> Gateway {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_label-gateway"))
        .args(["serve", "--config"])
        .arg(config)
        .args(["--listen", &addr])
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (lines, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let gateway = Gateway {
        child,
        base_url: format!("http://{addr}"),
        log,
    };
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let health = client.get(format!("{}/healthz", gateway.base_url)).send();
        if matches!(health.await, Ok(r) if r.status() == 200) {
            return gateway;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the gateway never became healthy"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn signal(gateway: &Gateway, name: &str) {
    let status = Command::new("kill")
        .args(["-s", name, &gateway.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -s {name}");
}

async fn exit_status(gateway: &mut Gateway) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = gateway.child.try_wait().expect("wait") {
            return status;
        }
        assert!(started.elapsed() < PATIENCE, "the gateway did not exit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for a log line containing `text`.
fn await_log(gateway: &Gateway, text: &str) {
    let until = Instant::now() + PATIENCE;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match gateway.log.recv_timeout(left) {
            Ok(line) if line.contains(text) => return,
            Ok(_) => {}
            Err(_) => panic!("no log line with {text:?}"),
        }
    }
}

async fn tenant_status(gateway: &Gateway, tenant: &str, key: &str) -> u16 {
    let url = format!("{}/v1/tenants/{tenant}", gateway.base_url);
    let response = reqwest::Client::new().get(url).bearer_auth(key).send();
    response
        .await
        .expect("the gateway answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let sim = CapillarySim::start(USERNAME, PASSWORD).await.unwrap();
    let config = config_file(
        "term.toml",
        &tenant("acme", &sim.server.base_url(), "acme-key"),
    );
    let mut gateway = start(&config).await;
    sim.server.push_fault(Fault::delay(Duration::from_secs(2)));
    let url = format!(
        "{}/v1/tenants/acme/customers/{SAMPLE_CUSTOMER}/labels",
        gateway.base_url
    );
    let in_flight = tokio::spawn(
        reqwest::Client::new()
            .get(url)
            .bearer_auth("acme-key")
            .send(),
    );
    while sim.server.calls() < 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    signal(&gateway, "TERM");
    await_log(&gateway, "shutting down");
    let response = in_flight
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["labels"].as_array().map(Vec::len), Some(5));
    let status = exit_status(&mut gateway).await;
    assert!(status.success(), "{status:?}");
    let refused = tokio::net::TcpStream::connect(gateway.base_url.trim_start_matches("http://"));
    assert!(refused.await.is_err(), "nothing listens any more");
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_reloads_a_valid_config_and_keeps_serving_the_old_one_when_broken() {
    let url = "http://127.0.0.1:9";
    let first = tenant("acme", url, "acme-key");
    let config = config_file("hup.toml", &first);
    let mut gateway = start(&config).await;
    assert_eq!(tenant_status(&gateway, "acme", "acme-key").await, 200);
    assert_eq!(tenant_status(&gateway, "globex", "globex-key").await, 401);

    std::fs::write(
        &config,
        format!("{SERVER}{first}{}", tenant("globex", url, "globex-key")),
    )
    .unwrap();
    signal(&gateway, "HUP");
    await_log(&gateway, "config reloaded");
    assert_eq!(tenant_status(&gateway, "globex", "globex-key").await, 200);
    assert_eq!(tenant_status(&gateway, "acme", "acme-key").await, 200);

    std::fs::write(&config, "[tenants.broken]\nprovider = \"nobody\"\n").unwrap();
    signal(&gateway, "HUP");
    await_log(&gateway, "config reload rejected");
    assert_eq!(tenant_status(&gateway, "globex", "globex-key").await, 200);
    assert_eq!(tenant_status(&gateway, "acme", "acme-key").await, 200);
    assert!(gateway.child.try_wait().unwrap().is_none(), "still running");

    signal(&gateway, "TERM");
    assert!(exit_status(&mut gateway).await.success());
}
