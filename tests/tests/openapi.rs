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
    assert_eq!(operations, 6);
}
