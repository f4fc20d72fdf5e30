//! Capillary's JSON, as vendor-docs 000–002 show it.

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
