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
use serde_json::json;
use utoipa::openapi::example::Example;

use super::samples::{named, DemoTenant, ACME, GLOBEX, INITECH};
use crate::http::api::{
    CatalogResponse, ChangeLabelsResponse, CustomerLabelsResponse, TenantResponse,
};

/// The examples of an operation's 200 body, by operation id (the reads and a customer's change;
/// `examples_bulk` has the others').
pub fn ok_examples(operation_id: &str) -> Vec<(&'static str, Example)> {
    match operation_id {
        "getTenant" => vec![
            named("acme", "Capillary: labels by name", tenant(&ACME)),
            named("globex", "Trybe: labels by UUID", tenant(&GLOBEX)),
            named(
                "initech",
                "ActionHub: weighted, read-only",
                tenant(&INITECH),
            ),
        ],
        "getCustomerLabels" => vec![
            named("acme", "Capillary's sample customer", capillary_labels()),
            named(
                "globex",
                "A Trybe customer",
                labels_of(&GLOBEX, &trybe_labels(3)),
            ),
            named(
                "initech",
                "ActionHub: highest weight first",
                labels_of(&INITECH, &actionhub_labels(3)),
            ),
        ],
        "listCatalogLabels" => vec![
            named(
                "acme",
                "Capillary org labels",
                catalog(&ACME, &capillary_catalog()),
            ),
            named(
                "globex",
                "Trybe labels, all pages",
                catalog(&GLOBEX, &trybe_catalog()),
            ),
            named(
                "initech",
                "ActionHub labels with weights",
                catalog(&INITECH, &actionhub_labels(2)),
            ),
        ],
        "changeCustomerLabels" => vec![
            named(
                "acme",
                "Attach VIP, detach Old1 Customer1",
                change(
                    &ACME,
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
                    &GLOBEX,
                    &[
                        (Op::Add, &trybe_id(4), "Gym Member"),
                        (Op::Remove, &trybe_id(1), "VIP"),
                    ],
                ),
            ),
        ],
        _ => Vec::new(),
    }
}

fn tenant(demo: &DemoTenant) -> TenantResponse<'static> {
    let provider = demo.provider;
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
    TenantResponse {
        tenant: demo.tenant,
        provider,
        capabilities,
    }
}

fn label(id: &str, name: &str, weight: Option<f64>) -> Label {
    Label {
        id: id.to_owned(),
        name: Some(name.to_owned()),
        weight,
        raw: None,
    }
}

/// The sample customer's labels at the demo tenant's vendor.
fn labels_of<'a>(demo: &'a DemoTenant, labels: &'a [Label]) -> CustomerLabelsResponse<'a> {
    CustomerLabelsResponse {
        tenant: demo.tenant,
        customer_id: demo.customer,
        provider: demo.provider,
        labels,
    }
}

fn catalog<'a>(demo: &'a DemoTenant, labels: &'a [Label]) -> CatalogResponse<'a> {
    CatalogResponse {
        tenant: demo.tenant,
        provider: demo.provider,
        labels,
    }
}

/// Capillary's sample customer, one label with its record (`?include=raw`).
fn capillary_labels() -> serde_json::Value {
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
    serde_json::to_value(labels_of(&ACME, &labels)).expect("serializes")
}

fn capillary_catalog() -> [Label; 3] {
    [
        label("20942", "Premium Customer", None),
        label("20949", "Old1 Customer1", None),
        label("20960", "VIP", None),
    ]
}

/// The Trybe simulator's label number `n`'s UUID.
fn trybe_id(n: u32) -> String {
    format!("8c3f0d2e-6a1b-4c5d-9e7f-{n:012}")
}

/// The sample customer's first `count` labels: VIP, Newsletter, Spa Member.
fn trybe_labels(count: usize) -> Vec<Label> {
    let names = ["VIP", "Newsletter", "Spa Member"];
    (1..)
        .zip(names)
        .take(count)
        .map(|(n, name)| label(&trybe_id(n), name, None))
        .collect()
}

fn trybe_catalog() -> [Label; 3] {
    [
        label(&trybe_id(1), "VIP", None),
        label(&trybe_id(2), "Newsletter", None),
        label(&trybe_id(4), "Gym Member", None),
    ]
}

/// ActionHub's sample user's labels, highest weight first, the first `count` of them.
fn actionhub_labels(count: usize) -> Vec<Label> {
    let weighted = [
        ("Sports Fan", 0.92),
        ("Weekend Shopper", 0.81),
        ("Coffee Lover", 0.55),
    ];
    (weighted.iter().take(count))
        .map(|&(name, weight)| label(name, name, Some(weight)))
        .collect()
}

/// A change whose every reference was applied: `(op, label id, label name)` in request order.
fn change(demo: &DemoTenant, applied: &[(Op, &str, &str)]) -> serde_json::Value {
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
        tenant: demo.tenant,
        customer_id: demo.customer,
        provider: demo.provider,
        results: &results,
    };
    serde_json::to_value(body).expect("serializes")
}
