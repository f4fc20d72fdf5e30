//! The bodies of the catalog writes and the many-customer routes (docs/routes.md).

pub use crate::contract::ItemProblem;
use label_core::{Label, LabelIdentity, Op};
use serde::Serialize;
use serde_json::json;
use serde_json::value::RawValue;
use utoipa::openapi::schema::{Array, ArrayBuilder, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::contract::model;
use crate::http::params::{CustomerIdParam, TenantId};

/// A label to create in the tenant's vendor catalog.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body that `contract::parse_new_label` reads
pub struct CreateLabelRequest {
    /// The label's name: 1 to 255 characters, no control characters, no blanks at either end,
    /// and no longer than the vendor allows (Trybe 20, Capillary 100): else 422 before any
    /// vendor call.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$",
        example = "Summer 2025"
    )]
    pub name: String,
    /// Kept by Capillary; listed in `ignored` by a vendor that has no place for it. `null` is
    /// the same as leaving it out, here and for `colour`.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$",
        example = "Customers of the summer campaign"
    )]
    pub description: Option<String>,
    /// Six hex digits, with or without `#`. Kept by Trybe; listed in `ignored` elsewhere.
    #[schema(
        pattern = "^#?[0-9A-Fa-f]{6}$",
        min_length = 6,
        max_length = 7,
        example = "ff6634"
    )]
    pub colour: Option<String>,
}

/// The created label, and the request's fields the vendor had no place for.
#[derive(Serialize, ToSchema)]
pub struct CreateLabelResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    #[schema(value_type = model::Label)]
    pub label: &'a Label,
    #[schema(example = json!(["colour"]))]
    pub ignored: &'a [&'static str],
}

/// One page of the customers that have a label, in the vendor's order.
#[derive(Serialize, ToSchema)]
pub struct LabelCustomersResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    #[schema(value_type = model::LabelIdentity)]
    pub label: &'a LabelIdentity,
    #[schema(example = json!(["564663098"]), max_items = 100)]
    pub customers: &'a [String],
    /// The `cursor` of the next page; null after the last one.
    #[schema(required = true, max_length = 512)]
    pub next_cursor: Option<String>,
}

/// One label attached to (`add`) or detached from (`remove`) many customers: at least one id in
/// all, at most 1000, no customer twice.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body that `contract::MemberChange::parse` reads
pub struct ChangeLabelCustomersRequest {
    #[schema(schema_with = add_customers)]
    pub add: Option<Vec<String>>,
    #[schema(schema_with = remove_customers)]
    pub remove: Option<Vec<String>>,
}

fn add_customers() -> Array {
    customer_ids("Customers to attach the label to, in order.", 0, 1000)
        .schema_type(nullable())
        .build()
}

fn remove_customers() -> Array {
    customer_ids(
        "Customers to detach the label from, in order, after every `add`.",
        0,
        1000,
    )
    .schema_type(nullable())
    .build()
}

fn batch_customers() -> Array {
    customer_ids("The customers whose labels to read, in order.", 1, 100).build()
}

/// `add` and `remove` may be left out or null.
fn nullable() -> SchemaType {
    SchemaType::from_iter([Type::Array, Type::Null])
}

/// Customer ids in the tenant's provider's format (see the `customer_id` path parameter);
/// utoipa has no attribute for an array's items' lengths, hence hand-built.
pub(crate) fn customer_ids(description: &str, min: usize, max: usize) -> ArrayBuilder {
    ArrayBuilder::new()
        .description(Some(description))
        .items(CustomerIdParam::schema())
        .min_items((min > 0).then_some(min))
        .max_items(Some(max))
        .examples([json!(["564663098", "565345934"])])
}

/// What happened to each customer, in request order (every `add`, then every `remove`).
#[derive(Serialize, ToSchema)]
pub struct ChangeLabelCustomersResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    #[schema(value_type = model::LabelIdentity)]
    pub label: &'a LabelIdentity,
    pub results: &'a [CustomerResult],
}

#[derive(Serialize, ToSchema)]
pub struct CustomerResult {
    #[schema(example = "564663098")]
    pub customer_id: String,
    #[schema(value_type = model::Op)]
    pub op: Op,
    pub status: CustomerStatus,
    /// Why a `failed` customer failed; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub problem: Option<ItemProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// The vendor made the change.
    Applied,
    /// Already attached (add) or not attached (remove).
    Unchanged,
    /// The vendor does not know the customer.
    CustomerNotFound,
    /// The change failed or may not have been made: `problem` says why; repeating it is safe.
    Failed,
}

/// The customers whose labels to read: 1 to 100 ids in the tenant's provider's format.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body that `contract::parse_batch_get` reads
pub struct BatchGetRequest {
    #[schema(schema_with = batch_customers)]
    pub customer_ids: Vec<String>,
}

/// Each customer's labels or problem, in request order.
#[derive(Serialize, ToSchema)]
pub struct BatchGetResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    #[schema(max_items = 100)]
    pub customers: Vec<CustomerLabelsItem>,
}

#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum CustomerLabelsItem {
    Labels(CustomerLabels),
    Problem(CustomerProblem),
}

/// A customer's labels, as `getCustomerLabels` answers them.
#[derive(Serialize, ToSchema)]
pub struct CustomerLabels {
    #[schema(example = "564663098")]
    pub customer_id: String,
    /// Written as kept, without serializing the labels again.
    #[schema(value_type = Vec<model::Label>)]
    pub labels: Box<RawValue>,
}

/// Why a customer's labels could not be read.
#[derive(Serialize, ToSchema)]
pub struct CustomerProblem {
    #[schema(example = "777")]
    pub customer_id: String,
    pub problem: ItemProblem,
}
