//! How label-core's model reads on the wire, for the OpenAPI document.
//!
//! label-core knows no HTTP, so its types carry no schema; they keep their serde derives (their
//! JSON is also what the cache keeps pre-encoded, and a hit writes those bytes as they are).
//! Each type here has the name, fields and documentation of one that the API sends, and is
//! only ever read by utoipa: the bodies in [`crate::http::api`] and the engine's job views
//! point at these with `value_type`. The test below holds each to what its model type
//! serializes to, so the two cannot drift apart.
#![allow(dead_code)] // documentation only: never built, never serialized

use utoipa::ToSchema;

/// A label as every provider reports it.
#[derive(ToSchema)]
pub struct Label {
    // `name` and `weight` are always sent, null when unknown: `required = true` says so.
    /// The provider's label identifier: Capillary `labelId`, a Trybe UUID, the ActionHub label text.
    #[schema(example = "20942")]
    pub id: String,
    /// The label's name where the provider knows it.
    #[schema(example = "Premium Customer", required = true)]
    pub name: Option<String>,
    /// The label's weight (ActionHub), else null.
    #[schema(required = true)]
    pub weight: Option<f64>,
    /// The provider's own record, unchanged; only with `?include=raw`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object, nullable = false)]
    pub raw: Option<serde_json::Value>,
}

/// A label as far as it could be resolved: what a change result reports and what a backend is
/// asked to attach or detach. A backend reads the key it needs (`name` or `id`), which the
/// resolution guarantees is present.
#[derive(ToSchema)]
pub struct LabelIdentity {
    // Both are always sent, null when unresolved: `required = true` says so.
    #[schema(example = "20957", required = true)]
    pub id: Option<String>,
    #[schema(example = "VIP", required = true)]
    pub name: Option<String>,
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Remove,
}

/// The outcome of one reference of a change request.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// The vendor made the change.
    Applied,
    /// Already attached (add) or not attached (remove), judged on a fresh vendor read.
    Unchanged,
    /// No such label at the vendor.
    NotFound,
    /// The label did not exist: it was created (`create_missing`), then attached.
    Created,
}

#[derive(ToSchema)]
pub struct ChangeResult {
    pub op: Op,
    pub label: LabelIdentity,
    pub status: ChangeStatus,
}

/// What a provider natively identifies a label by.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabelKey {
    Name,
    Id,
}

/// Plain flags saying what a provider can do, so callers ask instead of trying.
#[derive(ToSchema)]
pub struct Capabilities {
    /// A customer's labels can be read.
    pub read: bool,
    /// Labels can be attached to a customer.
    pub add: bool,
    /// Labels can be detached from a customer.
    pub remove: bool,
    /// The vendor account has a label catalog.
    pub catalog: bool,
    /// Labels carry a weight.
    pub weights: bool,
    /// What the provider natively identifies a label by.
    pub label_key: LabelKey,
    /// Labels can be created in the vendor's catalog.
    pub create_labels: bool,
    /// The customers that have a label can be listed.
    pub members: bool,
    /// The most customers one vendor call can change: 1 where the vendor has no batch call, 0
    /// for a provider that cannot write.
    #[schema(example = 100)]
    pub batch: u32,
}

/// What the vendor answered, passed on to the client in the problem body.
#[derive(ToSchema)]
pub struct Upstream {
    // Each is left out when unknown, never null: `nullable = false` tells generated clients so.
    /// The vendor's HTTP status, when it answered at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub status: Option<u16>,
    /// The vendor's own error code, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// The vendor's message, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub message: Option<String>,
}

/// One problem of an invalid request: where (an RFC 6901 pointer into the body, or the name of
/// a header) and what.
#[derive(ToSchema)]
pub struct FieldProblem {
    /// Where in the body; `""` is the whole body. Absent for a problem in a header.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/add/0/name", nullable = false, max_length = 1024)]
    pub pointer: Option<String>,
    /// The header at fault, for a problem in a header.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "Idempotency-Key", nullable = false, max_length = 64)]
    pub header: Option<String>,
    #[schema(example = "must be 1 to 255 characters", max_length = 1024)]
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use label_core::{CustomerIdFormat, LabelIdFormat};
    use serde::Serialize;
    use serde_json::{json, Value};
    use utoipa::PartialSchema;

    fn schema<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).expect("a schema serializes")
    }

    /// The properties a schema documents.
    fn documented<T: PartialSchema>() -> BTreeSet<String> {
        let schema = schema::<T>();
        schema["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .cloned()
            .collect()
    }

    /// The keys `value` is sent with (every optional one present in the samples below).
    fn sent(value: impl Serialize) -> BTreeSet<String> {
        let value = serde_json::to_value(value).expect("a model value serializes");
        value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect()
    }

    /// The values an enum schema documents, and those its model is sent as.
    fn same_values<T: PartialSchema>(values: &[impl Serialize]) {
        let documented: BTreeSet<String> = schema::<T>()["enum"]
            .as_array()
            .expect("an enum schema")
            .iter()
            .map(|v| v.as_str().expect("a string value").to_owned())
            .collect();
        let sent: BTreeSet<String> = values
            .iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(documented, sent);
    }

    fn identity() -> label_core::LabelIdentity {
        label_core::LabelIdentity {
            id: Some("20957".to_owned()),
            name: Some("VIP".to_owned()),
        }
    }

    #[test]
    fn each_schema_documents_what_its_model_sends() {
        let label = label_core::Label {
            id: "20942".to_owned(),
            name: Some("VIP".to_owned()),
            weight: Some(1.0),
            raw: Some(json!({})),
        };
        assert_eq!(documented::<super::Label>(), sent(&label));
        assert_eq!(documented::<super::LabelIdentity>(), sent(identity()));
        let result = label_core::ChangeResult {
            op: label_core::Op::Add,
            label: identity(),
            status: label_core::ChangeStatus::Applied,
        };
        assert_eq!(documented::<super::ChangeResult>(), sent(&result));
        let upstream = label_core::Upstream {
            status: Some(404),
            code: Some("x".to_owned()),
            message: Some("y".to_owned()),
        };
        assert_eq!(documented::<super::Upstream>(), sent(&upstream));
        let mut problem = label_core::FieldProblem::at("/add", "unknown field");
        problem.header = Some("Idempotency-Key".to_owned());
        assert_eq!(documented::<super::FieldProblem>(), sent(&problem));
        let capabilities = label_core::Capabilities {
            read: true,
            add: true,
            remove: true,
            catalog: true,
            weights: false,
            label_key: label_core::LabelKey::Id,
            create_labels: true,
            members: true,
            batch: 100,
            batch_read: 1,
            max_label_name_chars: 100,
            catalog_search: false,
            customer_id_format: CustomerIdFormat::Uuid,
            label_id_format: LabelIdFormat::Exact,
            idempotent_writes: true,
        };
        assert_eq!(documented::<super::Capabilities>(), sent(capabilities));
    }

    #[test]
    fn each_enum_schema_lists_the_values_its_model_sends() {
        use label_core::{ChangeStatus, LabelKey, Op};
        same_values::<super::Op>(&[Op::Add, Op::Remove]);
        same_values::<super::LabelKey>(&[LabelKey::Name, LabelKey::Id]);
        same_values::<super::ChangeStatus>(&[
            ChangeStatus::Applied,
            ChangeStatus::Unchanged,
            ChangeStatus::NotFound,
            ChangeStatus::Created,
        ]);
    }
}
