//! Named examples, one per demo tenant, taken from the vendors' sample data (the same records the
//! simulators serve). Built from the response types themselves, so an example cannot drift from
//! the shape the server sends.

use label_core::{
    Capabilities, ChangeResult, ChangeStatus, CustomerIdFormat, Label, LabelIdFormat,
    LabelIdentity, LabelKey, Op,
};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::example::{Example, ExampleBuilder};

use crate::api::{CatalogResponse, ChangeLabelsResponse, CustomerLabelsResponse, TenantResponse};

pub const CAPILLARY_CUSTOMER: &str = "564663098";
pub const TRYBE_CUSTOMER: &str = "9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b";
pub const ACTIONHUB_USER: &str = "user-1001";

/// The examples of an operation's 200 body, by operation id.
pub fn ok_examples(operation_id: &str) -> Vec<(&'static str, Example)> {
    match operation_id {
        "getTenant" => vec![
            named(
                "capillary",
                "Capillary: labels by name",
                tenant("acme", "capillary"),
            ),
            named("trybe", "Trybe: labels by UUID", tenant("globex", "trybe")),
            named(
                "actionhub",
                "ActionHub: weighted, read-only",
                tenant("initech", "actionhub"),
            ),
        ],
        "getCustomerLabels" => vec![
            named(
                "capillary",
                "Capillary's sample customer",
                capillary_labels(),
            ),
            named("trybe", "A Trybe customer", trybe_labels()),
            named(
                "actionhub",
                "ActionHub: highest weight first",
                actionhub_labels(),
            ),
        ],
        "listCatalogLabels" => vec![named("capillary", "Capillary org labels", catalog())],
        "changeCustomerLabels" => vec![named(
            "capillary",
            "Attach VIP, detach Old1 Customer1",
            change(),
        )],
        other => super::examples_bulk::ok_examples(other),
    }
}

/// The examples of the PATCH body.
pub fn change_request_examples() -> Vec<(&'static str, Example)> {
    vec![
        named(
            "by_name",
            "Capillary: attach and detach by name",
            json!({"add": [{"name": "VIP"}], "remove": [{"name": "Old1 Customer1"}]}),
        ),
        named(
            "by_id",
            "Trybe: by id, or by name resolved through the catalog",
            json!({"add": [{"id": "8c3f0d2e-6a1b-4c5d-9e7f-000000000004"}], "remove": [{"name": "VIP"}]}),
        ),
        named(
            "create_missing",
            "Capillary: create the label if the catalog lacks it, then attach it",
            json!({"add": [{"name": "Spring 2026"}], "create_missing": true}),
        ),
    ]
}

pub(super) fn named(
    name: &'static str,
    summary: &str,
    value: impl Serialize,
) -> (&'static str, Example) {
    let value = serde_json::to_value(value).expect("examples always serialize");
    (
        name,
        ExampleBuilder::new()
            .summary(summary)
            .value(Some(value))
            .build(),
    )
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

fn catalog() -> Value {
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

fn change() -> Value {
    let result = |op, id: &str, name: &str, status| ChangeResult {
        op,
        label: LabelIdentity {
            id: Some(id.to_owned()),
            name: Some(name.to_owned()),
        },
        status,
    };
    let results = [
        result(Op::Add, "20960", "VIP", ChangeStatus::Applied),
        result(Op::Remove, "20949", "Old1 Customer1", ChangeStatus::Applied),
        ChangeResult {
            op: Op::Add,
            label: LabelIdentity {
                id: None,
                name: Some("Nope".to_owned()),
            },
            status: ChangeStatus::NotFound,
        },
    ];
    let body = ChangeLabelsResponse {
        tenant: "acme",
        customer_id: CAPILLARY_CUSTOMER,
        provider: "capillary",
        results: &results,
    };
    serde_json::to_value(body).expect("serializes")
}
