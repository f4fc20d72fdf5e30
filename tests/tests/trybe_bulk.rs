//! Trybe has no batch call: a change of many customers is one read and (where needed) one write
//! per customer, each through the tenant's retries and within its `max_in_flight`.

use std::time::Duration;

use label_gateway_tests::{json, TestGateway};
use label_sim::trybe::{self, TrybeSim, DEMO_TOKEN};
use label_sim::Fault;
use serde_json::{json, Value};

const KEY: &str = "globex-key";
const CUSTOMERS: [&str; 3] = [
    trybe::UNLABELLED_CUSTOMER,
    trybe::ARCHIVED_LABEL_CUSTOMER,
    "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
];

async fn setup(settings: &str) -> (TrybeSim, TestGateway) {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let config = format!(
        "[tenants.globex]\nprovider = \"trybe\"\nbase_url = \"${{URL}}\"\ntoken = \"{DEMO_TOKEN}\"\n\
         api_keys = [\"{KEY}\"]\n{settings}\n"
    );
    let gateway = TestGateway::start(&config, &[("URL", sim.server.base_url())]).await;
    (sim, gateway)
}

async fn add_gym_member(gateway: &TestGateway) -> (u16, Value) {
    let path = format!("/v1/tenants/globex/labels/{}/customers", trybe::label_id(4));
    let body = json!({ "add": CUSTOMERS });
    json(gateway.patch(&path, KEY, body).send().await.unwrap()).await
}

fn statuses(body: &Value) -> Vec<&str> {
    let results = body["results"].as_array().unwrap();
    results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_customer_is_read_then_written_and_a_failed_write_is_retried() {
    let (sim, gateway) = setup("max_retries = 2").await;
    // Trybe's attach is idempotent, so the write that met a 500 is made again.
    sim.server.push_fault(Fault::status(500).on_method("POST"));
    let (status, body) = add_gym_member(&gateway).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(statuses(&body), ["applied"; 3]);
    let requests = sim.server.requests();
    let count = |method: &str| requests.iter().filter(|r| r.method == method).count();
    // The catalog's two pages, a fresh read of each customer, one attach each and the retry.
    assert_eq!((count("GET"), count("POST")), (2 + 3, 3 + 1));
    for customer in CUSTOMERS {
        assert!(sim
            .attached_values(customer)
            .contains(&"Gym Member".to_owned()));
    }
    assert_eq!(
        statuses(&add_gym_member(&gateway).await.1),
        ["unchanged"; 3]
    );
}

#[tokio::test]
async fn the_calls_for_many_customers_keep_within_max_in_flight() {
    // One call at a time, each slow: a fan-out that ignored the cap would queue calls past a
    // quarter of timeout_ms (250 ms), and they would fail busy (503) instead of waiting.
    let (sim, gateway) = setup("max_in_flight = 1\ntimeout_ms = 1000\nmax_retries = 0").await;
    let (status, _) = json(
        gateway
            .get("/v1/tenants/globex/labels", KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "the catalog is read before the slow calls");
    sim.server
        .push_faults(6, Fault::pass().with_delay(Duration::from_millis(400)));
    let (status, body) = add_gym_member(&gateway).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(statuses(&body), ["applied"; 3], "{body}");
}

#[tokio::test]
async fn a_label_create_that_may_have_been_made_is_not_repeated() {
    // Trybe's attach is repeated after a 500; its create is not: a repeat of a create that
    // was made would be refused as existing, and the client told a falsehood.
    let (sim, gateway) = setup("max_retries = 2").await;
    sim.server.push_fault(Fault::status(500).on_method("POST"));
    let response = gateway.post("/v1/tenants/globex/labels", KEY, json!({"name": "Once"}));
    let body =
        label_gateway_tests::expect_problem(response.send().await.unwrap(), 502, "upstream_error")
            .await;
    assert_eq!(body["upstream"]["status"], 500, "{body}");
    let posts = sim
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1);
}
