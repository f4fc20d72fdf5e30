//! `copy` jobs between vendors over real HTTP: Capillary (labels by name, integer customers)
//! into Trybe (labels by UUID, UUID customers), a dry run first; ActionHub as a source; and a
//! copy the target's `copy_from` does not allow.

use label_gateway_tests::jobs::{results, submit, until_ended};
use label_gateway_tests::world::{capillary_sim, PASSWORD, USERNAME};
use label_gateway_tests::{expect_problem, jobs, TestGateway};
use label_sim::actionhub::{ActionHubSim, DEMO_API_KEY, DEMO_PROGRAM_ID, SAMPLE_USER};
use label_sim::capillary::{CapillarySim, SAMPLE_CUSTOMER};
use label_sim::trybe::{label_id, TrybeSim};
use serde_json::{json, Value};

const U1: &str = "1b6f3e0a-7c2d-4e8f-9a1b-2c3d4e5f6a7b";
const U2: &str = "2c7a4f1b-8d3e-4f9a-8b2c-3d4e5f6a7b8c";

struct Migration {
    capillary: CapillarySim,
    trybe: TrybeSim,
    _actionhub: ActionHubSim,
    gateway: TestGateway,
}

async fn migration() -> Migration {
    let capillary = capillary_sim().await;
    let trybe = TrybeSim::start("trybe-token").await.unwrap();
    let actionhub = ActionHubSim::start(DEMO_API_KEY).await.unwrap();
    {
        let mut data = trybe.data.lock().unwrap();
        data.customers.insert(U1.to_owned(), Vec::new());
        // Already has Newsletter, which a mirror copy takes away.
        data.customers.insert(U2.to_owned(), vec![label_id(2)]);
    }
    let config = format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{}\"\nusername = \"{USERNAME}\"\n\
         password = \"{PASSWORD}\"\napi_keys = [\"acme-key\"]\ncopy_from = [\"globex\"]\n\n\
         [tenants.globex]\nprovider = \"trybe\"\nbase_url = \"{}\"\ntoken = \"trybe-token\"\n\
         api_keys = [\"globex-key\"]\ncopy_from = [\"acme\", \"initech\"]\n\n\
         [tenants.initech]\nprovider = \"actionhub\"\nbase_url = \"{}\"\napi_key = \"{DEMO_API_KEY}\"\n\
         program_id = \"{DEMO_PROGRAM_ID}\"\napi_keys = [\"initech-key\"]\n",
        capillary.server.base_url(),
        trybe.server.base_url(),
        actionhub.server.base_url(),
    );
    let gateway = TestGateway::start(&config, &[]).await;
    Migration {
        capillary,
        trybe,
        _actionhub: actionhub,
        gateway,
    }
}

async fn run(m: &Migration, body: &Value) -> (Value, Vec<Value>) {
    let (status, job) = submit(&m.gateway, "globex", "globex-key", body).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    let job = until_ended(&m.gateway, "globex", "globex-key", id).await;
    let items = results(&m.gateway, "globex", "globex-key", id, None).await;
    (job, items)
}

fn statuses(item: &Value) -> Vec<(String, String, String)> {
    item["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |v: &Value| v.as_str().unwrap_or("null").to_owned();
            (
                text(&r["op"]),
                text(&r["label"]["name"]),
                text(&r["status"]),
            )
        })
        .collect()
}

fn row(op: &str, name: &str, status: &str) -> (String, String, String) {
    (op.to_owned(), name.to_owned(), status.to_owned())
}

