//! The document's examples, as "Try it out" on `/docs` and schemathesis's example phase use them:
//! the equally named examples of an operation (one set per demo tenant) make a request that
//! `label-gateway demo` answers as the operation's examples say.

use label_gateway::demo;
use label_gateway_tests::{json, TestGateway};
use reqwest::Method;
use serde_json::Value;

/// The example named `name` of a parameter or body, if it has one.
fn example<'a>(holder: &'a Value, name: &str) -> Option<&'a Value> {
    holder.get("examples")?.get(name)?.get("value")
}

/// The capability an operation needs; without it the tenant refuses with 405.
fn needs(operation_id: &str) -> Option<&'static str> {
    match operation_id {
        "changeCustomerLabels" | "changeLabelCustomers" | "submitJob" => Some("add"),
        "createLabel" => Some("create_labels"),
        "listLabelCustomers" => Some("members"),
        _ => None,
    }
}

/// Whether the demo tenant can do what `operation_id` asks, by its own capabilities.
async fn can(gateway: &TestGateway, tenant: &demo::DemoTenant, operation_id: &str) -> bool {
    let Some(capability) = needs(operation_id) else {
        return true;
    };
    let path = format!("/v1/tenants/{}", tenant.tenant);
    let (_, body) = json(gateway.get(&path, tenant.api_key).send().await.unwrap()).await;
    body["capabilities"][capability] == Value::Bool(true)
}

#[tokio::test]
async fn every_tenants_examples_work_together_against_the_demo() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let gateway = TestGateway::serve(&demo::demo_config(&vendors).unwrap()).await;
    let document: Value =
        serde_json::from_str(&label_gateway::http::openapi::document_json()).unwrap();
    let mut tried = 0;
    // A job's id comes from its submission (paths sort `.../jobs` before `.../jobs/{job_id}`).
    let mut jobs: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (template, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let body = &operation["requestBody"]["content"]["application/json"];
            for tenant in demo::TENANTS {
                let mut path = template.clone();
                for parameter in parameters.iter().filter(|p| p["in"] == "path") {
                    let name = parameter["name"].as_str().unwrap();
                    if name == "event_id" {
                        // The tenant's first event, if the operations before made one.
                        let feed = format!("/v1/tenants/{}/events", tenant.tenant);
                        let (_, page) =
                            json(gateway.get(&feed, tenant.api_key).send().await.unwrap()).await;
                        let id = page["items"][0]["id"].as_str().map_or_else(
                            || parameter["example"].as_str().unwrap().to_owned(),
                            str::to_owned,
                        );
                        path = path.replace("{event_id}", &id);
                        continue;
                    }
                    if name == "job_id" {
                        let id = jobs
                            .get(tenant.tenant)
                            .map_or(parameter["example"].as_str().unwrap(), String::as_str);
                        path = path.replace("{job_id}", id);
                        continue;
                    }
                    let value = example(parameter, tenant.tenant)
                        .and_then(Value::as_str)
                        .unwrap_or_else(|| panic!("{method} {template}: no {name} example"));
                    path = path.replace(&format!("{{{name}}}"), value);
                }
                if path.contains('{') {
                    unreachable!("{method} {template}: a path parameter without examples");
                }
                if path == *template && !template.starts_with("/v1/") {
                    continue; // a public route: nothing that depends on the tenant
                }
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let mut request = gateway.call(method.clone(), &path, tenant.api_key);
                if let Some(value) = example(body, tenant.tenant) {
                    request = request.json(value);
                }
                let operation_id = operation["operationId"].as_str().unwrap();
                let able = can(&gateway, tenant, operation_id).await;
                let (status, answer) = json(request.send().await.unwrap()).await;
                tried += 1;
                // A provider without the capability refuses; the example says so in its summary.
                if !able {
                    assert_eq!(status, 405, "{method} {path}: {answer}");
                    continue;
                }
                // The demo's passthrough allow-lists let reads through only.
                if operation_id.starts_with("passthrough") && method != Method::GET {
                    assert_eq!(status, 403, "{method} {path}: {answer}");
                    assert_eq!(answer["code"], "passthrough_not_allowed", "{method} {path}");
                    continue;
                }
                if path.contains("/jobs/") && !can(&gateway, tenant, "submitJob").await {
                    // It could make no job, so the example id names none.
                    assert_eq!(status, 404, "{method} {path}: {answer}");
                    continue;
                }
                if path.contains("/events/") && !can(&gateway, tenant, "submitJob").await {
                    // A read-only tenant changes nothing: it has no event to redeliver.
                    assert_eq!(status, 404, "{method} {path}: {answer}");
                    continue;
                }
                let success = match operation_id {
                    "createLabel" => 201,
                    "submitJob" | "redeliverEvent" => 202,
                    // A job that has already ended is answered 200, one still running 202.
                    "cancelJob" if status == 202 => 202,
                    _ => 200,
                };
                assert_eq!(status, success, "{method} {path}: {answer}");
                if operation_id == "submitJob" {
                    jobs.insert(tenant.tenant, answer["id"].as_str().unwrap().to_owned());
                }
                // The success example of the same name shows this tenant's answer.
                let ok =
                    &operation["responses"][success.to_string()]["content"]["application/json"];
                if let Some(shown) = example(ok, tenant.tenant) {
                    assert_eq!(shown["tenant"], answer["tenant"], "{method} {path}");
                    assert_eq!(shown["provider"], answer["provider"], "{method} {path}");
                }
            }
        }
    }
    // Every /v1 operation (the tenant, a customer's labels and its change, the catalog and its
    // create, a label's customers and their change, the batch read, the five of jobs, the
    // five methods of the passthrough, and the three of events), per tenant.
    assert_eq!(tried, 21 * demo::TENANTS.len());
}
