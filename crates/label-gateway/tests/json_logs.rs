//! The real binary with `LOG_FORMAT=json`: every line on stderr is one JSON object, each line of
//! a request carries its request id, and the vendor call shows as a child span with its method,
//! path template, status and attempt, never with the customer id.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use label_sim::capillary::{CapillarySim, SAMPLE_CUSTOMER};
use serde_json::Value;

const CONFIG: &str = r#"
[server]
admin_listen = "127.0.0.1:0"

[tenants.acme]
provider = "capillary"
base_url = "${CAP_URL}"
username = "till"
password = "pw-Jx81"
api_keys = ["client-key"]
cache_ttl_seconds = 60
"#;

const REQUEST_ID: &str = "trace-me-4711";
const HIT_ID: &str = "trace-me-4712";

/// The `request` span's fields on a line, if the line belongs to a request.
fn request_span(line: &Value) -> Option<&Value> {
    line["spans"]
        .as_array()?
        .iter()
        .find(|span| span["name"] == "request")
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_are_json_lines_with_the_request_id_on_each() {
    let sim = CapillarySim::start("till", "pw-Jx81").await.unwrap();
    let path = std::env::temp_dir().join(format!("json-logs-{}.toml", std::process::id()));
    std::fs::write(&path, CONFIG).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_label-gateway"))
        .args(["serve", "--config", path.to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0"])
        .env("CAP_URL", sim.server.base_url())
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "label_gateway=debug,label_providers=debug,info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        let listening = log.lock().unwrap().iter().find_map(|line| {
            let value: Value = serde_json::from_str(line).ok()?;
            (value["fields"]["message"] == "label-gateway listening")
                .then(|| value["fields"]["addr"].as_str().map(str::to_owned))?
        });
        if let Some(addr) = listening {
            break addr;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the gateway did not start: {:?}", log.lock().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let url = format!("http://{addr}/v1/tenants/acme/customers/{SAMPLE_CUSTOMER}/labels");
    let client = reqwest::Client::new();
    // A miss, then a hit: the gateway answers hits before its router, and they must be logged
    // in the same span as every other request.
    for (id, cache_status) in [
        (REQUEST_ID, "label-gateway; fwd=miss"),
        (HIT_ID, "label-gateway; hit"),
    ] {
        let response = client
            .get(&url)
            .bearer_auth("client-key")
            .header("x-request-id", id)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-status"], cache_status);
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    let _ = std::fs::remove_file(&path);

    let lines = log.lock().unwrap().clone();
    let parsed: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let of_request: Vec<&Value> = parsed
        .iter()
        .filter(|l| request_span(l).is_some())
        .collect();
    assert!(of_request.len() >= 2, "{lines:#?}");
    for line in &of_request {
        let span = request_span(line).unwrap();
        assert!(
            span["request_id"] == REQUEST_ID || span["request_id"] == HIT_ID,
            "{line}"
        );
        assert_eq!(span["tenant"], "acme", "{line}");
        assert_eq!(span["provider"], "capillary", "{line}");
        assert_eq!(
            span["route"], "/v1/tenants/{tenant}/customers/{customer_id}/labels",
            "{line}"
        );
    }
    for id in [REQUEST_ID, HIT_ID] {
        assert!(
            of_request
                .iter()
                .any(|l| l["fields"]["message"] == "request answered"
                    && request_span(l).unwrap()["request_id"] == id),
            "no answer logged for {id}: {lines:#?}"
        );
    }
    let vendor = of_request
        .iter()
        .find(|l| l["fields"]["message"] == "vendor answered")
        .unwrap_or_else(|| panic!("no vendor call line: {lines:#?}"));
    let spans = vendor["spans"].as_array().unwrap();
    // Each layer owns its span: the resilience layer the attempt, the metrics layer the call.
    let attempt = spans
        .iter()
        .find(|s| s["name"] == "vendor_attempt")
        .unwrap();
    assert_eq!(attempt["attempt"].as_u64(), Some(1));
    let call = spans.iter().find(|s| s["name"] == "vendor_call").unwrap();
    assert_eq!(call["operation"], Value::from("customer_labels"));
    let names: Vec<&str> = spans.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(
        names,
        ["request", "vendor_attempt", "vendor_call", "vendor_http"],
        "spans nest as the layers do"
    );
    let http = spans.iter().find(|s| s["name"] == "vendor_http").unwrap();
    assert_eq!(http["method"], "GET");
    assert_eq!(http["path"], "/v2/customers/{id}/labels");
    assert_eq!(http["status"], 200);
    assert!(
        lines.iter().all(|line| !line.contains(SAMPLE_CUSTOMER)),
        "a customer id reached the logs: {lines:#?}"
    );
}
