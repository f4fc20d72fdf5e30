//! The bodies of the v1 API; the handlers serialize these and utoipa documents them.

pub mod bulk;
pub mod events;
pub mod job_request;

use label_core::{Capabilities, ChangeResult, Label};
use serde::Serialize;
use utoipa::openapi::schema::{Array, ArrayBuilder, SchemaType, Type};
use utoipa::openapi::{ObjectBuilder, Ref};
use utoipa::ToSchema;

use crate::contract::model;
use crate::http::params::{CustomerIdParam, TenantId};

#[derive(Serialize, ToSchema)]
pub struct TenantResponse<'a> {
    #[schema(schema_with = actionhub_tenant)]
    pub tenant: &'a str,
    #[schema(example = "actionhub")]
    pub provider: &'a str,
    #[schema(value_type = model::Capabilities)]
    pub capabilities: Capabilities,
}

/// The tenant of `getTenant`'s example, whose provider (ActionHub) the example's capabilities
/// are.
#[allow(deprecated)] // `example`, as the other fields write theirs
fn actionhub_tenant() -> ObjectBuilder {
    TenantId::field().example(Some("initech".into()))
}

/// A customer id as the answers spell it.
fn canonical_customer_id() -> ObjectBuilder {
    CustomerIdParam::field().description(Some(
        "The customer's id in its canonical spelling (a Trybe UUID in lower case).",
    ))
}

/// A customer's labels, normalized, in the provider's order (ActionHub: by weight).
#[derive(Serialize, ToSchema)]
pub struct CustomerLabelsResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(schema_with = canonical_customer_id)]
    pub customer_id: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    #[schema(value_type = Vec<model::Label>)]
    pub labels: &'a [Label],
}

/// Every label of the tenant's vendor account.
#[derive(Serialize, ToSchema)]
pub struct CatalogResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    #[schema(value_type = Vec<model::Label>)]
    pub labels: &'a [Label],
}

/// Labels to attach and detach: at least one reference in all, at most 100, none in both lists.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body that `contract::parse_change_request` reads
pub struct ChangeLabelsRequest {
    #[schema(schema_with = add_refs)]
    pub add: Option<Vec<LabelRefBody>>,
    #[schema(schema_with = remove_refs)]
    pub remove: Option<Vec<LabelRefBody>>,
    /// `true`: an `add` by a name the catalog lacks creates the label first (result `created`),
    /// where the provider can create labels; the name must then suit the vendor (Trybe 20
    /// characters, Capillary 100), else 422 before anything is written. Default `false`.
    // Not a schema `default`: openapi-typescript makes a field with one required in requests.
    #[schema(nullable = false)]
    pub create_missing: Option<bool>,
}

fn add_refs() -> Array {
    label_refs("Labels to attach, in order. The same reference twice in one list is refused (422).")
}

fn remove_refs() -> Array {
    label_refs(
        "Labels to detach, in order, after every `add`. The same reference twice in one list is \
         refused (422).",
    )
}

/// No `uniqueItems`, although the gateway refuses a reference listed twice: typed clients make a
/// unique array a set (typescript-fetch a `Set<LabelRef>`, which loses the order the results
/// follow and compares objects by identity), so the rule is said in words.
fn label_refs(description: &str) -> Array {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .description(Some(description))
        .items(Ref::from_schema_name("LabelRef"))
        .max_items(Some(100))
        .build()
}

/// A label reference: exactly one of `{"name": ...}` or `{"id": ...}`. The gateway resolves one
/// into the other through the tenant's catalog.
#[derive(ToSchema)]
#[schema(as = LabelRef)]
#[serde(untagged)]
#[allow(dead_code)] // documentation only
pub enum LabelRefBody {
    Name(LabelByName),
    Id(LabelById),
}

/// A label reference's one field: 1 to 255 characters, no control characters.
// No `example` on the fields: the body's named examples show references in context, and a lone
// field example is put in both `add` and `remove` by tools that build a body from it (422).
macro_rules! label_reference {
    ($(#[$doc:meta])* $name:ident { $field:ident: $what:literal }) => {
        $(#[$doc])*
        #[derive(ToSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)] // documentation only
        pub struct $name {
            #[doc = $what]
            #[schema(
                min_length = 1,
                max_length = 255,
                pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
            )]
            pub $field: String,
        }
    };
}

label_reference!(
    /// A label named by its name.
    LabelByName { name: "1 to 255 characters, no control characters." }
);

label_reference!(
    /// A label named by the provider's id (Capillary `labelId`, a Trybe UUID).
    LabelById { id: "1 to 255 characters, no control characters; compared exactly." }
);

/// One result per reference, in request order.
#[derive(Serialize, ToSchema)]
pub struct ChangeLabelsResponse<'a> {
    #[schema(schema_with = TenantId::field)]
    pub tenant: &'a str,
    #[schema(schema_with = canonical_customer_id)]
    pub customer_id: &'a str,
    #[schema(example = "capillary")]
    pub provider: &'a str,
    /// One per reference of the request, so at most 100.
    #[schema(value_type = Vec<model::ChangeResult>, max_items = 100)]
    pub results: &'a [ChangeResult],
}
