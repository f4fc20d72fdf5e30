//! `Idempotency-Key` on PATCH: a repeat gets the first answer without a vendor call, a key
//! reused for another request is refused, a key still running is 409, and keys are per tenant.

use std::time::Duration;

use label_gateway_tests::world::{capillary_sim, capillary_tenant, labels_path, World};
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::SAMPLE_CUSTOMER;
use label_sim::Fault;
use serde_json::{json, Value};

const SETTINGS: &str = "max_retries = 2\ncircuit_failures = 100";

/// Two tenants on the same vendor account: `acme` and `umbrella`.
async fn world() -> World {
    let sim = capillary_sim().await;
    let config = capillary_tenant("acme", &sim.server.base_url(), SETTINGS)
        + &capillary_tenant("umbrella", &sim.server.base_url(), SETTINGS);
    let gateway = TestGateway::start(&config, &[]).await;
    World { sim, gateway }
}

fn vip() -> Value {
    json!({"add": [{"name": "VIP"}]})
}

async fn patch(
    w: &World,
    tenant: &str,
    customer: &str,
    key: &str,
    body: Value,
) -> reqwest::Response {
    w.gateway
        .patch(
            &labels_path(tenant, customer),
            &format!("{tenant}-key"),
            body,
        )
        .header("idempotency-key", key)
        .send()
        .await
        .unwrap()
}

fn replayed(response: &reqwest::Response) -> Option<String> {
    let value = response.headers().get("idempotent-replayed")?;
    value.to_str().ok().map(str::to_owned)
}

#[tokio::test]
async fn the_same_key_and_body_get_the_first_answer_again_without_a_vendor_call() {
    let w = world().await;
    let first = patch(&w, "acme", SAMPLE_CUSTOMER, "order-1", vip()).await;
    assert_eq!(replayed(&first), None);
    let (status, first) = json(first).await;
    assert_eq!(
        (status, &first["results"][0]["status"]),
        (200, &json!("applied"))
    );
    let calls = w.sim.server.calls();
    let again = patch(&w, "acme", SAMPLE_CUSTOMER, "order-1", vip()).await;
    assert_eq!(replayed(&again).as_deref(), Some("true"));
    assert_eq!(
        json(again).await,
        (200, first),
        "the first answer, not `unchanged`"
    );
    assert_eq!(w.sim.server.calls(), calls, "no vendor call");
}

#[tokio::test]
async fn the_same_key_with_another_body_or_customer_is_idempotency_key_reused() {
    let w = world().await;
    let (status, _) = json(patch(&w, "acme", SAMPLE_CUSTOMER, "k-2", vip()).await).await;
    assert_eq!(status, 200);
    let calls = w.sim.server.calls();
    let other_body = json!({"add": [{"name": "Newsletter"}]});
    let response = patch(&w, "acme", SAMPLE_CUSTOMER, "k-2", other_body).await;
    expect_problem(response, 422, "idempotency_key_reused").await;
    let response = patch(&w, "acme", "564663099", "k-2", vip()).await;
    expect_problem(response, 422, "idempotency_key_reused").await;
    assert_eq!(w.sim.server.calls(), calls);
}

#[tokio::test]
async fn a_key_whose_first_request_still_runs_is_idempotency_in_progress() {
    let w = world().await;
    w.sim
        .server
        .push_fault(Fault::delay(Duration::from_millis(1500)));
    let first = patch(&w, "acme", SAMPLE_CUSTOMER, "k-3", vip());
    let second = async {
        // The first has taken its key before it called the vendor.
        while w.sim.server.calls() < 1 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        patch(&w, "acme", SAMPLE_CUSTOMER, "k-3", vip()).await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(
        second.headers()["retry-after"],
        "1",
        "when to ask again for the replay"
    );
    expect_problem(second, 409, "idempotency_in_progress").await;
    assert_eq!(first.status(), 200);
    let third = patch(&w, "acme", SAMPLE_CUSTOMER, "k-3", vip()).await;
    assert_eq!(replayed(&third).as_deref(), Some("true"));
}

#[tokio::test]
async fn keys_are_scoped_per_tenant() {
    let w = world().await;
    let (status, _) = json(patch(&w, "acme", SAMPLE_CUSTOMER, "shared", vip()).await).await;
    assert_eq!(status, 200);
    let calls = w.sim.server.calls();
    let other = patch(&w, "umbrella", SAMPLE_CUSTOMER, "shared", vip()).await;
    assert_eq!(
        replayed(&other),
        None,
        "another tenant's key is not this one's"
    );
    let (status, body) = json(other).await;
    assert_eq!(status, 200);
    assert_eq!(body["tenant"], "umbrella");
    assert_eq!(
        body["results"][0]["status"], "unchanged",
        "it ran, after acme's"
    );
    assert!(w.sim.server.calls() > calls);
}

#[tokio::test]
async fn a_malformed_key_is_invalid_request_before_any_vendor_call() {
    let w = world().await;
    for key in ["has space", &"k".repeat(256), "tab\there"] {
        let response = patch(&w, "acme", SAMPLE_CUSTOMER, key, vip()).await;
        expect_problem(response, 422, "invalid_request").await;
    }
    assert_eq!(w.sim.server.calls(), 0);
}

#[tokio::test]
async fn a_final_error_is_kept_and_replayed() {
    let w = world().await;
    let response = patch(&w, "acme", "999999999", "k-404", vip()).await;
    let first = expect_problem(response, 404, "customer_not_found").await;
    let calls = w.sim.server.calls();
    let again = patch(&w, "acme", "999999999", "k-404", vip()).await;
    assert_eq!(replayed(&again).as_deref(), Some("true"));
    assert_eq!(
        expect_problem(again, 404, "customer_not_found").await,
        first
    );
    assert_eq!(w.sim.server.calls(), calls);
}

#[tokio::test]
async fn a_vendor_failure_frees_the_key_so_a_retry_can_finish_the_work() {
    let w = world().await;
    w.sim
        .server
        .push_fault(Fault::status(500).on_method("POST"));
    let response = patch(&w, "acme", SAMPLE_CUSTOMER, "k-retry", vip()).await;
    expect_problem(response, 502, "upstream_error").await;
    let retry = patch(&w, "acme", SAMPLE_CUSTOMER, "k-retry", vip()).await;
    assert_eq!(replayed(&retry), None);
    let (status, body) = json(retry).await;
    assert_eq!(
        (status, &body["results"][0]["status"]),
        (200, &json!("applied"))
    );
}

#[tokio::test]
async fn a_request_refused_before_running_does_not_take_the_key() {
    let w = world().await;
    let invalid = json!({"add": [{"name": ""}]});
    let response = patch(&w, "acme", SAMPLE_CUSTOMER, "k-fix", invalid).await;
    expect_problem(response, 422, "invalid_request").await;
    let (status, _) = json(patch(&w, "acme", SAMPLE_CUSTOMER, "k-fix", vip()).await).await;
    assert_eq!(status, 200, "the corrected request runs under the same key");
}
