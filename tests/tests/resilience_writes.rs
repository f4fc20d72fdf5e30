//! Writes are repeated only where a repeat is safe: never Capillary's changeLabels once it may
//! have reached the vendor, always Trybe's idempotent attach and detach.

use label_gateway_tests::world::{labels_path, world};
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::SAMPLE_CUSTOMER;
use label_sim::trybe::{self, TrybeSim, DEMO_TOKEN};
use label_sim::Fault;
use serde_json::json;

const SETTINGS: &str = "timeout_ms = 3000\nmax_retries = 2\ncircuit_failures = 100";

fn posts(sim: &label_sim::SimServer) -> usize {
    sim.requests().iter().filter(|r| r.method == "POST").count()
}

#[tokio::test]
async fn a_500_on_capillary_change_labels_is_not_retried_and_reports_what_was_applied() {
    let w = world(SETTINGS).await;
    // The attach goes through; the detach, the second changeLabels call, fails.
    w.sim.server.push_fault(Fault::pass().on_method("POST"));
    w.sim
        .server
        .push_fault(Fault::status(500).on_method("POST"));
    let change = json!({"add": [{"name": "VIP"}], "remove": [{"name": "Old1 Customer1"}]});
    let response = w
        .gateway
        .patch(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", change)
        .send()
        .await
        .unwrap();
    let body = expect_problem(response, 502, "upstream_error").await;
    assert_eq!(body["upstream"]["status"], 500, "{body}");
    assert_eq!(
        body["results"],
        json!([{"op": "add", "label": {"id": "20960", "name": "VIP"}, "status": "applied"}])
    );
    assert_eq!(
        posts(&w.sim.server),
        2,
        "the failed changeLabels is not repeated"
    );
    let attached = w.sim.attached_names(SAMPLE_CUSTOMER);
    assert!(attached.iter().any(|n| n == "VIP"));
    assert!(attached.iter().any(|n| n == "Old1 Customer1"));
}

#[tokio::test]
async fn a_capillary_write_the_vendor_refused_unseen_is_retried() {
    let w = world(SETTINGS).await;
    // 503 says the vendor did not act on it: even a non-idempotent call may be repeated.
    w.sim
        .server
        .push_fault(Fault::status(503).on_method("POST"));
    let change = json!({"add": [{"name": "VIP"}]});
    let response = w
        .gateway
        .patch(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", change)
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "applied");
    assert_eq!(posts(&w.sim.server), 2);
}

#[tokio::test]
async fn the_fresh_read_of_a_change_is_retried_like_any_read() {
    let w = world(SETTINGS).await;
    w.sim.server.push_fault(Fault::status(502).on_method("GET"));
    let change = json!({"add": [{"name": "VIP"}]});
    let response = w
        .gateway
        .patch(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", change)
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(posts(&w.sim.server), 1);
}

#[tokio::test]
async fn a_trybe_attach_is_retried_on_a_500_since_it_is_idempotent() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let config = format!(
        "[tenants.globex]\nprovider = \"trybe\"\nbase_url = \"{}\"\ntoken = \"{DEMO_TOKEN}\"\n\
         api_keys = [\"globex-key\"]\n{SETTINGS}\n",
        sim.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    sim.server.push_fault(Fault::status(500).on_method("POST"));
    let change = json!({"add": [{"name": "Gym Member"}]});
    let path = labels_path("globex", trybe::SAMPLE_CUSTOMER);
    let response = gateway
        .patch(&path, "globex-key", change)
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "applied");
    assert_eq!(posts(&sim.server), 2, "the attach was repeated once");
    assert!(sim
        .attached_values(trybe::SAMPLE_CUSTOMER)
        .iter()
        .any(|v| v == "Gym Member"));
}
