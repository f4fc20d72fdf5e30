//! Jobs through the gateway, as a client drives them: submit, poll the job until it ends (a
//! bounded wait, never a fixed sleep), page through its results.

use std::time::Duration;

use serde_json::Value;

use crate::{json, TestGateway};

/// Only keeps a broken build from hanging a test: every job here ends far sooner.
pub const AT_MOST: Duration = Duration::from_secs(60);

pub fn jobs_path(tenant: &str) -> String {
    format!("/v1/tenants/{tenant}/jobs")
}

pub async fn submit(gateway: &TestGateway, tenant: &str, key: &str, body: &Value) -> (u16, Value) {
    let response = gateway
        .call(reqwest::Method::POST, &jobs_path(tenant), key)
        .json(body)
        .send()
        .await
        .expect("the gateway answers");
    json(response).await
}

pub async fn job(gateway: &TestGateway, tenant: &str, key: &str, id: &str) -> Value {
    let path = format!("{}/{id}", jobs_path(tenant));
    let (status, body) = json(gateway.get(&path, key).send().await.expect("answers")).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Polls the job until `done(job)` holds; panics after [`AT_MOST`].
pub async fn until(
    gateway: &TestGateway,
    tenant: &str,
    key: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + AT_MOST;
    loop {
        let job = job(gateway, tenant, key, id).await;
        if done(&job) {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job never got there: {job}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn until_ended(gateway: &TestGateway, tenant: &str, key: &str, id: &str) -> Value {
    until(gateway, tenant, key, id, |job| {
        ["succeeded", "failed", "cancelled"].contains(&job["state"].as_str().unwrap_or_default())
    })
    .await
}

/// Every result item, following `next_cursor`; `status` filters.
pub async fn results(
    gateway: &TestGateway,
    tenant: &str,
    key: &str,
    id: &str,
    status: Option<&str>,
) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{}/{id}/results?limit=37", jobs_path(tenant));
        if let Some(status) = status {
            path.push_str(&format!("&status={status}"));
        }
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let (code, page) = json(gateway.get(&path, key).send().await.expect("answers")).await;
        assert_eq!(code, 200, "{page}");
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

/// Asserts that `value` is what the committed OpenAPI document's schema `name` says: every
/// `required` member present, no member the schema lacks (one level deep: the members' own
/// schemas are checked by schemathesis and the generated clients in CI).
pub fn assert_fits_schema(value: &Value, name: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/label-gateway.json");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let schema = &document["components"]["schemas"][name];
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"));
    for required in schema["required"].as_array().into_iter().flatten() {
        let required = required.as_str().unwrap();
        assert!(
            object.contains_key(required),
            "{name} requires {required}: {value}"
        );
    }
    let properties = schema["properties"]
        .as_object()
        .expect("the schema's properties");
    for member in object.keys() {
        assert!(
            properties.contains_key(member),
            "{name} has no {member}: {value}"
        );
    }
}
