//! The bodies of the catalog and many-customer routes, parsed whole: every problem is listed
//! (at its RFC 6901 pointer) and a body that has one reaches no vendor.

use std::collections::HashMap;

use serde_json::{Map, Value};

use label_core::{
    check_label_text, check_new_name, CustomerId, CustomerIdFormat, FieldProblem, NewLabel,
};

use super::body::{pointer, problem, read_json};

/// Most customer ids one `PATCH .../labels/{label_id}/customers` may carry, `add` and
/// `remove` together.
pub const MAX_MEMBER_CHANGES: usize = 1000;
/// Most customer ids one `labels:batchGet` may carry.
pub const MAX_BATCH_GET: usize = 100;

/// Parses a create body; `max_name_chars` is the vendor's limit on a name.
pub fn parse_new_label(body: &[u8], max_name_chars: usize) -> Result<NewLabel, Vec<FieldProblem>> {
    let object = object_of(body)?;
    let mut problems = unknown_fields(&object, &["name", "description", "colour"]);
    let name = match object.get("name") {
        None | Some(Value::Null) => {
            problems.push(problem(String::new(), "name is required"));
            None
        }
        Some(value) => check_name(value, max_name_chars)
            .map_err(|why| problems.push(problem("/name".to_owned(), why)))
            .ok(),
    };
    let description = optional(&object, "description", &mut problems, |value| {
        let text = value.as_str().ok_or("must be a string")?;
        check_label_text(text).map(|()| text.to_owned())
    });
    let colour = optional(&object, "colour", &mut problems, |value| {
        let text = value.as_str().ok_or("must be a string")?;
        let hex = text.strip_prefix('#').unwrap_or(text);
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(hex.to_ascii_lowercase())
        } else {
            Err(r##"must be six hex digits, e.g. "ff6634" or "#ff6634""##.to_owned())
        }
    });
    match name {
        Some(name) if problems.is_empty() => Ok(NewLabel {
            name,
            description,
            colour,
        }),
        _ => Err(problems),
    }
}

fn check_name(value: &Value, max_chars: usize) -> Result<String, String> {
    let text = value.as_str().ok_or("must be a string")?;
    check_new_name(text, max_chars).map(|()| text.to_owned())
}

/// One label attached to or detached from many customers: `{"add": [...], "remove": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberChange {
    pub add: Vec<CustomerId>,
    pub remove: Vec<CustomerId>,
}

impl MemberChange {
    /// Every id in its provider's format, at least one and at most [`MAX_MEMBER_CHANGES`] in
    /// all, and no customer twice (two spellings of one customer included): the outcome would
    /// depend on the order.
    pub fn parse(body: &[u8], format: CustomerIdFormat) -> Result<Self, Vec<FieldProblem>> {
        let object = object_of(body)?;
        let mut problems = unknown_fields(&object, &["add", "remove"]);
        let add = ids(&object, "add", format, &mut problems);
        let remove = ids(&object, "remove", format, &mut problems);
        let total = add.len() + remove.len();
        if total == 0 && problems.is_empty() {
            let why = "at least one customer id is required in add or remove";
            problems.push(problem(String::new(), why));
        }
        if total > MAX_MEMBER_CHANGES {
            let why = format!("at most {MAX_MEMBER_CHANGES} customer ids in all, got {total}");
            problems.push(problem(String::new(), why));
        }
        let mut seen: HashMap<&CustomerId, String> = HashMap::new();
        let listed = (add.iter().map(|i| ("add", i))).chain(remove.iter().map(|i| ("remove", i)));
        for (list, (index, id)) in listed {
            let Some(id) = id else { continue };
            let at = pointer(&[list, &index.to_string()]);
            match seen.get(id) {
                Some(first) => problems.push(problem(at, format!("the same customer as {first}"))),
                None => {
                    seen.insert(id, at);
                }
            }
        }
        if problems.is_empty() {
            Ok(Self {
                add: add.into_iter().filter_map(|(_, id)| id).collect(),
                remove: remove.into_iter().filter_map(|(_, id)| id).collect(),
            })
        } else {
            Err(problems)
        }
    }
}

/// `{"customer_ids": [...]}`: 1 to [`MAX_BATCH_GET`] ids in the provider's format. The same
/// customer may be asked for twice; each place gets its answer.
pub fn parse_batch_get(
    body: &[u8],
    format: CustomerIdFormat,
) -> Result<Vec<CustomerId>, Vec<FieldProblem>> {
    let object = object_of(body)?;
    let mut problems = unknown_fields(&object, &["customer_ids"]);
    if !object.contains_key("customer_ids") {
        problems.push(problem(String::new(), "customer_ids is required"));
    }
    let ids = ids(&object, "customer_ids", format, &mut problems);
    if object.contains_key("customer_ids") && ids.is_empty() && problems.is_empty() {
        let why = "at least one customer id is required";
        problems.push(problem("/customer_ids".to_owned(), why));
    }
    if ids.len() > MAX_BATCH_GET {
        let why = format!("at most {MAX_BATCH_GET} customer ids, got {}", ids.len());
        problems.push(problem("/customer_ids".to_owned(), why));
    }
    if problems.is_empty() {
        Ok(ids.into_iter().filter_map(|(_, id)| id).collect())
    } else {
        Err(problems)
    }
}

