//! Named examples of the answers (a tenant, a customer's labels, the catalog, a change), one per
//! demo tenant, taken from the vendors' sample data (the same records the simulators serve).
//! Built from the response types themselves, so an example cannot drift from the shape the
//! server sends. What a client sends is in `examples_requests`.
//!
//! Every example is named after the demo tenant it belongs to (`acme`, `globex`, `initech`):
//! equally named examples of one operation go together, so Swagger UI's first choice of each
//! (`acme`, first in the document's sorted keys) makes a request that works against
//! `label-gateway demo`, and schemathesis pairs them by name in its example phase.

use label_core::{
    Capabilities, ChangeResult, ChangeStatus, CustomerIdFormat, Label, LabelIdFormat,
    LabelIdentity, LabelKey, Op,
};
use serde_json::{json, Value};
use utoipa::openapi::example::Example;

use super::samples::{named, ACTIONHUB_USER, CAPILLARY_CUSTOMER, TRYBE_CUSTOMER};
use crate::http::api::{
    CatalogResponse, ChangeLabelsResponse, CustomerLabelsResponse, TenantResponse,
};

/// The examples of an operation's 200 body, by operation id (the reads and a customer's change;
/// `examples_bulk` has the others').
pub fn ok_examples(operation_id: &str) -> Vec<(&'static str, Example)> {
    match operation_id {
        "getTenant" => vec![
            named(
                "acme",
                "Capillary: labels by name",
                tenant("acme", "capillary"),
            ),
            named("globex", "Trybe: labels by UUID", tenant("globex", "trybe")),
            named(
                "initech",
                "ActionHub: weighted, read-only",
                tenant("initech", "actionhub"),
            ),
        ],
        "getCustomerLabels" => vec![
            named("acme", "Capillary's sample customer", capillary_labels()),
            named("globex", "A Trybe customer", trybe_labels()),
            named(
                "initech",
                "ActionHub: highest weight first",
                actionhub_labels(),
            ),
        ],
        "listCatalogLabels" => vec![
            named("acme", "Capillary org labels", capillary_catalog()),
            named("globex", "Trybe labels, all pages", trybe_catalog()),
            named(
                "initech",
                "ActionHub labels with weights",
                actionhub_catalog(),
            ),
        ],
        "changeCustomerLabels" => vec![
            named(
                "acme",
                "Attach VIP, detach Old1 Customer1",
                change(
                    "acme",
                    "capillary",
                    CAPILLARY_CUSTOMER,
                    &[
                        (Op::Add, "20960", "VIP"),
                        (Op::Remove, "20949", "Old1 Customer1"),
                    ],
                ),
            ),
            named(
                "globex",
                "Attach Gym Member, detach VIP",
                change(
                    "globex",
                    "trybe",
                    TRYBE_CUSTOMER,
                    &[
                        (
                            Op::Add,
                            "8c3f0d2e-6a1b-4c5d-9e7f-000000000004",
                            "Gym Member",
                        ),
                        (Op::Remove, "8c3f0d2e-6a1b-4c5d-9e7f-000000000001", "VIP"),
                    ],
                ),
            ),
        ],
        _ => Vec::new(),
    }
}

fn tenant(tenant: &'static str, provider: &'static str) -> Value {
    let writes = provider != "actionhub";
    let capabilities = Capabilities {
        read: true,
        add: writes,
        remove: writes,
        catalog: true,
        weights: !writes,
        label_key: if provider == "trybe" {
            LabelKey::Id
        } else {
            LabelKey::Name
        },
        create_labels: writes,
        members: provider == "capillary",
        batch: match provider {
            "capillary" => 100,
            "trybe" => 1,
            _ => 0,
        },
        // Not serialized: only here because the type needs them.
        batch_read: 1,
        max_label_name_chars: 0,
        catalog_search: false,
        customer_id_format: CustomerIdFormat::Opaque { max_chars: 256 },
        label_id_format: LabelIdFormat::Exact,
        idempotent_writes: false,
    };
    let body = TenantResponse {
        tenant,
        provider,
        capabilities,
    };
    serde_json::to_value(body).expect("serializes")
}

