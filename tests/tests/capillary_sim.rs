//! The Capillary simulator's v2 surface beyond one customer: creating org labels, the customers
//! having a label, one store under both label APIs, synthetic customers that take writes, and
//! faults on the new endpoints.

use label_gateway_tests::capillary_direct::call;
use label_sim::capillary::{CapillarySim, SAMPLE_CUSTOMER, SYNTHETIC_LABELS, UNLABELLED_CUSTOMER};
use label_sim::Fault;
use reqwest::Method;
use serde_json::{json, Value};

async fn create_org_labels(sim: &CapillarySim, labels: Value) -> (u16, Value) {
    let body = json!({ "orgLabels": labels });
    call(sim, Method::POST, "/v2/organization/labels", Some(body)).await
}

fn codes(problems: &Value) -> Vec<u64> {
    let problems = problems.as_array().unwrap();
    problems
        .iter()
        .map(|p| p["code"].as_u64().unwrap())
        .collect()
}

fn label_names(body: &Value) -> Vec<String> {
    let data = body["data"].as_array().unwrap();
    data.iter()
        .map(|l| l["labelName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_org_label_is_created_and_listed() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let label = json!({"name": "Weekend Regular", "description": "Comes on Saturdays"});
    let (status, body) = create_org_labels(&sim, json!([label])).await;
    assert_eq!((status, &body["warnings"]), (200, &json!([])), "{body}");
    let id = body["entity"].as_u64().expect("the new label's id");
    let (_, list) = call(&sim, Method::GET, "/v2/organization/labels", None).await;
    let listed = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == json!(id));
    let listed = listed.expect("in the catalog").clone();
    assert_eq!(
        (&listed["name"], &listed["description"], &listed["active"]),
        (
            &json!("Weekend Regular"),
            &json!("Comes on Saturdays"),
            &json!(true)
        )
    );
}

#[tokio::test]
async fn org_label_refusals_carry_capillarys_codes() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    // A name in another case exists already (33003); too long (33004); one is created.
    let batch = json!([{"name": "vip"}, {"name": "x".repeat(101)},
                       {"name": "Ok", "description": "d".repeat(256)}, {"name": "Fine"}]);
    let (status, body) = create_org_labels(&sim, batch).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&body["warnings"]), [33003, 33004, 33004]);
    assert_eq!(body["warnings"][0]["message"], "label already exists");
    assert!(body["entity"].is_u64());
    let (_, body) = create_org_labels(&sim, json!([{"name": "x".repeat(100)}])).await;
    assert!(
        body["entity"].is_u64(),
        "100 characters are allowed: {body}"
    );

    let (status, body) = create_org_labels(&sim, json!([{"name": "FINE"}])).await;
    assert_eq!((status, codes(&body["errors"])), (200, vec![33003]));
    let full = sim.data.lock().unwrap().labels.len();
    sim.data.lock().unwrap().max_labels = full;
    let (_, body) = create_org_labels(&sim, json!([{"name": "One Too Many"}])).await;
    assert_eq!(codes(&body["errors"]), [33005]);
    assert_eq!(body["errors"][0]["message"], "Org max Label count exceed");
    let (status, body) = create_org_labels(&sim, json!([])).await;
    assert_eq!((status, codes(&body["errors"])), (200, vec![33006]));
    let (status, body) = call(
        &sim,
        Method::POST,
        "/v2/organization/labels",
        Some(json!({})),
    )
    .await;
    assert_eq!((status, codes(&body["errors"])), (200, vec![33006]));
}

#[tokio::test]
async fn both_label_apis_share_one_store() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    // Assigned through the Labels API (creating the label), read through the v2 customer API.
    let assignment = json!({"entityType": "CUSTOMER", "assignments": [
        {"entityId": UNLABELLED_CUSTOMER, "labelName": "Cross API"}]});
    let (status, _) = call(
        &sim,
        Method::POST,
        "/v2/labels/assignments",
        Some(assignment),
    )
    .await;
    assert_eq!(status, 200);
    let path = format!("/v2/customers/{UNLABELLED_CUSTOMER}/labels");
    let (_, body) = call(&sim, Method::GET, &path, None).await;
    assert_eq!(label_names(&body), ["Cross API"]);
    let (_, found) = call(
        &sim,
        Method::GET,
        "/v2/customers/labels/search?q=cross api",
        None,
    )
    .await;
    assert_eq!(found["data"][0]["userId"], json!(565345934));

    // Changed through changeLabels, read through the Labels API.
    let path = format!("/v2/customers/{SAMPLE_CUSTOMER}/changeLabels");
    let change =
        json!({"add": [{"labelName": "cross api"}], "remove": [{"labelName": "Premium Customer"}]});
    assert_eq!(call(&sim, Method::POST, &path, Some(change)).await.0, 200);
    let query = format!("entityType=CUSTOMER&entityIds={SAMPLE_CUSTOMER}&includeInactive=true");
    let path = format!("/v2/labels/assignments?{query}");
    let (_, read) = call(&sim, Method::GET, &path, None).await;
    let names: Vec<&str> = read["data"][0]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["labelName"].as_str().unwrap())
        .collect();
    assert_eq!(names[4..], ["Cross API", "Premium Customer"], "{names:?}");
    let (_, search) = call(
        &sim,
        Method::GET,
        "/v2/labels/assignments/search?entityType=CUSTOMER&labelName=Cross%20API",
        None,
    )
    .await;
    assert_eq!(search["pagination"]["totalCount"], json!(2));
}

