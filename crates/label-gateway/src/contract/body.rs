//! Request bodies as the contract reads them: strict JSON (no key named twice), every problem
//! listed at its RFC 6901 pointer, and the change request of `PATCH .../labels`.

use label_core::{check_label_text, ChangeRequest, FieldProblem, LabelRef};
use serde_json::{Map, Value};

use super::strict_json::{self, escape};

/// Most label references one change request may carry, `add` and `remove` together.
const MAX_REFS: usize = 100;

/// Parses a PATCH body, listing every problem rather than the first.
pub fn parse_change_request(body: &[u8]) -> Result<ChangeRequest, Vec<FieldProblem>> {
    let value = read_json(body)?;
    let Value::Object(object) = value else {
        return Err(vec![problem(String::new(), "body must be a JSON object")]);
    };
    let mut problems = Vec::new();
    let known = ["add", "remove", "create_missing"];
    for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
        problems.push(problem(pointer(&[key]), "unknown field"));
    }
    let create_missing = match object.get("create_missing") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => {
            problems.push(problem(
                pointer(&["create_missing"]),
                "must be true or false",
            ));
            false
        }
    };
    let add = parse_list(&object, "add", &mut problems);
    let remove = parse_list(&object, "remove", &mut problems);
    let total = add.len() + remove.len();
    if problems.is_empty() && total == 0 {
        problems.push(problem(
            String::new(),
            "at least one label reference is required in add or remove",
        ));
    }
    if total > MAX_REFS {
        problems.push(problem(
            String::new(),
            format!("at most {MAX_REFS} label references in all, got {total}"),
        ));
    }
    for (index, label) in remove.iter().enumerate() {
        if let Some(label) = label {
            if add.iter().flatten().any(|added| added == label) {
                problems.push(problem(
                    format!("/remove/{index}"),
                    "the same label is also in add",
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(ChangeRequest {
            add: add.into_iter().flatten().collect(),
            remove: remove.into_iter().flatten().collect(),
            create_missing,
        })
    } else {
        Err(problems)
    }
}

/// Every entry of one list, `None` where the entry is invalid, so that indexes stay aligned.
fn parse_list(
    object: &Map<String, Value>,
    list: &str,
    problems: &mut Vec<FieldProblem>,
) -> Vec<Option<LabelRef>> {
    let entries = match object.get(list) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(entries)) => entries,
        Some(_) => {
            problems.push(problem(pointer(&[list]), "must be an array"));
            return Vec::new();
        }
    };
    let mut refs: Vec<Option<LabelRef>> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let at = pointer(&[list, &index.to_string()]);
        let parsed = parse_ref(entry, &at, problems);
        if parsed.is_some() && refs.contains(&parsed) {
            problems.push(problem(at, "the same label is listed twice"));
        }
        refs.push(parsed);
    }
    refs
}

fn parse_ref(entry: &Value, at: &str, problems: &mut Vec<FieldProblem>) -> Option<LabelRef> {
    let Value::Object(fields) = entry else {
        problems.push(problem(
            at.to_owned(),
            r#"must be an object: {"name": ...} or {"id": ...}"#,
        ));
        return None;
    };
    let mut found = None;
    let mut ok = true;
    for (key, value) in fields {
        let field_at = format!("{at}/{}", escape(key));
        let make: fn(String) -> LabelRef = match key.as_str() {
            "name" => LabelRef::Name,
            "id" => LabelRef::Id,
            _ => {
                problems.push(problem(field_at, "unknown field"));
                ok = false;
                continue;
            }
        };
        match check_text(value) {
            Ok(text) => found = Some(make(text)),
            Err(detail) => {
                problems.push(problem(field_at, detail));
                ok = false;
            }
        }
    }
    if fields.contains_key("name") && fields.contains_key("id") {
        problems.push(problem(at.to_owned(), "give exactly one of name or id"));
        return None;
    }
    if found.is_none() && ok {
        problems.push(problem(at.to_owned(), "a name or an id is required"));
    }
    found.filter(|_| ok)
}

/// A request body as JSON, any object naming a key twice refused.
pub fn read_json(body: &[u8]) -> Result<Value, Vec<FieldProblem>> {
    strict_json::parse(body).map_err(|why| match why {
        Err(err) => vec![problem(
            String::new(),
            format!("body is not valid JSON: {err}"),
        )],
        Ok(duplicates) => duplicates
            .into_iter()
            .map(|(pointer, detail)| problem(pointer, detail))
            .collect(),
    })
}

fn check_text(value: &Value) -> Result<String, String> {
    let Value::String(text) = value else {
        return Err("must be a string".to_owned());
    };
    check_label_text(text).map(|()| text.clone())
}

pub fn pointer(tokens: &[&str]) -> String {
    tokens.iter().map(|t| format!("/{}", escape(t))).collect()
}

pub fn problem(pointer: String, detail: impl Into<String>) -> FieldProblem {
    FieldProblem::at(pointer, detail)
}