fn label(id: &str, name: &str, weight: Option<f64>) -> Label {
    Label {
        id: id.to_owned(),
        name: Some(name.to_owned()),
        weight,
        raw: None,
    }
}

fn capillary_labels() -> Value {
    let mut premium = label("20942", "Premium Customer", None);
    premium.raw = Some(
        json!({"addedBy": 75155295, "deleted": false, "id": 33558, "labelId": 20942,
        "labelName": "Premium Customer", "orgId": 100737, "userId": 564663098}),
    );
    let labels = [
        premium,
        label("20949", "Old1 Customer1", None),
        label("20957", "Testing_UAT_@_123", None),
    ];
    let body = CustomerLabelsResponse {
        tenant: "acme",
        customer_id: CAPILLARY_CUSTOMER,
        provider: "capillary",
        labels: &labels,
    };
    serde_json::to_value(body).expect("serializes")
}

fn trybe_labels() -> Value {
    let labels = [
        label("8c3f0d2e-6a1b-4c5d-9e7f-000000000001", "VIP", None),
        label("8c3f0d2e-6a1b-4c5d-9e7f-000000000002", "Newsletter", None),
        label("8c3f0d2e-6a1b-4c5d-9e7f-000000000003", "Spa Member", None),
    ];
    let body = CustomerLabelsResponse {
        tenant: "globex",
        customer_id: TRYBE_CUSTOMER,
        provider: "trybe",
        labels: &labels,
    };
    serde_json::to_value(body).expect("serializes")
}

fn actionhub_labels() -> Value {
    let labels = [
        label("Sports Fan", "Sports Fan", Some(0.92)),
        label("Weekend Shopper", "Weekend Shopper", Some(0.81)),
        label("Coffee Lover", "Coffee Lover", Some(0.55)),
    ];
    let body = CustomerLabelsResponse {
        tenant: "initech",
        customer_id: ACTIONHUB_USER,
        provider: "actionhub",
        labels: &labels,
    };
    serde_json::to_value(body).expect("serializes")
}

fn capillary_catalog() -> Value {
    let labels = [
        label("20942", "Premium Customer", None),
        label("20949", "Old1 Customer1", None),
        label("20960", "VIP", None),
    ];
    let body = CatalogResponse {
        tenant: "acme",
        provider: "capillary",
        labels: &labels,
    };
    serde_json::to_value(body).expect("serializes")
}

/// A change whose every reference was applied: `(op, label id, label name)` in request order.
fn change(tenant: &str, provider: &str, customer: &str, applied: &[(Op, &str, &str)]) -> Value {
    let results: Vec<ChangeResult> = applied
        .iter()
        .map(|&(op, id, name)| ChangeResult {
            op,
            label: LabelIdentity {
                id: Some(id.to_owned()),
                name: Some(name.to_owned()),
            },
            status: ChangeStatus::Applied,
        })
        .collect();
    let body = ChangeLabelsResponse {
        tenant,
        customer_id: customer,
        provider,
        results: &results,
    };
    serde_json::to_value(body).expect("serializes")
}

fn trybe_catalog() -> Value {
    let labels = [
        label("8c3f0d2e-6a1b-4c5d-9e7f-000000000001", "VIP", None),
        label("8c3f0d2e-6a1b-4c5d-9e7f-000000000002", "Newsletter", None),
        label("8c3f0d2e-6a1b-4c5d-9e7f-000000000004", "Gym Member", None),
    ];
    let body = CatalogResponse {
        tenant: "globex",
        provider: "trybe",
        labels: &labels,
    };
    serde_json::to_value(body).expect("serializes")
}

fn actionhub_catalog() -> Value {
    let labels = [
        label("Sports Fan", "Sports Fan", Some(0.92)),
        label("Weekend Shopper", "Weekend Shopper", Some(0.81)),
    ];
    let body = CatalogResponse {
        tenant: "initech",
        provider: "actionhub",
        labels: &labels,
    };
    serde_json::to_value(body).expect("serializes")
}
