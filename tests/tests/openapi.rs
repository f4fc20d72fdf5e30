//! `openapi/label-gateway.json` is what the code generates: an API change shows up as a diff.

const COMMITTED: &str = include_str!("../../openapi/label-gateway.json");

#[test]
fn committed_document_matches_the_code() {
    let generated = label_gateway::http::openapi::document_json();
    assert!(
        generated == COMMITTED,
        "openapi/label-gateway.json is stale; regenerate it with:\n  cargo run -q -p label-gateway -- openapi > openapi/label-gateway.json"
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
                    effective_security(&doc, op),
                    &serde_json::json!([{"bearer": []}]),
                    "{method} {path}"
                );
                assert!(op["responses"]["401"].is_object(), "{method} {path}");
            }
        }
    }
    assert_eq!(
        operations, 24,
        "/metrics is on the admin listener, not in the public document (19 operations and the \
         passthrough's five methods)"
    );
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
    let all: std::collections::BTreeSet<String> = label_gateway::contract::Code::ALL
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
            // A literal or one runtime expression (a string); an object holding expressions is
            // neither, and openapi-generator refuses the document.
            let body = link.get("requestBody");
            assert!(
                body.is_none_or(serde_json::Value::is_string),
                "{method} {path} {status} {name}: requestBody {body:?}"
            );
        }
    }
    assert_eq!(links, 7);
}

/// Every operation of the committed document, with its path and method.
fn operations(doc: &serde_json::Value) -> Vec<(String, String, &serde_json::Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            all.push((path.clone(), method.clone(), op));
        }
    }
    all
}

#[test]
fn every_operation_says_what_it_does_and_who_may_call_it() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    for (path, method, op) in operations(&doc) {
        let summary = op["summary"].as_str().unwrap_or_default();
        let description = op["description"].as_str().unwrap_or_default();
        assert!(
            !description.is_empty() && description != summary,
            "{method} {path}: a description that says more than the summary"
        );
        // Outside /v1 nothing needs a key, and the document says so rather than staying silent.
        let expected = if path.starts_with("/v1/") {
            serde_json::json!([{"bearer": []}])
        } else {
            serde_json::json!([])
        };
        assert_eq!(effective_security(&doc, op), &expected, "{method} {path}");
    }
}

/// An operation's own `security`, else the document's (OpenAPI 3.1, "Security Requirement").
fn effective_security<'a>(
    doc: &'a serde_json::Value,
    op: &'a serde_json::Value,
) -> &'a serde_json::Value {
    op.get("security").unwrap_or(&doc["security"])
}

/// Calls `visit` on every JSON object inside `value`, depth first.
fn each_object<'a>(value: &'a serde_json::Value, visit: &mut impl FnMut(&'a serde_json::Value)) {
    match value {
        serde_json::Value::Object(map) => {
            visit(value);
            map.values().for_each(|v| each_object(v, visit));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| each_object(v, visit)),
        _ => {}
    }
}

#[test]
fn free_form_objects_are_open_so_typed_clients_can_read_them() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let raw = &doc["components"]["schemas"]["Label"]["properties"]["raw"];
    assert_eq!(raw["type"], "object");
    assert_eq!(raw["additionalProperties"], true, "{raw}");
    let mut closed = Vec::new();
    each_object(&doc, &mut |object| {
        let shaped = [
            "properties",
            "additionalProperties",
            "$ref",
            "oneOf",
            "anyOf",
            "allOf",
        ]
        .iter()
        .any(|key| object.get(key).is_some());
        if object["type"] == "object" && !shaped {
            closed.push(object.to_string());
        }
    });
    assert!(closed.is_empty(), "bare objects: {closed:?}");
}

#[test]
fn equally_named_examples_of_an_operation_go_together() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let tenants: std::collections::BTreeSet<&str> = label_gateway::demo::TENANTS
        .iter()
        .map(|t| t.tenant)
        .collect();
    let mut named = 0;
    for (path, method, op) in operations(&doc) {
        let parameters = op["parameters"].as_array().into_iter().flatten();
        let body = op["requestBody"]["content"]["application/json"].get("examples");
        for examples in parameters.filter_map(|p| p.get("examples")).chain(body) {
            named += 1;
            let names: std::collections::BTreeSet<&str> = examples
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            // One per demo tenant, the same names everywhere: Swagger UI's first pick of each is
            // `acme`'s, and schemathesis pairs equal names in one request.
            assert_eq!(names, tenants, "{method} {path}");
        }
    }
    assert!(named >= 4, "only {named} named example sets");
}

#[test]
fn the_request_id_and_retry_after_headers_state_their_form() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let mut retry_afters = 0;
    for (path, method, status, response) in responses(&doc) {
        let request_id = &response["headers"]["X-Request-Id"]["schema"];
        assert_eq!(request_id["maxLength"], 128, "{method} {path} {status}");
        if let Some(retry_after) = response["headers"].get("Retry-After") {
            retry_afters += 1;
            assert_eq!(retry_after["schema"]["type"], "integer");
            assert_eq!(retry_after["schema"]["format"], "int64");
        }
    }
    assert!(retry_afters > 0);
}
