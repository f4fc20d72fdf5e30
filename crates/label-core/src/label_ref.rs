use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::{Error, ErrorKind};

const MAX_REF_CHARS: usize = 255;
const MAX_REFS: usize = 100;

/// A label reference of a change request: exactly one of a name or an id. Only
/// [`ChangeRequest::parse`] makes them, so one that exists is already valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabelRef {
    /// The label's name, e.g. `{"name": "VIP"}`.
    Name(String),
    /// The provider's label id, e.g. `{"id": "20949"}`.
    Id(String),
}

/// One problem of an invalid body: where (an RFC 6901 pointer into the body) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    #[schema(example = "/add/0/name")]
    pub pointer: String,
    #[schema(example = "must be 1 to 255 characters")]
    pub detail: String,
}

/// A change request whose every rule of the contract holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub add: Vec<LabelRef>,
    pub remove: Vec<LabelRef>,
}

impl ChangeRequest {
    /// Parses a PATCH body, listing every problem rather than the first.
    pub fn parse(body: &[u8]) -> Result<Self, Vec<FieldProblem>> {
        let value: Value = serde_json::from_slice(body).map_err(|err| {
            vec![problem(
                String::new(),
                format!("body is not valid JSON: {err}"),
            )]
        })?;
        let Value::Object(object) = value else {
            return Err(vec![problem(String::new(), "body must be a JSON object")]);
        };
        let mut problems = Vec::new();
        for key in object.keys().filter(|k| *k != "add" && *k != "remove") {
            problems.push(problem(pointer(&[key]), "unknown field"));
        }
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
            Ok(Self {
                add: add.into_iter().flatten().collect(),
                remove: remove.into_iter().flatten().collect(),
            })
        } else {
            Err(problems)
        }
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

fn check_text(value: &Value) -> Result<String, String> {
    let Value::String(text) = value else {
        return Err("must be a string".to_owned());
    };
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_REF_CHARS {
        return Err(format!("must be 1 to {MAX_REF_CHARS} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    Ok(text.clone())
}

fn pointer(tokens: &[&str]) -> String {
    tokens.iter().map(|t| format!("/{}", escape(t))).collect()
}

/// RFC 6901: `~` and `/` inside a reference token are escaped.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn problem(pointer: String, detail: impl Into<String>) -> FieldProblem {
    FieldProblem {
        pointer,
        detail: detail.into(),
    }
}

/// The error a handler returns for an invalid body; the problems travel in the detail's place.
pub fn invalid_request(problems: &[FieldProblem]) -> Error {
    let detail = match problems {
        [one] => format!("{}: {}", display_pointer(&one.pointer), one.detail),
        many => format!("{} problems in the request body", many.len()),
    };
    let mut error = Error::new(ErrorKind::InvalidRequest, detail);
    error.problems = problems.to_vec();
    error
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "body"
    } else {
        pointer
    }
}
