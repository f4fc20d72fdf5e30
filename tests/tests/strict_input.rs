//! Strict input: what a request must be before anything reaches a vendor. Each
//! refusal is checked over real HTTP against the Capillary simulator, which counts every call
//! it gets: a refused request calls nothing.

use std::time::{Duration, Instant};

use label_gateway_tests::world::{capillary_sim, capillary_tenant, sample_path};
use label_gateway_tests::{expect_problem, TestGateway};
use label_sim::capillary::CapillarySim;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Short, so that a trickled body is cut off quickly.
const BODY_READ_TIMEOUT_MS: u64 = 300;
/// Only keeps a broken build from hanging the suite.
const AT_MOST: Duration = Duration::from_secs(20);
const VIP: &str = r#"{"add":[{"name":"VIP"}]}"#;

struct World {
    sim: CapillarySim,
    gateway: TestGateway,
}

async fn world() -> World {
    let sim = capillary_sim().await;
    let server = format!("[server]\nbody_read_timeout_ms = {BODY_READ_TIMEOUT_MS}\n");
    let config = server + &capillary_tenant("acme", &sim.server.base_url(), "");
    let gateway = TestGateway::start(&config, &[]).await;
    World { sim, gateway }
}

impl World {
    /// A PATCH of the sample customer's labels with the tenant's key and `body` as it is.
    fn patch(&self, body: impl Into<reqwest::Body>) -> reqwest::RequestBuilder {
        self.gateway
            .call(Method::PATCH, &sample_path(), "acme-key")
            .body(body)
    }

    fn patch_json(&self, body: impl Into<reqwest::Body>) -> reqwest::RequestBuilder {
        self.patch(body).header(CONTENT_TYPE, "application/json")
    }

    /// The problem of an `invalid_request`, checked to have called no vendor.
    async fn invalid(&self, request: reqwest::RequestBuilder) -> Value {
        let response = request.send().await.unwrap();
        let problem = expect_problem(response, 422, "invalid_request").await;
        assert_eq!(self.sim.server.calls(), 0, "a vendor was called: {problem}");
        problem
    }
}

fn pointers(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["pointer"].as_str())
        .collect()
}

#[tokio::test]
async fn a_patch_whose_body_is_not_declared_json_is_415_and_calls_no_vendor() {
    let w = world().await;
    for content_type in [
        Some("text/plain"),
        None,
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = w.patch(VIP);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        expect_problem(response, 415, "unsupported_media_type").await;
        assert_eq!(
            w.sim.server.calls(),
            0,
            "{content_type:?} reached the vendor"
        );
    }
    // The same body declared as JSON is executed: only the media type was at fault.
    let response = w.patch_json(VIP).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(w.sim.server.calls() > 0);
}

#[tokio::test]
async fn two_authorization_headers_are_401_whichever_comes_first() {
    let w = world().await;
    let tenant = "/v1/tenants/acme";
    let requests = [
        (Method::GET, sample_path()),
        (Method::GET, tenant.to_owned()),
        (Method::PATCH, sample_path()),
    ];
    let pairs = [
        ["Bearer acme-key", "Bearer not-a-key"],
        ["Bearer not-a-key", "Bearer acme-key"],
        ["Bearer acme-key", "Bearer acme-key"],
    ];
    for (method, path) in &requests {
        for pair in pairs {
            let mut request = w
                .gateway
                .client
                .request(method.clone(), w.gateway.url(path));
            for value in pair {
                request = request.header(AUTHORIZATION, value);
            }
            let request = request.header(CONTENT_TYPE, "application/json").body(VIP);
            let response = request.send().await.unwrap();
            let problem = expect_problem(response, 401, "unauthorized").await;
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("Authorization"),
                "{method} {path} {pair:?}: {problem}"
            );
        }
    }
    assert_eq!(w.sim.server.calls(), 0);
    // One of them alone opens the tenant.
    let one = w.gateway.get(tenant, "acme-key").send().await.unwrap();
    assert_eq!(one.status(), 200);
}

#[tokio::test]
async fn a_key_named_twice_in_a_json_object_is_422_at_its_pointer() {
    let w = world().await;
    let cases = [
        (
            r#"{"add":[{"name":"VIP"}],"add":[{"name":"Newsletter"}]}"#,
            "/add",
        ),
        (
            r#"{"add":[{"name":"VIP","name":"Newsletter"}]}"#,
            "/add/0/name",
        ),
        (
            r#"{"remove":[{"id":"1"},{"id":"2","id":"3"}],"add":[{"name":"VIP"}]}"#,
            "/remove/1/id",
        ),
    ];
    for (body, pointer) in cases {
        let problem = w.invalid(w.patch_json(body)).await;
        assert_eq!(pointers(&problem), [pointer], "{body}: {problem}");
    }
}

