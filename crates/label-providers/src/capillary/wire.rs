//! Capillary's JSON, as its API reference shows it.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// Capillary wraps every answer the same way and reports problems inside it, often with HTTP 200.
/// Warnings are not read on reads: the only documented one, 33001 "User labels not found",
/// comes without `data` and means an empty list.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// Kept as text: each record is read once into its own type, and into a `Value` only when
    /// the client asked for the vendor's records (`include=raw`).
    #[serde(default)]
    pub data: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

#[derive(Debug, Deserialize)]
pub struct Problem {
    /// A number in the documents; read leniently in case it arrives as a string.
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default)]
    pub message: Option<String>,
    /// In a batch's answer: the place of the item the problem is about.
    #[serde(default)]
    pub index: Option<usize>,
    /// In a batch's answer: the customer the problem is about.
    #[serde(default, rename = "entityId")]
    pub entity_id: Option<Value>,
}

impl Problem {
    pub fn code(&self) -> Option<String> {
        match &self.code {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn is(&self, code: u32) -> bool {
        self.code().as_deref() == Some(code.to_string().as_str())
    }
}

/// One user-label mapping of `GET /v2/customers/{userId}/labels`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerLabel {
    pub label_id: Value,
    pub label_name: String,
    #[serde(default)]
    pub deleted: bool,
}

/// One label of `GET /v2/organization/labels`.
#[derive(Debug, Deserialize)]
pub struct OrgLabel {
    pub id: Value,
    pub name: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

#[derive(Debug, Serialize)]
pub struct ChangeLabels<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<LabelName<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<LabelName<'a>>,
}

#[derive(Debug, Serialize)]
pub struct LabelName<'a> {
    #[serde(rename = "labelName")]
    pub label_name: &'a str,
}

/// The answer of `POST /v2/customers/{userId}/changeLabels`.
#[derive(Debug, Deserialize)]
pub struct ChangeReply {
    #[serde(default)]
    pub warnings: Vec<Problem>,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

/// Capillary ids are numbers; the common model carries them as strings.
pub fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// `POST /v2/organization/labels` with one label.
#[derive(Debug, Serialize)]
pub struct CreateOrgLabels<'a> {
    #[serde(rename = "orgLabels")]
    pub org_labels: [NewOrgLabel<'a>; 1],
}

#[derive(Debug, Serialize)]
pub struct NewOrgLabel<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

/// Its answer: the new label's id as `entity`, or why not in `errors`.
#[derive(Debug, Deserialize)]
pub struct Created {
    #[serde(default)]
    pub entity: Option<Value>,
    #[serde(default)]
    pub warnings: Vec<Problem>,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

/// The Labels API's entity type for customers; its default is PRODUCT, so it is always sent.
pub const CUSTOMER: &str = "CUSTOMER";

/// `POST /v2/labels/assignments`: one label for up to 100 customers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assign<'a> {
    pub entity_type: &'static str,
    pub assignments: Vec<Assignment<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment<'a> {
    pub entity_id: &'a str,
    pub label_name: &'a str,
}

/// `DELETE /v2/labels/assignments`: one label off up to 100 customers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unassign<'a> {
    pub entity_type: &'static str,
    pub removals: Vec<Removal<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Removal<'a> {
    pub entity_id: &'a str,
    pub label_ids: [&'a Value; 1],
}

/// A batch's answer: what was done in `data`, per-item problems beside it.
#[derive(Debug, Deserialize)]
pub struct BatchReply {
    #[serde(default)]
    pub data: Vec<BatchItem>,
    #[serde(default)]
    pub warnings: Vec<Problem>,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItem {
    #[serde(default)]
    pub entity_id: Option<Value>,
    /// On a removal: the labels it took off.
    #[serde(default)]
    pub removed_label_ids: Option<Vec<Value>>,
}

/// `GET /v2/labels/assignments?entityIds=...`: each known customer's labels.
#[derive(Debug, Deserialize)]
pub struct AssignmentsReply {
    #[serde(default)]
    pub data: Vec<EntityLabels>,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityLabels {
    pub entity_id: Value,
    pub labels: Vec<AssignedLabel>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLabel {
    pub label_id: Value,
    pub label_name: String,
}

/// `GET /v2/labels/assignments/search`: a page of the customers having a label.
#[derive(Debug, Deserialize)]
pub struct SearchReply {
    #[serde(default)]
    pub data: Vec<BatchItem>,
    pub pagination: Pagination,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub total_count: u64,
}

/// `POST /v3/oauth/token/generate` with the client's key and secret. No `Debug`: it holds them.
#[derive(Serialize)]
pub struct TokenRequest<'a> {
    pub key: &'a str,
    pub secret: &'a str,
}

/// Its answer. No `Debug`: it holds the token.
#[derive(Deserialize)]
pub struct TokenReply {
    #[serde(default)]
    pub data: Option<TokenData>,
    #[serde(default)]
    pub errors: Vec<Problem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenData {
    pub access_token: String,
    pub ttl_seconds: u64,
}
