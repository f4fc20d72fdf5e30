//! Every way a vendor can fail on a read, injected into the simulator, and the contract code the
//! client gets for it; with the number of vendor calls, which shows what was retried.

use std::time::{Duration, Instant};

use label_gateway_tests::world::{capillary_tenant, sample_path, world};
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::{closed_base_url, Fault};

/// Three attempts (`max_retries = 2`) with room for backoff; the circuit stays out of the way.
const SETTINGS: &str = "timeout_ms = 3000\nmax_retries = 2\ncircuit_failures = 100";

#[tokio::test]
async fn a_transient_500_on_a_read_is_retried_into_a_200() {
    let w = world(SETTINGS).await;
    w.sim.server.push_fault(Fault::status(500));
    let (status, body) = json(w.get_sample().await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["labels"].as_array().map(Vec::len), Some(5));
    assert_eq!(w.sim.server.calls(), 2);
}

#[tokio::test]
async fn a_500_that_persists_is_upstream_error_with_the_vendor_status() {
    let w = world(SETTINGS).await;
    w.sim.server.push_faults(3, Fault::status(500));
    let body = expect_problem(w.get_sample().await, 502, "upstream_error").await;
    assert_eq!(body["upstream"]["status"], 500, "{body}");
    assert_eq!(w.sim.server.calls(), 3, "one call and two retries");
}

#[tokio::test]
async fn a_body_that_does_not_parse_is_upstream_error_at_once() {
    let w = world(SETTINGS).await;
    w.sim.server.push_fault(Fault::malformed_body());
    let body = expect_problem(w.get_sample().await, 502, "upstream_error").await;
    assert_eq!(body["upstream"]["status"], 200, "{body}");
    assert_eq!(w.sim.server.calls(), 1, "the same garbage would come back");
}

#[tokio::test]
async fn a_truncated_body_is_upstream_error() {
    let w = world(SETTINGS).await;
    w.sim.server.push_faults(3, Fault::truncated_body());
    let body = expect_problem(w.get_sample().await, 502, "upstream_error").await;
    assert!(
        body["detail"].as_str().unwrap().contains("mid-exchange"),
        "{body}"
    );
    assert_eq!(
        w.sim.server.calls(),
        3,
        "a broken connection is worth a retry"
    );
}

#[tokio::test]
async fn a_reset_connection_is_upstream_error() {
    let w = world(SETTINGS).await;
    w.sim.server.push_faults(3, Fault::connection_reset());
    let body = expect_problem(w.get_sample().await, 502, "upstream_error").await;
    assert!(
        body["detail"].as_str().unwrap().contains("mid-exchange"),
        "{body}"
    );
    assert_eq!(w.sim.server.calls(), 3);
}

#[tokio::test]
async fn a_reset_connection_is_retried_into_a_200() {
    let w = world(SETTINGS).await;
    w.sim.server.push_fault(Fault::connection_reset());
    let (status, body) = json(w.get_sample().await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(w.sim.server.calls(), 2);
}

#[tokio::test]
async fn a_closed_port_is_upstream_error() {
    let config = capillary_tenant("acme", &closed_base_url().unwrap(), SETTINGS);
    let gateway = TestGateway::start(&config, &[]).await;
    let response = gateway
        .get(&sample_path(), "acme-key")
        .send()
        .await
        .unwrap();
    let body = expect_problem(response, 502, "upstream_error").await;
    assert!(body.get("upstream").is_none(), "no vendor answered: {body}");
    assert!(
        body["detail"].as_str().unwrap().contains("connect"),
        "{body}"
    );
}

#[tokio::test]
async fn a_vendor_slower_than_timeout_ms_is_upstream_timeout_within_the_bound() {
    let w = world("timeout_ms = 300\nmax_retries = 2").await;
    w.sim
        .server
        .push_faults(3, Fault::delay(Duration::from_secs(10)));
    let started = Instant::now();
    let response = w.get_sample().await;
    let waited = started.elapsed();
    expect_problem(response, 504, "upstream_timeout").await;
    // 300 ms bound the whole exchange, retries included; 5 s is a generous margin.
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(w.sim.server.calls(), 1, "no time was left for a retry");
}

#[tokio::test]
async fn a_401_from_the_vendor_is_upstream_auth_failed_and_not_retried() {
    let w = world(SETTINGS).await;
    let body = r#"{"status": {"success": false, "code": 401, "message": "Unauthorized"}}"#;
    w.sim.server.push_fault(Fault::status_with_body(401, body));
    let body = expect_problem(w.get_sample().await, 502, "upstream_auth_failed").await;
    assert_eq!(body["upstream"]["status"], 401, "{body}");
    assert_eq!(w.sim.server.calls(), 1);
}

#[tokio::test]
async fn a_429_with_retry_after_1_is_honoured_then_succeeds() {
    let w = world(SETTINGS).await;
    w.sim
        .server
        .push_fault(Fault::status(429).with_retry_after("1"));
    let started = Instant::now();
    let (status, body) = json(w.get_sample().await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(w.sim.server.calls(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the vendor asked for a second"
    );
}

#[tokio::test]
async fn a_429_whose_retry_after_outlasts_the_timeout_is_passed_on_at_once() {
    let w = world(SETTINGS).await;
    w.sim
        .server
        .push_fault(Fault::status(429).with_retry_after("120"));
    let started = Instant::now();
    let response = w.get_sample().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no waiting for a retry that cannot be made"
    );
    let retry_after = response.headers().get("retry-after").cloned();
    let body = expect_problem(response, 429, "upstream_rate_limited").await;
    assert_eq!(
        retry_after.as_ref().and_then(|v| v.to_str().ok()),
        Some("120")
    );
    assert_eq!(body["upstream"]["status"], 429, "{body}");
    assert_eq!(w.sim.server.calls(), 1);
}

#[tokio::test]
async fn retries_run_out_on_a_vendor_that_keeps_throttling() {
    let w = world(SETTINGS).await;
    w.sim.server.push_faults(3, Fault::status(429));
    expect_problem(w.get_sample().await, 429, "upstream_rate_limited").await;
    assert_eq!(w.sim.server.calls(), 3);
}
