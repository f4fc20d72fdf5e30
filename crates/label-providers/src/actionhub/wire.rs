//! ActionHub's JSON, as its API reference shows it.

use serde::Deserialize;
use serde_json::{Number, Value};

/// One label of the catalog with its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub label: String,
    pub weight: f64,
    /// The number exactly as the vendor wrote it, for `raw`: `3` must not come back as `3.0`.
    pub number: Number,
}

/// The answer of `GET /labels?search=&page=&size=`; items are kept raw for `include=raw`.
#[derive(Debug, Deserialize)]
pub struct CatalogPage {
    pub items: Vec<Value>,
    pub total: u64,
}

/// One item of a catalog page.
#[derive(Debug, Deserialize)]
pub struct CatalogItem {
    pub label: String,
    pub weight: Number,
}

/// FastAPI's error body: `detail` is a message, or for 422 a list of validation problems.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub detail: Option<Value>,
}

impl ErrorBody {
    /// The problems of a validation error; none for any other body.
    fn problems(&self) -> impl Iterator<Item = &Value> {
        let list = match &self.detail {
            Some(Value::Array(list)) => list.as_slice(),
            _ => &[],
        };
        list.iter()
    }

    /// The vendor's message: `detail` itself, or each problem as `loc: msg`.
    pub fn message(&self) -> Option<String> {
        match &self.detail {
            Some(Value::String(message)) => Some(message.clone()),
            Some(Value::Array(_)) => {
                let each: Vec<String> = self
                    .problems()
                    .map(|p| {
                        let loc = p["loc"].as_array().map(|loc| {
                            loc.iter()
                                .map(|part| match part {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                                .collect::<Vec<_>>()
                                .join(".")
                        });
                        let msg = p["msg"].as_str().unwrap_or("invalid");
                        format!("{}: {msg}", loc.unwrap_or_default())
                    })
                    .collect();
                Some(each.join("; "))
            }
            _ => None,
        }
    }

    /// The `type` of the first validation problem, FastAPI's nearest thing to an error code.
    pub fn code(&self) -> Option<String> {
        self.problems().next()?["type"].as_str().map(str::to_owned)
    }

    /// Whether a validation error is about the path, i.e. the user id, rather than headers
    /// or query parameters the gateway itself sent.
    pub fn about_path(&self) -> bool {
        self.problems()
            .any(|p| p["loc"].get(0).and_then(Value::as_str) == Some("path"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_say_where() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"detail":[{"loc":["path","user_id"],"msg":"too long","type":"string_too_long"}]}"#,
        )
        .unwrap();
        assert!(body.about_path());
        assert_eq!(body.code().as_deref(), Some("string_too_long"));
        assert_eq!(body.message().as_deref(), Some("path.user_id: too long"));
        let header: ErrorBody = serde_json::from_str(
            r#"{"detail":[{"loc":["header","program-id"],"msg":"Field required","type":"missing"}]}"#,
        )
        .unwrap();
        assert!(!header.about_path());
        let plain: ErrorBody = serde_json::from_str(r#"{"detail":"User not found"}"#).unwrap();
        assert_eq!(plain.message().as_deref(), Some("User not found"));
        assert!(!plain.about_path() && plain.code().is_none());
    }
}