#[tokio::test]
async fn a_synthetic_customer_takes_writes_through_both_apis() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    sim.data.lock().unwrap().synthetic = true;
    let (first, second) = (7_000_001_u64, 7_000_002_u64);
    let (_, before) = call(
        &sim,
        Method::GET,
        &format!("/v2/customers/{first}/labels"),
        None,
    )
    .await;
    let before = label_names(&before);
    assert_eq!(before.len(), SYNTHETIC_LABELS);
    let (_, untouched) = call(&sim, Method::GET, "/v2/customers/7000011/labels", None).await;
    let untouched = label_names(&untouched);

    let change = json!({"add": [{"labelName": "Retired"}, {"labelName": "VIP"}],
                        "remove": [{"labelName": before[0].as_str()}]});
    let path = format!("/v2/customers/{first}/changeLabels");
    let (_, answer) = call(&sim, Method::POST, &path, Some(change)).await;
    assert_eq!(answer["entity"], json!(first));
    let (_, after) = call(
        &sim,
        Method::GET,
        &format!("/v2/customers/{first}/labels"),
        None,
    )
    .await;
    let mut expected = before[1..].to_vec();
    if !expected.contains(&"VIP".to_owned()) {
        expected.push("VIP".to_owned());
    }
    assert_eq!(label_names(&after), expected);

    let assignment = json!({"entityType": "CUSTOMER", "assignments": [
        {"entityId": second.to_string(), "labelName": "Made For Bench"}]});
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/v2/labels/assignments",
            Some(assignment)
        )
        .await
        .0,
        200
    );
    let (_, read) = call(
        &sim,
        Method::GET,
        &format!("/v2/customers/{second}/labels"),
        None,
    )
    .await;
    assert_eq!(label_names(&read).len(), SYNTHETIC_LABELS + 1);
    assert_eq!(
        sim.data.lock().unwrap().customers.len(),
        5,
        "only the two written are stored"
    );
    // A customer nobody wrote keeps the labels made from its id: new labels do not shift them.
    let (_, other) = call(&sim, Method::GET, "/v2/customers/7000011/labels", None).await;
    assert_eq!(label_names(&other), untouched);
}

#[tokio::test]
async fn faults_apply_to_the_new_endpoints_too() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    sim.server
        .push_fault(Fault::status_with_body(503, "{}").with_retry_after("2"));
    let assignment = json!({"entityType": "CUSTOMER", "assignments": [
        {"entityId": SAMPLE_CUSTOMER, "labelName": "VIP"}]});
    let (status, _) = call(
        &sim,
        Method::POST,
        "/v2/labels/assignments",
        Some(assignment.clone()),
    )
    .await;
    assert_eq!(status, 503);
    assert!(
        !sim.attached_names(SAMPLE_CUSTOMER)
            .contains(&"VIP".to_owned()),
        "not applied"
    );
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/v2/labels/assignments",
            Some(assignment)
        )
        .await
        .0,
        200
    );

    sim.server.push_fault(Fault::connection_reset());
    let url = format!("{}/v3/oauth/token/generate", sim.server.base_url());
    let reset = reqwest::Client::new()
        .post(url)
        .json(&json!({}))
        .send()
        .await;
    assert!(reset.is_err(), "the token call's connection is reset");
    sim.server
        .push_fault(Fault::malformed_body().on_method("GET"));
    let path = "/v2/customers/labels/search?q=VIP";
    assert_eq!(
        call(&sim, Method::GET, path, None).await,
        (200, Value::Null)
    );
}
