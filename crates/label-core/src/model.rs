use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A label as every provider reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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

/// A list of labels shared cheaply between the cache and the requests it answers.
pub type LabelList = Arc<[Label]>;

impl Label {
    pub fn identity(&self) -> LabelIdentity {
        LabelIdentity {
            id: Some(self.id.clone()),
            name: self.name.clone(),
        }
    }
}

/// A label as far as it could be resolved: what a change result reports and what a backend is
/// asked to attach or detach. A backend reads the key it needs (`name` or `id`), which the
/// resolution guarantees is present.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, ToSchema)]
pub struct LabelIdentity {
    // Both are always sent, null when unresolved: `required = true` says so.
    #[schema(example = "20957", required = true)]
    pub id: Option<String>,
    #[schema(example = "VIP", required = true)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Add,
    Remove,
}

/// The outcome of one reference of a change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// The vendor made the change.
    Applied,
    /// Already attached (add) or not attached (remove), judged on a fresh vendor read.
    Unchanged,
    /// No such label at the vendor.
    NotFound,
}

/// What a backend reports for each label it was asked to attach or detach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Applied,
    NotFound,
}

impl From<WriteStatus> for ChangeStatus {
    fn from(status: WriteStatus) -> Self {
        match status {
            WriteStatus::Applied => ChangeStatus::Applied,
            WriteStatus::NotFound => ChangeStatus::NotFound,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChangeResult {
    pub op: Op,
    pub label: LabelIdentity,
    pub status: ChangeStatus,
}
