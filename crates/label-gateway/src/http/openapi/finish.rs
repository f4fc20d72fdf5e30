//! Edits made on the JSON of the derived document, for what utoipa's types cannot say: a
//! header's `required` (its `Header` has no such field), a parameter's named `examples` (nor
//! that), response links (`links.rs`: utoipa's `Link` serializes `operation_id` in snake case,
//! which no OpenAPI tool reads), and free-form objects marked open.

use serde_json::{json, Map, Value};

use super::{examples_requests, links};

/// Headers the gateway always sends with the response that documents them; a header not listed
/// here may be absent.
const ALWAYS_SENT: &[&str] = &[
    "X-Request-Id",
    "ETag",
    "Cache-Status",
    "Allow",
    "WWW-Authenticate",
];

/// The form of the response headers whose values the gateway makes itself, wherever an
/// operation documents them: `(header, schema members added)`.
const HEADER_FORMS: &[(&str, &str)] = &[
    // `routes/representation.rs`: a strong tag of 40 lower-case hex digits (the tenant's salt,
    // then the labels' digest).
    (
        "ETag",
        r#"{"pattern": "^\"[0-9a-f]{40}\"$", "minLength": 42, "maxLength": 42}"#,
    ),
    ("Idempotent-Replayed", r#"{"enum": ["true"]}"#),
    // `routes/passthrough.rs`: the vendor's HTTP status.
    ("X-Upstream-Status", r#"{"minimum": 100, "maximum": 599}"#),
];

pub fn finish(document: &mut Value) {
    open_free_form_objects(document);
    name_wildcards(document);
    for operation in operations(document) {
        add_parameter_examples(operation);
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
                links::add(&id, response);
            }
        }
    }
}

/// axum's catch-all `{*path}` is OpenAPI's plain `{path}` (a parameter whose value may hold
/// `/`, as its pattern says).
fn name_wildcards(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let wild: Vec<String> = paths.keys().filter(|k| k.contains("{*")).cloned().collect();
    for key in wild {
        if let Some(item) = paths.remove(&key) {
            paths.insert(key.replace("{*", "{"), item);
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

/// Every path parameter the demo tenants give a value for gets one named example per tenant, in
/// place of its single `example`.
fn add_parameter_examples(operation: &mut Value) {
    let parameters = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut);
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        if name == "customer_id" {
            parameter.insert("description".to_owned(), customer_id_description().into());
        }
        let examples: Map<String, Value> = examples_requests::parameter_examples(&name)
            .into_iter()
            .map(|(name, summary, value)| {
                (name.to_owned(), json!({"summary": summary, "value": value}))
            })
            .collect();
        if !examples.is_empty() {
            // `example` and `examples` exclude each other.
            parameter.remove("example");
            parameter.insert("examples".to_owned(), Value::Object(examples));
        }
    }
}

/// Each provider's customer-id format, as its backend declares it: the same values the gateway
/// checks ids with, so the document cannot describe another rule.
fn customer_id_description() -> String {
    let formats: Vec<String> = label_providers::CAPABILITIES
        .iter()
        .map(|(provider, capabilities)| {
            format!("{provider}: {}", capabilities.customer_id_format.describe())
        })
        .collect();
    format!(
        "The customer's id at the tenant's vendor, checked before any vendor call ({}). \
         Anything else is 400 `invalid_customer_id`. Sent to the vendor as exactly one path \
         segment.",
        formats.join("; ")
    )
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
        let form = HEADER_FORMS.iter().find(|(known, _)| known == name);
        if let (Some((_, form)), Some(schema)) = (form, header["schema"].as_object_mut()) {
            let form: Map<String, Value> =
                serde_json::from_str(form).expect("header forms are JSON objects");
            schema.extend(form);
        }
    }
}

/// A free-form object (`{"type": "object"}` with no properties: a vendor's own record, this
/// document) takes any member. JSON Schema already means that, but typed clients read a bare
/// object as one with no members (openapi-typescript: `Record<string, never>`), so it is said
/// outright: `additionalProperties: true`.
fn open_free_form_objects(document: &mut Value) {
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(Map::values_mut);
    for schema in schemas {
        open_objects_in(schema);
    }
    for operation in operations(document) {
        for schema in operation_schemas(operation) {
            open_objects_in(schema);
        }
    }
}

/// The schemas an operation holds inline: its parameters', its request body's, its responses'
/// bodies and headers.
fn operation_schemas(operation: &mut Value) -> Vec<&mut Value> {
    let mut found = Vec::new();
    let Some(operation) = operation.as_object_mut() else {
        return found;
    };
    for (key, value) in operation.iter_mut() {
        match key.as_str() {
            "parameters" => {
                for parameter in value.as_array_mut().into_iter().flatten() {
                    found.extend(parameter.get_mut("schema"));
                }
            }
            "requestBody" => found.extend(content_schemas(value)),
            "responses" => {
                for response in value.as_object_mut().into_iter().flat_map(Map::values_mut) {
                    let Some(response) = response.as_object_mut() else {
                        continue;
                    };
                    for (part, value) in response.iter_mut() {
                        match part.as_str() {
                            "content" => found.extend(media_schemas(value)),
                            "headers" => found.extend(
                                value
                                    .as_object_mut()
                                    .into_iter()
                                    .flat_map(Map::values_mut)
                                    .filter_map(|header| header.get_mut("schema")),
                            ),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn content_schemas(holder: &mut Value) -> Vec<&mut Value> {
    holder
        .get_mut("content")
        .map(media_schemas)
        .unwrap_or_default()
}

fn media_schemas(content: &mut Value) -> Vec<&mut Value> {
    content
        .as_object_mut()
        .into_iter()
        .flat_map(Map::values_mut)
        .filter_map(|media| media.get_mut("schema"))
        .collect()
}

/// Marks `schema` open if it is a free-form object, and walks its subschemas (never its
/// examples, whose values are data, not schemas).
fn open_objects_in(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let is_object = match object.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => false,
    };
    let shaped = [
        "properties",
        "additionalProperties",
        "patternProperties",
        "$ref",
    ]
    .iter()
    .chain(&["oneOf", "anyOf", "allOf"])
    .any(|key| object.contains_key(*key));
    if is_object && !shaped {
        object.insert("additionalProperties".to_owned(), Value::Bool(true));
    }
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "$defs" => {
                for sub in value.as_object_mut().into_iter().flat_map(Map::values_mut) {
                    open_objects_in(sub);
                }
            }
            "items" | "additionalProperties" | "not" | "contains" => open_objects_in(value),
            "oneOf" | "anyOf" | "allOf" | "prefixItems" => {
                for sub in value.as_array_mut().into_iter().flatten() {
                    open_objects_in(sub);
                }
            }
            _ => {}
        }
    }
}
