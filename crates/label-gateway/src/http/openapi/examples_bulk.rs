//! Named examples of the catalog writes and many-customer operations, one per demo tenant that
//! can answer them, from the simulators' sample data; built from the response types themselves.

use label_core::{Label, LabelIdentity, Op, Upstream};

use crate::contract::{Code, Error};
use serde_json::{json, Value};
use utoipa::openapi::example::Example;

use super::samples::{named, CAPILLARY_CUSTOMER, TRYBE_CUSTOMER};
use crate::http::api::bulk::{
    BatchGetResponse, ChangeLabelCustomersResponse, CreateLabelResponse, CustomerLabels,
    CustomerLabelsItem, CustomerProblem, CustomerResult, CustomerStatus, ItemProblem,
    LabelCustomersResponse,
};

/// Capillary's sample org label that its sample customer has.
const CAPILLARY_LABEL: &str = "20942";
/// A customer neither the Capillary demo nor its vendor knows.
const UNKNOWN_CAPILLARY_CUSTOMER: &str = "777";

/// The examples of an operation's 200 or 201 body.
pub fn ok_examples(operation_id: &str) -> Vec<(&'static str, Example)> {
    match operation_id {
        "createLabel" => vec![
            named(
                "acme",
                "Capillary keeps a description, not a colour",
                created("acme", "capillary", "20964", "colour"),
            ),
            named(
                "globex",
                "Trybe keeps a colour, not a description",
                created(
                    "globex",
                    "trybe",
                    "0b6c7e8f-2a3d-4e5f-9a8b-7c6d5e4f3a2b",
                    "description",
                ),
            ),
        ],
        "listLabelCustomers" => vec![named("acme", "Who has Premium Customer", members())],
        "changeLabelCustomers" => vec![named(
            "acme",
            "Premium Customer for three customers",
            changed(),
        )],
        "batchGetCustomerLabels" => vec![named(
            "acme",
            "A known customer and an unknown one",
            batch(),
        )],
        _ => Vec::new(),
    }
}

/// The examples of an operation's request body.
pub fn request_examples(operation_id: &str) -> Vec<(&'static str, Example)> {
    match operation_id {
        "createLabel" => vec![
            named(
                "acme",
                "Capillary (acme): up to 100 characters",
                json!({"name": "Summer 2025", "description": "Customers of the summer campaign", "colour": "ff6634"}),
            ),
            named(
                "globex",
                "Trybe (globex): up to 20 characters",
                json!({"name": "Summer 2025", "colour": "ff6634"}),
            ),
            named(
                "initech",
                "ActionHub (initech) cannot create labels: 405 unsupported_operation",
                json!({"name": "Summer 2025"}),
            ),
        ],
        "changeLabelCustomers" => vec![
            named(
                "acme",
                "Capillary (acme): label 20942",
                json!({"add": [CAPILLARY_CUSTOMER, "565345934", UNKNOWN_CAPILLARY_CUSTOMER]}),
            ),
            named(
                "globex",
                "Trybe (globex): label VIP",
                json!({"add": ["3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c"], "remove": [TRYBE_CUSTOMER]}),
            ),
            named(
                "initech",
                "ActionHub (initech) is read-only: 405 unsupported_operation",
                json!({"add": ["user-1001"]}),
            ),
        ],
        "batchGetCustomerLabels" => vec![
            named(
                "acme",
                "Capillary (acme)",
                json!({"customer_ids": [CAPILLARY_CUSTOMER, UNKNOWN_CAPILLARY_CUSTOMER]}),
            ),
            named(
                "globex",
                "Trybe (globex)",
                json!({"customer_ids": [TRYBE_CUSTOMER, "3d5f7a9b-2c4e-4f6a-9b8c-1d2e3f4a5b6c"]}),
            ),
            named(
                "initech",
                "ActionHub (initech)",
                json!({"customer_ids": ["user-1001", "user-1002"]}),
            ),
        ],
        _ => Vec::new(),
    }
}

fn created(tenant: &str, provider: &str, id: &str, ignored: &'static str) -> Value {
    let label = Label {
        id: id.to_owned(),
        name: Some("Summer 2025".to_owned()),
        weight: None,
        raw: None,
    };
    let body = CreateLabelResponse {
        tenant,
        provider,
        label: &label,
        ignored: &[ignored],
    };
    serde_json::to_value(body).expect("serializes")
}

fn premium() -> LabelIdentity {
    LabelIdentity {
        id: Some(CAPILLARY_LABEL.to_owned()),
        name: Some("Premium Customer".to_owned()),
    }
}

fn members() -> Value {
    let body = LabelCustomersResponse {
        tenant: "acme",
        provider: "capillary",
        label: &premium(),
        customers: &[CAPILLARY_CUSTOMER.to_owned()],
        next_cursor: None,
    };
    serde_json::to_value(body).expect("serializes")
}

fn changed() -> Value {
    let result = |customer: &str, status| CustomerResult {
        customer_id: customer.to_owned(),
        op: Op::Add,
        status,
        problem: None,
    };
    let results = [
        result(CAPILLARY_CUSTOMER, CustomerStatus::Unchanged),
        result("565345934", CustomerStatus::Applied),
        result(UNKNOWN_CAPILLARY_CUSTOMER, CustomerStatus::CustomerNotFound),
    ];
    let body = ChangeLabelCustomersResponse {
        tenant: "acme",
        provider: "capillary",
        label: &premium(),
        results: &results,
    };
    serde_json::to_value(body).expect("serializes")
}

fn batch() -> Value {
    let labels = json!([{"id": CAPILLARY_LABEL, "name": "Premium Customer", "weight": null}]);
    let message = "Customer not found for the given identifiers";
    let unknown = Error::new(Code::CustomerNotFound, message).with_upstream(Upstream {
        status: Some(200),
        code: Some("8015".to_owned()),
        message: Some(message.to_owned()),
    });
    let customers = vec![
        CustomerLabelsItem::Labels(CustomerLabels {
            customer_id: CAPILLARY_CUSTOMER.to_owned(),
            labels: serde_json::value::to_raw_value(&labels).expect("serializes"),
        }),
        CustomerLabelsItem::Problem(CustomerProblem {
            customer_id: UNKNOWN_CAPILLARY_CUSTOMER.to_owned(),
            problem: ItemProblem::of(&unknown),
        }),
    ];
    let body = BatchGetResponse {
        tenant: "acme",
        provider: "capillary",
        customers,
    };
    serde_json::to_value(body).expect("serializes")
}
