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

#[tokio::test]
async fn every_tenants_examples_work_together_against_the_demo() {
    let vendors = demo::start_vendors().await.expect("simulators start");
    let gateway = TestGateway::serve(&demo::demo_config(&vendors).unwrap()).await;
    let document: Value = serde_json::from_str(&label_gateway::openapi::document_json()).unwrap();
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
                let (status, answer) = json(request.send().await.unwrap()).await;
                tried += 1;
                // A read-only provider refuses every change; the example says so in its summary.
                let refused =
                    matches!(method, Method::PATCH | Method::POST) && tenant.change.is_none();
                if refused {
                    assert_eq!(status, 405, "{method} {path}: {answer}");
                    continue;
                }
                if path.contains("/jobs/") && tenant.change.is_none() {
                    // It could make no job, so the example id names none.
                    assert_eq!(status, 404, "{method} {path}: {answer}");
                    continue;
                }
                if method == Method::POST {
                    assert_eq!(status, 202, "{method} {path}: {answer}");
                    jobs.insert(tenant.tenant, answer["id"].as_str().unwrap().to_owned());
                    continue;
                }
                // Cancelling a job that has already ended answers 200, one still running 202.
                let status = if method == Method::DELETE && status == 202 {
                    200
                } else {
                    status
                };
                assert_eq!(status, 200, "{method} {path}: {answer}");
                // The 200 example of the same name shows this tenant's answer.
                let ok = &operation["responses"]["200"]["content"]["application/json"];
                if let Some(shown) = example(ok, tenant.tenant) {
                    assert_eq!(shown["tenant"], answer["tenant"], "{method} {path}");
                    assert_eq!(shown["provider"], answer["provider"], "{method} {path}");
                }
            }
        }
    }
    // getTenant, getCustomerLabels, changeCustomerLabels, listCatalogLabels and the five job
    // operations, per tenant.
    assert_eq!(tried, 9 * demo::TENANTS.len());
}
