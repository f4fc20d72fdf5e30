//! `openapi/label-gateway.json` is what the code generates: an API change shows up as a diff.

const COMMITTED: &str = include_str!("../../openapi/label-gateway.json");

#[test]
fn committed_document_matches_the_code() {
    let generated = label_gateway::openapi::document_json();
    assert!(
        generated == COMMITTED,
        "openapi/label-gateway.json is stale; regenerate it with:\n  cargo run -q -- openapi > openapi/label-gateway.json"
    );
}

#[test]
fn every_v1_operation_is_secured_and_named() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(doc["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            assert!(op["operationId"].is_string(), "{method} {path}");
            if path.starts_with("/v1/") {
                assert_eq!(
                    op["security"],
                    serde_json::json!([{"bearer": []}]),
                    "{method} {path}"
                );
                assert!(op["responses"]["401"].is_object(), "{method} {path}");
            }
        }
    }
    assert_eq!(operations, 12);
}

/// Every (path, method, status, response) of the committed document.
fn responses(doc: &serde_json::Value) -> Vec<(String, String, String, &serde_json::Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                all.push((path.clone(), method.clone(), status.clone(), response));
            }
        }
    }
    all
}

#[test]
fn every_response_documents_its_request_id() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    for (path, method, status, response) in responses(&doc) {
        let header = &response["headers"]["X-Request-Id"];
        assert_eq!(header["required"], true, "{method} {path} {status}");
    }
}

#[test]
fn every_error_is_a_problem_whose_examples_carry_that_status() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for (path, method, status, response) in responses(&doc) {
        if !path.starts_with("/v1/") || !status.starts_with(['4', '5']) {
            continue;
        }
        let problem = &response["content"]["application/problem+json"];
        assert_eq!(
            problem["schema"]["$ref"], "#/components/schemas/Problem",
            "{method} {path} {status}"
        );
        let examples = problem["examples"].as_object().unwrap();
        assert!(!examples.is_empty(), "{method} {path} {status}");
        for (code, example) in examples {
            assert_eq!(example["value"]["code"], code.as_str());
            assert_eq!(example["value"]["status"].to_string(), status);
            codes.insert(code.clone());
        }
    }
    // Every code of the contract is answered by some operation.
    let all: std::collections::BTreeSet<String> = label_core::ErrorKind::ALL
        .iter()
        .map(|kind| kind.code().to_owned())
        .collect();
    assert_eq!(codes, all);
}

#[test]
fn every_link_names_an_operation_and_its_parameters() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let mut parameters = std::collections::BTreeMap::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let names: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            parameters.insert(op["operationId"].as_str().unwrap().to_owned(), names);
        }
    }
    let mut links = 0;
    for (path, method, status, response) in responses(&doc) {
        for (name, link) in response["links"].as_object().into_iter().flatten() {
            links += 1;
            let target = link["operationId"].as_str().unwrap();
            let known = &parameters[target];
            for parameter in link["parameters"].as_object().unwrap().keys() {
                assert!(known.contains(parameter), "{method} {path} {status} {name}");
            }
        }
    }
    assert_eq!(links, 3);
}
