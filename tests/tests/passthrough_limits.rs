//! The tenant's protections hold for passthrough calls as for any vendor call: the circuit
//! breaker counts a vendor's 5xx and then calls nothing, an answer over
//! `max_upstream_body_bytes` is refused, and the vendor budget refuses past its burst.

use label_gateway_tests::TestGateway;
use serde_json::{json, Value};

#[path = "support/fake_vendor.rs"]
mod fake_vendor;
use fake_vendor::{FakeVendor, Received, Reply};

fn config(vendor: &str, tenant: &str) -> String {
    format!(
        r#"
[server]
max_upstream_body_bytes = 1024

[tenants.try]
provider = "trybe"
base_url = "{vendor}"
token = "trybe-token-limits"
api_keys = ["trybe-client"]
cache_ttl_seconds = 0
max_retries = 0
passthrough = [{{ methods = ["GET", "POST"], path = "/**" }}]
{tenant}
"#
    )
}

async fn call(gateway: &TestGateway, path: &str) -> (u16, Value) {
    let url = format!("/v1/tenants/try/passthrough{path}");
    let response = gateway
        .post(&url, "trybe-client", json!({}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_breaker_opens_on_vendor_failures_and_then_sends_nothing() {
    let vendor =
        FakeVendor::start(|_: &Received| Reply::json(500, json!({"vendor": "broken"}))).await;
    let gateway = TestGateway::start(&config(&vendor.base_url, "circuit_failures = 2"), &[]).await;
    for _ in 0..2 {
        let (status, body) = call(&gateway, "/x").await;
        assert_eq!(status, 500, "the vendor's own answer: {body}");
        assert_eq!(body, json!({"vendor": "broken"}));
    }
    let (status, body) = call(&gateway, "/x").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "upstream_unavailable");
    assert_eq!(vendor.received().len(), 2);
}

#[tokio::test]
async fn an_answer_over_max_upstream_body_bytes_is_refused() {
    let vendor = FakeVendor::start(|r: &Received| match r.target.as_str() {
        "/big" => Reply::json(200, json!({"pad": "x".repeat(4096)})),
        _ => Reply::json(200, json!({"small": true})),
    })
    .await;
    let gateway = TestGateway::start(&config(&vendor.base_url, ""), &[]).await;
    let (status, body) = call(&gateway, "/big").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["code"], "upstream_error");
    let (status, body) = call(&gateway, "/small").await;
    assert_eq!((status, body), (200, json!({"small": true})));
}

#[tokio::test]
async fn the_vendor_budget_refuses_past_its_burst() {
    let vendor = FakeVendor::start(|_: &Received| Reply::json(200, json!({}))).await;
    let budget = "vendor_requests_per_minute = 1\nvendor_burst = 1\ntimeout_ms = 500";
    let gateway = TestGateway::start(&config(&vendor.base_url, budget), &[]).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(call(&gateway, "/x").await.0);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(vendor.received().len() < 4, "{statuses:?}");
}
