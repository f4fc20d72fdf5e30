use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::{Error, ErrorKind, FieldProblem};
use crate::model::LabelIdentity;
use crate::strict_json::{self, escape};

const MAX_REF_CHARS: usize = 255;
const MAX_REFS: usize = 100;
/// An `invalid_request` lists at most this many problems, saying when there were more: a 64 KB
/// body could otherwise make a problem of over a megabyte.
pub const MAX_PROBLEMS: usize = 100;

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

impl From<&LabelRef> for LabelIdentity {
    /// What a reference says of its label before it is resolved: its id, or its name.
    fn from(reference: &LabelRef) -> Self {
        match reference {
            LabelRef::Id(id) => Self {
                id: Some(id.clone()),
                name: None,
            },
            LabelRef::Name(name) => Self {
                id: None,
                name: Some(name.clone()),
            },
        }
    }
}

/// A change request whose every rule of the contract holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeRequest {
    pub add: Vec<LabelRef>,
    pub remove: Vec<LabelRef>,
    /// An `add` by a name the catalog lacks creates the label first.
    pub create_missing: bool,
}

impl ChangeRequest {
    /// Parses a PATCH body, listing every problem rather than the first.
    pub fn parse(body: &[u8]) -> Result<Self, Vec<FieldProblem>> {
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
            Ok(Self {
                add: add.into_iter().flatten().collect(),
                remove: remove.into_iter().flatten().collect(),
                create_missing,
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

/// A label's name or id: 1 to 255 characters, no control characters, and no bidirectional
/// controls, which make a name display as another (U+202A–U+202E, U+2066–U+2069).
pub fn check_label_text(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_REF_CHARS {
        return Err(format!("must be 1 to {MAX_REF_CHARS} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".to_owned());
    }
    if text.chars().any(is_bidi_control) {
        return Err("must not contain bidirectional control characters".to_owned());
    }
    Ok(())
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub(crate) fn pointer(tokens: &[&str]) -> String {
    tokens.iter().map(|t| format!("/{}", escape(t))).collect()
}

pub(crate) fn problem(pointer: String, detail: impl Into<String>) -> FieldProblem {
    FieldProblem::at(pointer, detail)
}

/// The error a handler returns for an invalid request, listing at most [`MAX_PROBLEMS`] of its
/// problems.
pub fn invalid_request(problems: &[FieldProblem]) -> Error {
    let detail = match problems {
        [one] => format!("{}: {}", place(one), one.detail),
        many => format!("{} problems in the request", many.len()),
    };
    let mut error = Error::new(ErrorKind::InvalidRequest, detail);
    error.problems = problems.iter().take(MAX_PROBLEMS).cloned().collect();
    error.problems_truncated = problems.len() > MAX_PROBLEMS;
    error
}

fn place(problem: &FieldProblem) -> String {
    match (&problem.header, problem.pointer.as_deref()) {
        (Some(header), _) => format!("header {header}"),
        (None, Some("") | None) => "body".to_owned(),
        (None, Some(pointer)) => pointer.to_owned(),
    }
}