#[tokio::test]
async fn a_body_with_21000_problems_lists_100_and_says_it_was_cut() {
    let w = world().await;
    // 21 000 empty references in 63 KB (under max_body_bytes): one problem each, and one more
    // for having over 100 references.
    let body = format!("{{\"add\":[{}]}}", vec!["{}"; 21_000].join(","));
    assert!((63_000..65_536).contains(&body.len()), "{}", body.len());
    let response = w.patch_json(body).send().await.unwrap();
    let size = response.content_length();
    let problem = expect_problem(response, 422, "invalid_request").await;
    assert_eq!(w.sim.server.calls(), 0);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 100);
    assert_eq!(problem["errors_truncated"], true);
    assert!(
        problem["detail"].as_str().unwrap().contains("21001"),
        "{}",
        problem["detail"]
    );
    let size = size.unwrap_or_else(|| problem.to_string().len() as u64);
    assert!(size < 16 * 1024, "a problem of {size} bytes");
    // A body with few problems lists them all, and says nothing of truncation.
    let problem = w.invalid(w.patch_json(r#"{"add":[{}]}"#)).await;
    assert_eq!(pointers(&problem), ["/add/0"]);
    assert!(problem.get("errors_truncated").is_none(), "{problem}");
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_a_header_problem_not_a_body_pointer() {
    let w = world().await;
    let too_long = "k".repeat(256);
    for key in ["has space", too_long.as_str(), "caf\u{e9}"] {
        let problem = w
            .invalid(w.patch_json(VIP).header("idempotency-key", key))
            .await;
        let errors = problem["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{problem}");
        assert_eq!(errors[0]["header"], "Idempotency-Key", "{problem}");
        assert!(errors[0]["detail"].is_string(), "{problem}");
        assert!(errors[0].get("pointer").is_none(), "{key:?}: {problem}");
    }
    // Beside a body problem, each is named where it is.
    let request = w
        .patch_json(r#"{"add":[{}]}"#)
        .header("idempotency-key", "has space");
    let problem = w.invalid(request).await;
    assert_eq!(problem["errors"][0]["header"], "Idempotency-Key");
    assert_eq!(pointers(&problem), ["/add/0"]);
}

#[tokio::test]
async fn a_label_name_with_a_bidirectional_control_is_422() {
    let w = world().await;
    for name in [
        "VIP\u{202E}",
        "\u{202A}VIP",
        "\u{2066}VIP\u{2069}",
        "a\u{2067}b",
    ] {
        for list in ["add", "remove"] {
            let body = json!({ list: [{"name": name}] });
            let problem = w.invalid(w.patch_json(body.to_string())).await;
            let pointer = format!("/{list}/0/name");
            assert_eq!(
                pointers(&problem),
                [pointer.as_str()],
                "{name:?}: {problem}"
            );
        }
    }
    // Other Unicode is a name like any other.
    let body = json!({"add": [{"name": "Café ★ VIP"}]}).to_string();
    let response = w.patch_json(body).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_body_trickled_a_byte_at_a_time_is_cut_off_at_body_read_timeout() {
    let w = world().await;
    // 400 bytes at one every 20 ms: 8 s to send it whole, far past the 300 ms allowed.
    let body = format!("{VIP:<400}");
    let head = format!(
        "PATCH {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer acme-key\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        sample_path(),
        body.len()
    );
    let addr = w.gateway.base_url.trim_start_matches("http://");
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut from_gateway, mut to_gateway) = stream.into_split();
    // Before the head is sent: the gateway's deadline starts once it has read the head.
    let started = Instant::now();
    to_gateway.write_all(head.as_bytes()).await.unwrap();
    let trickle = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(20));
        let mut sent = 0;
        for byte in body.bytes() {
            every.tick().await;
            if to_gateway.write_all(&[byte]).await.is_err() {
                break;
            }
            sent += 1;
        }
        sent
    });
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(AT_MOST, from_gateway.read(&mut answer))
        .await
        .expect("the connection is still held")
        .unwrap_or(0);
    let waited = started.elapsed();
    trickle.abort();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(
        read == 0 || answer.starts_with("HTTP/1.1 408"),
        "after {waited:?}: {answer}"
    );
    // Cut off at the deadline (with room for a loaded machine), long before the body was in.
    let deadline = Duration::from_millis(BODY_READ_TIMEOUT_MS);
    assert!(
        waited >= deadline && waited < Duration::from_secs(3),
        "answered after {waited:?}"
    );
    assert_eq!(w.sim.server.calls(), 0);
}
