//! The body of a job submission as the OpenAPI document shows it; `spec::read` is what reads
//! it (streaming its customers, listing every problem).

use std::collections::BTreeMap;

use utoipa::openapi::schema::{AdditionalProperties, Array, Object, ObjectBuilder, SchemaType};
use utoipa::openapi::Type;
use utoipa::ToSchema;

use super::bulk::customer_ids;
use super::LabelRefBody;
use crate::engine::jobs::spec::MAX_MAPPINGS;
use crate::http::params::{CustomerIdParam, TenantId};

/// utoipa has no attribute for an array's items' lengths or a map's keys, hence hand-built.
fn change_customers() -> Array {
    customer_ids(
        "The customers to change, in the tenant's customer-id format; each once. At most \
         `[jobs] max_customers` (default 1 000 000).",
        1,
        1_000_000,
    )
    .build()
}

/// A label name as a copy maps it: 1 to 255 characters, no control characters.
fn label_name() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(255))
        .pattern(Some(r"^[^\u0000-\u001F\u007F-\u009F]+$"))
}

fn label_map() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .description(Some(format!(
            "Source label name to target label name (at most {MAX_MAPPINGS}); a target name must \
             fit the target vendor (Trybe 20 characters)."
        )))
        .property_names(Some(label_name()))
        .additional_properties(Some(AdditionalProperties::RefOr(label_name().into())))
        .max_properties(Some(MAX_MAPPINGS))
        .build()
}

fn source_tenant() -> ObjectBuilder {
    let why = "The tenant read from; this tenant's `copy_from` must name it (else 403).";
    TenantId::field().description(Some(why))
}

fn source_customer() -> ObjectBuilder {
    CustomerIdParam::field().description(Some("The customer in `from_tenant`."))
}

#[allow(deprecated)] // `example`, as the other fields write theirs
fn target_customer() -> ObjectBuilder {
    CustomerIdParam::field()
        .description(Some("The customer in this tenant."))
        .example(Some("9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b".into()))
}

/// A job: `"kind": "change"` or `"kind": "copy"`.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // documentation only
pub enum JobRequest {
    Change(ChangeJob),
    Copy(CopyJob),
}

/// The same label references applied to every customer listed.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct ChangeJob {
    pub kind: ChangeKind,
    #[schema(schema_with = change_customers)]
    pub customers: Vec<String>,
    /// Labels to attach, as in a customer's change: at most 100 references in all.
    #[schema(max_items = 100)]
    pub add: Option<Vec<LabelRefBody>>,
    /// Labels to detach, after every `add`.
    #[schema(max_items = 100)]
    pub remove: Option<Vec<LabelRefBody>>,
    /// An `add` by a name the catalog lacks creates the label once, first (where the vendor
    /// can); its results are `created`.
    pub create_missing: Option<bool>,
    /// Read everything, write nothing: results say `would_apply`.
    pub dry_run: Option<bool>,
}

/// Labels read from another tenant's customers and attached to this tenant's.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct CopyJob {
    pub kind: CopyKind,
    #[schema(schema_with = source_tenant)]
    pub from_tenant: String,
    /// Source and target customer of each copy; each target once.
    #[schema(min_items = 1, max_items = 1000000)]
    pub customers: Vec<CopyPair>,
    #[schema(schema_with = label_map)]
    pub labels: Option<BTreeMap<String, String>>,
    /// A source label `labels` does not name: `skip` it (default) or copy it under the
    /// `same_name`.
    pub unmapped: Option<UnmappedText>,
    /// `add` (default) attaches; `mirror` also detaches the labels named as targets in
    /// `labels` that the source customer lacks.
    pub mode: Option<ModeText>,
    /// Read everything, write nothing: results say `would_apply`.
    pub dry_run: Option<bool>,
}

#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct CopyPair {
    #[schema(schema_with = source_customer)]
    pub from: String,
    #[schema(schema_with = target_customer)]
    pub to: String,
}

#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // documentation only
pub enum UnmappedText {
    Skip,
    SameName,
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // documentation only
pub enum ModeText {
    Add,
    Mirror,
}

/// `change`: the same references for every customer.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only
pub enum ChangeKind {
    #[serde(rename = "change")]
    Change,
}

/// `copy`: labels read from another tenant.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only
pub enum CopyKind {
    #[serde(rename = "copy")]
    Copy,
}
