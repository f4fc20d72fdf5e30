//! Change events and the feed over real HTTP against the Capillary simulator: an event for each
//! write the vendor confirmed (a PATCH, `create_missing`, a label's customers, a job) and none
//! for what it did not; the feed's paging, filter, cursors and their errors.

use label_gateway_tests::jobs::{submit, until_ended};
use label_gateway_tests::world::{capillary_sim, capillary_tenant, labels_path};
use label_gateway_tests::{json, TestGateway};
use label_sim::capillary::SAMPLE_CUSTOMER;
use serde_json::{json, Value};

const KEY: &str = "acme-key";

async fn gateway(settings: &str) -> (label_sim::capillary::CapillarySim, TestGateway) {
    let sim = capillary_sim().await;
    let config = format!(
        "{settings}\n{}",
        capillary_tenant("acme", &sim.server.base_url(), "")
    );
    let gateway = TestGateway::start(&config, &[]).await;
    (sim, gateway)
}

/// One page of the feed: its status and body.
async fn feed(gateway: &TestGateway, query: &str) -> (u16, Value) {
    let path = format!("/v1/tenants/acme/events{query}");
    json(gateway.get(&path, KEY).send().await.unwrap()).await
}

/// Every event from the start, in order.
async fn all_events(gateway: &TestGateway) -> Vec<Value> {
    let (status, page) = feed(gateway, "?limit=1000").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn patch(gateway: &TestGateway, body: Value, request_id: &str) -> Value {
    let response = gateway
        .patch(&labels_path("acme", SAMPLE_CUSTOMER), KEY, body)
        .header("x-request-id", request_id)
        .send()
        .await
        .unwrap();
    let (status, answer) = json(response).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

fn names(labels: &Value) -> Vec<&str> {
    labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_patch_records_what_the_vendor_confirmed_and_nothing_else() {
    let (_sim, gateway) = gateway("").await;
    let (status, empty) = feed(&gateway, "").await;
    assert_eq!(status, 200);
    assert_eq!(empty["items"], json!([]));
    let start = empty["next_cursor"].as_str().unwrap().to_owned();

    let body = json!({"add": [{"name": "VIP"}, {"name": "No Such Label"}],
                      "remove": [{"name": "Old1 Customer1"}]});
    patch(&gateway, body.clone(), "req-first").await;
    // The same again: every result is now unchanged or not_found.
    patch(&gateway, body, "req-again").await;

    let (status, page) = feed(&gateway, &format!("?after={start}")).await;
    assert_eq!(status, 200, "{page}");
    let events = page["items"].as_array().unwrap();
    assert_eq!(events.len(), 2, "one per confirmed write: {page}");
    let (added, removed) = (&events[0], &events[1]);
    for event in events {
        assert_eq!(event["type"], "customer.labels.changed");
        assert_eq!(event["tenant"], "acme");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        assert!(event["timestamp"].as_str().unwrap().ends_with('Z'));
        let data = &event["data"];
        assert_eq!(data["customer_id"], SAMPLE_CUSTOMER);
        assert_eq!(data["provider"], "capillary");
        assert_eq!(data["source"], "api");
        assert_eq!(data["request_id"], "req-first");
        assert!(data.get("job_id").is_none(), "{data}");
    }
    assert_eq!(names(&added["data"]["added"]), ["VIP"]);
    assert_eq!(added["data"]["removed"], json!([]));
    assert!(added["data"]["added"][0]["id"].is_string(), "{added}");
    assert_eq!(names(&removed["data"]["removed"]), ["Old1 Customer1"]);
    assert!(
        added["id"].as_str() < removed["id"].as_str(),
        "ids sort in order"
    );
}

#[tokio::test]
async fn create_missing_a_label_s_customers_and_a_job_each_record_their_events() {
    let (sim, gateway) = gateway("").await;
    {
        let mut data = sim.data.lock().unwrap();
        for id in 7001..=7003 {
            data.customers.insert(id, Vec::new());
        }
    }
    let body = json!({"add": [{"name": "Brand New"}], "create_missing": true});
    patch(&gateway, body, "req-create").await;
    let events = all_events(&gateway).await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["label.created", "customer.labels.changed"]);
    assert_eq!(events[0]["data"]["label"]["name"], "Brand New");
    assert_eq!(events[0]["data"]["request_id"], "req-create");
    let created_id = events[0]["data"]["label"]["id"].clone();
    assert_eq!(events[1]["data"]["added"][0]["id"], created_id);

    // One label, many customers: an event per customer the vendor changed.
    let path = format!(
        "/v1/tenants/acme/labels/{}/customers",
        created_id.as_str().unwrap()
    );
    let body = json!({"add": ["7001", "7002", "999999999"]});
    let (status, answer) = json(gateway.patch(&path, KEY, body).send().await.unwrap()).await;
    assert_eq!(status, 200, "{answer}");
    let events = all_events(&gateway).await;
    let customers: Vec<&str> = events[2..]
        .iter()
        .map(|e| e["data"]["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(customers, ["7001", "7002"], "none for the unknown customer");

    // A job: its changes name it, and its end is an event too; a dry run changes nothing.
    let job = json!({"kind": "change", "customers": ["7003"], "add": [{"name": "VIP"}]});
    let (status, job) = submit(&gateway, "acme", KEY, &job).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap();
    until_ended(&gateway, "acme", KEY, id).await;
    let dry = json!({"kind": "copy", "from_tenant": "acme", "dry_run": true,
                     "customers": [{"from": "7001", "to": "7003"}], "unmapped": "same_name"});
    let (status, dry) = submit(&gateway, "acme", KEY, &dry).await;
    // A tenant may not copy from itself unless copy_from says so: a refused dry run writes
    // nothing either way.
    if status == 202 {
        until_ended(&gateway, "acme", KEY, dry["id"].as_str().unwrap()).await;
    }
    let events = all_events(&gateway).await;
    let by_job: Vec<&Value> = events[4..].iter().collect();
    assert_eq!(by_job[0]["type"], "customer.labels.changed");
    assert_eq!(by_job[0]["data"]["source"], "job");
    assert_eq!(by_job[0]["data"]["job_id"], id);
    assert_eq!(by_job[0]["data"]["customer_id"], "7003");
    assert_eq!(by_job[1]["type"], "job.ended");
    assert_eq!(by_job[1]["data"]["job"]["id"], id);
    assert_eq!(by_job[1]["data"]["job"]["state"], "succeeded");
    let after_dry = &events[6..];
    assert!(
        after_dry.iter().all(|e| e["type"] == "job.ended"),
        "a dry run records no change: {after_dry:?}"
    );
}

#[tokio::test]
async fn the_feed_pages_filters_and_refuses_what_it_cannot_read() {
    let (_sim, gateway) = gateway("[events]\nmax_events = 3\n").await;
    let (_, empty) = feed(&gateway, "").await;
    let start = empty["next_cursor"].as_str().unwrap().to_owned();
    let body = json!({"add": [{"name": "VIP"}]});
    patch(&gateway, body, "r1").await;
    let (status, first) = feed(&gateway, &format!("?after={start}&limit=1")).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let next = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, rest) = feed(&gateway, &format!("?after={next}")).await;
    assert_eq!(rest["items"], json!([]));
    assert!(rest["next_cursor"].is_string(), "never null: {rest}");

    let (_, created) = feed(&gateway, "?type=label.created").await;
    assert_eq!(created["items"], json!([]));
    let (_, changed) = feed(&gateway, "?type=label.created,customer.labels.changed").await;
    assert_eq!(changed["items"].as_array().unwrap().len(), 1);

    for bad in [
        "?limit=0",
        "?limit=1001",
        "?type=nope",
        "?after=garbage",
        "?limit=1&limit=2",
    ] {
        let (status, problem) = feed(&gateway, bad).await;
        assert_eq!(status, 422, "{bad}: {problem}");
        assert_eq!(problem["code"], "invalid_request", "{bad}");
    }

    // Three more changes push the first out (max_events = 3): a cursor from before it is gone.
    for (n, op) in ["remove", "add", "remove"].iter().enumerate() {
        patch(
            &gateway,
            json!({*op: [{"name": "VIP"}]}),
            &format!("r{}", n + 2),
        )
        .await;
    }
    let (status, problem) = feed(&gateway, &format!("?after={start}")).await;
    assert_eq!(status, 410, "{problem}");
    assert_eq!(problem["code"], "cursor_expired");
    let (status, page) = feed(&gateway, &format!("?after={next}")).await;
    assert_eq!(
        status, 200,
        "a cursor at the oldest kept still reads: {page}"
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
}