fn object_of(body: &[u8]) -> Result<Map<String, Value>, Vec<FieldProblem>> {
    match read_json(body)? {
        Value::Object(object) => Ok(object),
        _ => Err(vec![problem(String::new(), "body must be a JSON object")]),
    }
}

fn unknown_fields(object: &Map<String, Value>, known: &[&str]) -> Vec<FieldProblem> {
    object
        .keys()
        .filter(|key| !known.contains(&key.as_str()))
        .map(|key| problem(pointer(&[key]), "unknown field"))
        .collect()
}

/// An optional field, checked by `check` when present and not null.
fn optional<T>(
    object: &Map<String, Value>,
    key: &str,
    problems: &mut Vec<FieldProblem>,
    check: impl FnOnce(&Value) -> Result<T, String>,
) -> Option<T> {
    match object.get(key) {
        None | Some(Value::Null) => None,
        Some(value) => check(value)
            .map_err(|why| problems.push(problem(pointer(&[key]), why)))
            .ok(),
    }
}

/// The ids of one list with their places, `None` where an entry is not a valid id.
fn ids(
    object: &Map<String, Value>,
    list: &str,
    format: CustomerIdFormat,
    problems: &mut Vec<FieldProblem>,
) -> Vec<(usize, Option<CustomerId>)> {
    let entries = match object.get(list) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(entries)) => entries,
        Some(_) => {
            problems.push(problem(
                pointer(&[list]),
                "must be an array of customer ids",
            ));
            return Vec::new();
        }
    };
    let mut ids = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let at = pointer(&[list, &index.to_string()]);
        let parsed = match entry {
            Value::String(raw) => CustomerId::parse(raw, format)
                .map_err(|error| problems.push(problem(at, error.detail.clone())))
                .ok(),
            _ => {
                problems.push(problem(at, "must be a string"));
                None
            }
        };
        ids.push((index, parsed));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPILLARY: CustomerIdFormat = CustomerIdFormat::PositiveInteger { max_digits: 19 };

    fn pointers(problems: &[FieldProblem]) -> Vec<&str> {
        problems
            .iter()
            .map(|p| p.pointer.as_deref().unwrap_or("?"))
            .collect()
    }

    #[test]
    fn a_new_label_is_checked_against_the_vendor_limit() {
        let ok = parse_new_label(br##"{"name":"VIP 2","colour":"#FF6634"}"##, 20).unwrap();
        assert_eq!(ok.colour.as_deref(), Some("ff6634"));
        let long = format!(r#"{{"name":"{}"}}"#, "x".repeat(21));
        assert_eq!(
            pointers(&parse_new_label(long.as_bytes(), 20).unwrap_err()),
            ["/name"]
        );
        let bad = br#"{"name":" VIP","colour":"red","color":"x","description":""}"#;
        let problems = parse_new_label(bad, 100).unwrap_err();
        let mut found = pointers(&problems);
        found.sort_unstable();
        assert_eq!(found, ["/color", "/colour", "/description", "/name"]);
        assert_eq!(pointers(&parse_new_label(b"{}", 100).unwrap_err()), [""]);
    }

    #[test]
    fn member_changes_list_every_bad_or_repeated_id() {
        let body = br#"{"add":["1","x","0001"],"remove":["2",3]}"#;
        let problems = MemberChange::parse(body, CAPILLARY).unwrap_err();
        assert_eq!(pointers(&problems), ["/add/1", "/remove/1", "/add/2"]);
        let ok = MemberChange::parse(br#"{"add":["01"],"remove":["2"]}"#, CAPILLARY).unwrap();
        assert_eq!(ok.add[0].as_str(), "1");
        let many: Vec<String> = (1..=1001).map(|n| n.to_string()).collect();
        let body = serde_json::json!({ "add": many }).to_string();
        let problems = MemberChange::parse(body.as_bytes(), CAPILLARY).unwrap_err();
        assert_eq!(pointers(&problems), [""]);
        assert_eq!(
            pointers(&MemberChange::parse(b"{}", CAPILLARY).unwrap_err()),
            [""]
        );
    }

    #[test]
    fn a_batch_get_takes_one_to_a_hundred_ids() {
        let ids = parse_batch_get(br#"{"customer_ids":["7","07"]}"#, CAPILLARY).unwrap();
        assert_eq!(ids.len(), 2, "the same customer twice is asked twice");
        for bad in [
            &br#"{"customer_ids":[]}"#[..],
            b"{}",
            br#"{"customer_ids":"7"}"#,
        ] {
            assert!(parse_batch_get(bad, CAPILLARY).is_err());
        }
        let many: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
        let body = serde_json::json!({ "customer_ids": many }).to_string();
        assert!(parse_batch_get(body.as_bytes(), CAPILLARY).is_err());
    }
}
