//! The Trybe simulator's own Laravel behaviour, which the backend relies on being faithful:
//! the silent `per_page` cap, archived labels listed by default, and the error bodies.

use label_sim::trybe::{label_id, TrybeSim, DEMO_TOKEN, PER_PAGE_CAP, SAMPLE_CUSTOMER};
use serde_json::{json, Value};

async fn call(
    sim: &TrybeSim,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", sim.server.base_url());
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(DEMO_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn per_page_is_capped_silently_and_archived_labels_are_listed_by_default() {
    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let (status, page) = call(
        &sim,
        reqwest::Method::GET,
        "/customers/labels?per_page=100",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let total = sim.data.lock().unwrap().labels.len();
    assert_eq!(page["meta"]["per_page"], json!(PER_PAGE_CAP));
    assert_eq!(page["meta"]["total"], json!(total));
    assert_eq!(
        page["meta"]["last_page"],
        json!(total.div_ceil(PER_PAGE_CAP))
    );
    assert_eq!(page["data"].as_array().unwrap().len(), PER_PAGE_CAP);
    // Laravel's links keep only `page`.
    assert!(page["links"]["next"]
        .as_str()
        .unwrap()
        .ends_with("/customers/labels?page=2"));
    let (_, last) = call(
        &sim,
        reqwest::Method::GET,
        "/customers/labels?page=2&archived=false",
        None,
    )
    .await;
    assert_eq!(
        last["meta"]["to"],
        json!(sim.data.lock().unwrap().live_labels())
    );
    assert_eq!(last["links"]["next"], Value::Null);
}

#[tokio::test]
async fn refusals_have_laravels_shape() {
    let sim = TrybeSim::start("another-token").await.unwrap();
    let path = format!("/customers/customers/{SAMPLE_CUSTOMER}/labels");
    let (status, body) = call(&sim, reqwest::Method::GET, &path, None).await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "Unauthenticated."}))
    );

    let sim = TrybeSim::start(DEMO_TOKEN).await.unwrap();
    let labels = json!({"labels": [label_id(1), "nope", label_id(99)]});
    let (status, body) = call(&sim, reqwest::Method::POST, &path, Some(labels)).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["message"],
        "The labels.1 field must be a valid UUID. (and 1 more error)"
    );
    assert_eq!(
        body["errors"]["labels.2"],
        json!(["The selected labels.2 is invalid."])
    );
    let (status, body) = call(&sim, reqwest::Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"]["labels"],
        json!(["The labels field is required."])
    );
}
