//! ActionHub's JSON, as its API reference shows it.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserializer, Error as _, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};

/// The answer of `GET /users/{user_id}/labels`.
#[derive(Debug, Deserialize)]
pub struct UserLabels {
    pub labels: WeightedLabels,
}

/// One entry of the `labels` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    pub label: String,
    pub weight: f64,
    /// The number exactly as the vendor wrote it, for `raw`: `3` must not come back as `3.0`.
    pub number: Number,
}

/// The `labels` object read as a list, in the vendor's order: a JSON map would lose the order
/// the vendor ranks by (this workspace's serde_json has no `preserve_order`).
#[derive(Debug, Default)]
pub struct WeightedLabels(pub Vec<Weighted>);

impl<'de> Deserialize<'de> for WeightedLabels {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(LabelsVisitor)
    }
}

struct LabelsVisitor;

impl<'de> Visitor<'de> for LabelsVisitor {
    type Value = WeightedLabels;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of label: weight")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Vec<Weighted> = Vec::new();
        let mut positions: HashMap<String, usize> = HashMap::new();
        while let Some((label, number)) = map.next_entry::<String, Number>()? {
            let weight = number
                .as_f64()
                .filter(|w| w.is_finite())
                .ok_or_else(|| A::Error::custom(format!("weight of {label:?} is not a number")))?;
            // A repeated label keeps its last weight, as the vendor's own (Python) dict would.
            let entry = Weighted {
                label: label.clone(),
                weight,
                number,
            };
            match positions.get(&label) {
                Some(&at) => entries[at] = entry,
                None => {
                    positions.insert(label, entries.len());
                    entries.push(entry);
                }
            }
        }
        Ok(WeightedLabels(entries))
    }
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
    fn labels_keep_vendor_order_and_last_duplicate() {
        let text = r#"{"labels": {"b": 3, "a": 2.5, "c": 0.1, "a": 1}}"#;
        let parsed: UserLabels = serde_json::from_str(text).unwrap();
        let got: Vec<(&str, f64)> = parsed
            .labels
            .0
            .iter()
            .map(|w| (w.label.as_str(), w.weight))
            .collect();
        assert_eq!(got, [("b", 3.0), ("a", 1.0), ("c", 0.1)]);
        assert_eq!(parsed.labels.0[0].number.to_string(), "3");
    }

    #[test]
    fn labels_that_are_not_weights_do_not_parse() {
        for text in [
            r#"{"labels": {"a": "1"}}"#,
            r#"{"labels": {"a": null}}"#,
            r#"{"labels": ["a"]}"#,
            r#"{"labels": null}"#,
            r#"{}"#,
        ] {
            assert!(serde_json::from_str::<UserLabels>(text).is_err(), "{text}");
        }
    }

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
