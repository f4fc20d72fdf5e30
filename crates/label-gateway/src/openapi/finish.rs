//! Edits made on the JSON of the derived document, for what utoipa's types cannot say: a
//! header's `required` (its `Header` has no such field), a parameter's named `examples` (nor
//! that), and response links (its `Link` serializes `operation_id` in snake case, which no
//! OpenAPI tool reads).

use serde_json::{json, Map, Value};

/// Headers the gateway always sends with the response that documents them; a header not listed
/// here may be absent.
const ALWAYS_SENT: &[&str] = &[
    "X-Request-Id",
    "ETag",
    "Cache-Status",
    "Allow",
    "WWW-Authenticate",
];

/// `(from operation, link name, to operation, path parameters taken from the 200 body)`: how a
/// client (and schemathesis' stateful phase) goes from one answer to the next call.
const LINKS: &[(&str, &str, &str, &[&str])] = &[
    ("getTenant", "catalog", "listCatalogLabels", &["tenant"]),
    (
        "getCustomerLabels",
        "change",
        "changeCustomerLabels",
        &["tenant", "customer_id"],
    ),
    (
        "changeCustomerLabels",
        "readBack",
        "getCustomerLabels",
        &["tenant", "customer_id"],
    ),
];

/// `customer_id` examples: each demo tenant's sample customer, and one its vendor does not know.
const CUSTOMER_EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "capillary",
        "Capillary (acme): the vendor page's sample customer",
        "564663098",
    ),
    (
        "trybe",
        "Trybe (globex): a customer with three labels",
        "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b",
    ),
    (
        "actionhub",
        "ActionHub (initech): a user with five weighted labels",
        "user-1001",
    ),
    (
        "unknown",
        "Trybe (globex): a customer the vendor does not know: 404 customer_not_found",
        "00000000-0000-4000-8000-000000000000",
    ),
];

/// `label_id` examples: a label of each demo tenant that has one to list or change.
const LABEL_EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "capillary",
        "Capillary (acme): Premium Customer, which the sample customer has",
        "20942",
    ),
    (
        "trybe",
        "Trybe (globex): VIP (changes only: Trybe cannot list a label's customers)",
        "8c3f0d2e-6a1b-4c5d-9e7f-000000000001",
    ),
    (
        "unknown",
        "Capillary (acme): a label the catalog lacks: 404 label_not_found",
        "20999",
    ),
];

pub fn finish(document: &mut Value) {
    for operation in operations(document) {
        add_customer_examples(operation);
        add_examples(operation, "label_id", LABEL_EXAMPLES);
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            require_headers(response);
            if status == "200" {
                add_links(&id, response);
            }
        }
    }
}

fn operations(document: &mut Value) -> impl Iterator<Item = &mut Value> {
    document
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(Map::values_mut)
        .filter_map(Value::as_object_mut)
        .flat_map(Map::values_mut)
}

fn add_customer_examples(operation: &mut Value) {
    add_examples(operation, "customer_id", CUSTOMER_EXAMPLES);
}

fn add_examples(operation: &mut Value, name: &str, table: &[(&str, &str, &str)]) {
    let parameters = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == name);
    for parameter in parameters {
        let examples: Map<String, Value> = table
            .iter()
            .map(|(name, summary, value)| {
                (
                    (*name).to_owned(),
                    json!({"summary": summary, "value": value}),
                )
            })
            .collect();
        // `example` and `examples` exclude each other.
        if let Some(parameter) = parameter.as_object_mut() {
            parameter.remove("example");
            parameter.insert("examples".to_owned(), Value::Object(examples));
        }
    }
}

fn require_headers(response: &mut Value) {
    let headers = response
        .get_mut("headers")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten();
    for (name, header) in headers {
        if ALWAYS_SENT.contains(&name.as_str()) {
            header["required"] = Value::Bool(true);
        }
    }
}

fn add_links(operation_id: &str, response: &mut Value) {
    let mut links = Map::new();
    for (_, name, target, parameters) in LINKS.iter().filter(|(from, ..)| *from == operation_id) {
        let parameters: Map<String, Value> = parameters
            .iter()
            .map(|p| ((*p).to_owned(), json!(format!("$response.body#/{p}"))))
            .collect();
        links.insert(
            (*name).to_owned(),
            json!({"operationId": target, "parameters": parameters}),
        );
    }
    if !links.is_empty() {
        response["links"] = Value::Object(links);
    }
}
