//! `change` jobs over real HTTP against the Capillary simulator: every customer changed, an
//! unknown one recorded and the job going on, counts and results that add up.

use label_gateway_tests::jobs::{assert_fits_schema, results, submit, until_ended};
use label_gateway_tests::world::{capillary_sim, capillary_tenant};
use label_gateway_tests::TestGateway;
use label_sim::capillary::CapillarySim;
use serde_json::json;

const UNKNOWN: &str = "999999999";

/// `n` customers with no labels, from id 1000 on.
fn add_customers(sim: &CapillarySim, n: u64) -> Vec<String> {
    let mut data = sim.data.lock().unwrap();
    (1000..1000 + n)
        .map(|id| {
            data.customers.insert(id, Vec::new());
            id.to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_change_job_changes_every_customer_and_records_the_unknown_one() {
    let sim = capillary_sim().await;
    let mut customers = add_customers(&sim, 300);
    customers.insert(150, UNKNOWN.to_owned());
    let gateway =
        TestGateway::start(&capillary_tenant("acme", &sim.server.base_url(), ""), &[]).await;
    let body = json!({"kind": "change", "customers": customers,
        "add": [{"name": "VIP"}], "remove": [{"name": "Old1 Customer1"}]});
    let (status, job) = submit(&gateway, "acme", "acme-key", &body).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    assert_eq!(job["counts"]["total"], 301);
    let job = until_ended(&gateway, "acme", "acme-key", id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        job["counts"],
        json!({"total": 301, "done": 301, "succeeded": 300, "failed": 1})
    );
    assert_eq!(job["durable"], false);
    assert!(job["finished_at"].is_string() && job["started_at"].is_string());

    let items = results(&gateway, "acme", "acme-key", id, None).await;
    assert_eq!(items.len(), 301);
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, customers, "results come in submission order");
    let unknown = &items[150];
    assert_eq!(unknown["status"], "failed");
    assert_eq!(
        unknown["problem"]["code"], "customer_not_found",
        "{unknown}"
    );
    assert_fits_schema(unknown, "JobItem");
    assert_fits_schema(&unknown["problem"], "ItemProblem");
    let first = &items[0];
    assert_eq!(first["status"], "succeeded");
    assert_eq!(
        first["results"],
        json!([
            {"op": "add", "label": {"id": "20960", "name": "VIP"}, "status": "applied"},
            {"op": "remove", "label": {"id": "20949", "name": "Old1 Customer1"}, "status": "unchanged"},
        ])
    );
    let failed = results(&gateway, "acme", "acme-key", id, Some("failed")).await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["customer_id"], UNKNOWN);
    let succeeded = results(&gateway, "acme", "acme-key", id, Some("succeeded")).await;
    assert_eq!(succeeded.len(), 300);
    assert_eq!(sim.attached_names("1000"), ["VIP"]);
    assert_eq!(sim.attached_names("1299"), ["VIP"]);

    // Capillary's batch call: one vendor call per 100 customers and side, none per customer.
    let requests = sim.server.requests();
    let count = |method: &str| {
        requests
            .iter()
            .filter(|r| r.method == method && r.target.starts_with("/v2/labels/assignments"))
            .count()
    };
    assert_eq!(
        (count("POST"), count("DELETE")),
        (4, 4),
        "301 customers, two sides"
    );
    assert!(!requests.iter().any(|r| r.target.contains("/changeLabels")));
    assert!(job["vendor_calls"].as_u64().unwrap() <= 9, "{job}");
}

#[tokio::test]
async fn create_missing_makes_the_label_once_after_a_dry_run_that_made_nothing() {
    let sim = capillary_sim().await;
    let gateway =
        TestGateway::start(&capillary_tenant("acme", &sim.server.base_url(), ""), &[]).await;
    let mut body = json!({"kind": "change", "customers": ["564663098", "564663099"],
        "add": [{"name": "Brand New"}], "remove": [{"name": "VIP"}], "create_missing": true,
        "dry_run": true});
    let statuses = |items: &[serde_json::Value], i: usize| -> Vec<String> {
        items[i]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, job) = submit(&gateway, "acme", "acme-key", &body).await;
    let id = job["id"].as_str().unwrap();
    assert_eq!(
        until_ended(&gateway, "acme", "acme-key", id).await["state"],
        "succeeded"
    );
    let items = results(&gateway, "acme", "acme-key", id, None).await;
    assert_eq!(statuses(&items, 0), ["would_apply", "unchanged"]);
    assert_eq!(statuses(&items, 1), ["would_apply", "would_apply"]);
    let exists = |name: &str| {
        sim.data
            .lock()
            .unwrap()
            .labels
            .iter()
            .any(|l| l.name == name)
    };
    assert!(!exists("Brand New"), "a dry run creates nothing");
    assert_eq!(sim.attached_names("564663099"), ["VIP"]);

    body["dry_run"] = json!(false);
    let (_, job) = submit(&gateway, "acme", "acme-key", &body).await;
    let id = job["id"].as_str().unwrap();
    assert_eq!(
        until_ended(&gateway, "acme", "acme-key", id).await["state"],
        "succeeded"
    );
    let items = results(&gateway, "acme", "acme-key", id, None).await;
    assert_eq!(statuses(&items, 0), ["created", "unchanged"]);
    assert_eq!(statuses(&items, 1), ["created", "applied"]);
    assert!(exists("Brand New"));
    assert_eq!(sim.attached_names("564663099"), ["Brand New"]);
}