#[tokio::test]
async fn a_copy_from_capillary_to_trybe_is_dry_run_then_made() {
    let m = migration().await;
    let mut body = json!({
        "kind": "copy", "from_tenant": "acme", "dry_run": true,
        "customers": [{"from": SAMPLE_CUSTOMER, "to": U1.to_uppercase()}, {"from": "0564663099", "to": U2}],
        "labels": {"Premium Customer": "VIP", "Old1 Customer1": "Newsletter"},
        "unmapped": "same_name", "mode": "mirror",
    });
    let (job, items) = run(&m, &body).await;
    assert_eq!(
        (job["state"].as_str(), job["dry_run"].as_bool()),
        (Some("succeeded"), Some(true)),
        "{job}"
    );
    assert_eq!(
        job["counts"],
        json!({"total": 2, "done": 2, "succeeded": 2, "failed": 0})
    );
    // Ids in their canonical spellings: the UUID in lower case, the integer without its zero.
    assert_eq!(
        (items[0]["customer_id"].as_str(), items[0]["from"].as_str()),
        (Some(U1), Some(SAMPLE_CUSTOMER))
    );
    assert_eq!(items[1]["from"], "564663099");
    let long = "Valuable Customer shvdshjdvshdvhjsdvjasajshjahadjgciuwyeguhbcwjhbjdshsbcjhwhewbehcbwjdhbckwjhekjhcbw";
    assert_eq!(
        statuses(&items[0]),
        [
            row("add", "VIP", "would_apply"),
            row("add", long, "not_found"),
            row("add", "Newsletter", "would_apply"),
            row("add", "Old2 Customer2", "not_found"),
            row("add", "Testing_UAT_@_123", "not_found"),
        ]
    );
    // U2's source has VIP only (unmapped, same name); mirror takes Newsletter away.
    assert_eq!(
        statuses(&items[1]),
        [
            row("add", "VIP", "would_apply"),
            row("remove", "Newsletter", "would_apply")
        ]
    );
    assert!(
        m.trybe.attached_values(U1).is_empty(),
        "a dry run writes nothing"
    );
    assert_eq!(m.trybe.attached_values(U2), ["Newsletter"]);

    body["dry_run"] = json!(false);
    let (job, items) = run(&m, &body).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        items[0]["results"][0]["label"],
        json!({"id": label_id(1), "name": "VIP"})
    );
    assert_eq!(statuses(&items[0])[0], row("add", "VIP", "applied"));
    assert_eq!(statuses(&items[0])[2], row("add", "Newsletter", "applied"));
    assert_eq!(
        statuses(&items[1]),
        [
            row("add", "VIP", "applied"),
            row("remove", "Newsletter", "applied")
        ]
    );
    assert_eq!(m.trybe.attached_values(U1), ["VIP", "Newsletter"]);
    assert_eq!(m.trybe.attached_values(U2), ["VIP"]);
    assert_eq!(
        m.capillary.attached_names(SAMPLE_CUSTOMER).len(),
        5,
        "the source is only read"
    );
}

#[tokio::test]
async fn actionhub_is_a_source_like_any_other() {
    let m = migration().await;
    let body = json!({
        "kind": "copy", "from_tenant": "initech",
        "customers": [{"from": SAMPLE_USER, "to": U1}, {"from": "nobody-here", "to": U2}],
        "labels": {"Sports Fan": "Gym Member", "Newsletter Reader": "Newsletter"},
        // As the document says, `null` is the default: add, skip, not a dry run.
        "mode": null, "unmapped": null, "dry_run": null,
    });
    let (job, items) = run(&m, &body).await;
    assert_eq!(
        job["counts"],
        json!({"total": 2, "done": 2, "succeeded": 1, "failed": 1}),
        "{job}"
    );
    assert_eq!(
        statuses(&items[0]),
        [
            row("add", "Gym Member", "applied"),
            row("add", "Newsletter", "applied")
        ]
    );
    assert_eq!(
        items[1]["problem"]["code"], "customer_not_found",
        "{}",
        items[1]
    );
    assert_eq!(m.trybe.attached_values(U1), ["Gym Member", "Newsletter"]);
}

#[tokio::test]
async fn a_copy_needs_the_targets_copy_from_and_a_target_that_writes() {
    let m = migration().await;
    // acme may copy from globex only.
    let body =
        json!({"kind": "copy", "from_tenant": "initech", "customers": [{"from": "u", "to": "1"}]});
    let response = m
        .gateway
        .call(reqwest::Method::POST, &jobs::jobs_path("acme"), "acme-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_problem(response, 403, "forbidden").await;
    let response = m
        .gateway
        .call(reqwest::Method::POST, &jobs::jobs_path("initech"), "initech-key")
        .json(&json!({"kind": "copy", "from_tenant": "acme", "customers": [{"from": "1", "to": "u"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    expect_problem(response, 405, "unsupported_operation").await;
    let (_, list) = label_gateway_tests::json(
        m.gateway
            .get(&jobs::jobs_path("acme"), "acme-key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(list["jobs"], json!([]), "no job was made");
}

#[tokio::test]
async fn a_copy_into_capillary_goes_through_its_batch_call() {
    let m = migration().await;
    m.capillary
        .data
        .lock()
        .unwrap()
        .customers
        .insert(1000, Vec::new());
    let body = json!({
        "kind": "copy", "from_tenant": "globex", "unmapped": "same_name",
        "customers": [{"from": label_sim::trybe::SAMPLE_CUSTOMER, "to": "1000"}],
    });
    let (status, job) = submit(&m.gateway, "acme", "acme-key", &body).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    let job = until_ended(&m.gateway, "acme", "acme-key", id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let items = results(&m.gateway, "acme", "acme-key", id, None).await;
    assert_eq!(
        statuses(&items[0]),
        [
            row("add", "VIP", "applied"),
            row("add", "Newsletter", "applied"),
            row("add", "Spa Member", "not_found")
        ]
    );
    assert_eq!(m.capillary.attached_names("1000"), ["VIP", "Newsletter"]);
    let batch = m
        .capillary
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.target.starts_with("/v2/labels/assignments"))
        .count();
    assert_eq!(batch, 2, "one batch call per label");
}
