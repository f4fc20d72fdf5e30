//! Trybe's JSON, as its API reference and Trybe's Laravel conventions show it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A collection: `{"data": [...]}`. Records stay raw so that `?include=raw` can pass them on.
#[derive(Debug, Deserialize)]
pub struct Collection {
    pub data: Vec<Value>,
}

/// One page of Laravel's length-aware paginator; `links` is not read, since its URLs drop
/// every query parameter but `page`.
#[derive(Debug, Deserialize)]
pub struct Page {
    pub data: Vec<Value>,
    pub meta: Meta,
}

#[derive(Debug, Deserialize)]
pub struct Meta {
    pub current_page: u64,
    pub last_page: u64,
}

/// A label record; only what the gateway reads.
#[derive(Debug, Deserialize)]
pub struct Label {
    pub id: String,
    /// The label's name.
    pub value: String,
    /// A timestamp once archived; absent in older answers, hence the default.
    #[serde(default)]
    pub archived_at: Option<Value>,
}

impl Label {
    pub fn archived(&self) -> bool {
        self.archived_at.is_some()
    }
}

/// The body of `POST /customers/labels`.
#[derive(Debug, Serialize)]
pub struct NewLabelBody<'a> {
    pub value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colour: Option<&'a str>,
}

/// The body of attach (POST) and detach (DELETE).
#[derive(Debug, Serialize)]
pub struct LabelIds<'a> {
    pub labels: Vec<&'a str>,
}

/// An error answer: `{"message": ...}`, plus `errors` by field on a 422. Read leniently, since
/// an error body is only ever used to explain a status.
#[derive(Debug, Default, Deserialize)]
pub struct Failure {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub errors: Option<Value>,
}

impl Failure {
    pub fn parse(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    /// Whether a 422 says of `field` something containing `text`.
    pub fn says(&self, field: &str, text: &str) -> bool {
        let Some(Value::Array(messages)) = self.errors.as_ref().and_then(|e| e.get(field)) else {
            return false;
        };
        messages
            .iter()
            .filter_map(Value::as_str)
            .any(|message| message.contains(text))
    }

    /// The first field a 422 names, e.g. `labels.0`.
    pub fn first_field(&self) -> Option<String> {
        let Some(Value::Object(fields)) = &self.errors else {
            return None;
        };
        fields.keys().next().cloned()
    }
}
