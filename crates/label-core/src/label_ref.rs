use serde::Serialize;

use crate::error::{Error, ErrorKind, FieldProblem};
use crate::model::LabelIdentity;

const MAX_REF_CHARS: usize = 255;
/// An `invalid_request` lists at most this many problems, saying when there were more: a 64 KB
/// body could otherwise make a problem of over a megabyte.
pub const MAX_PROBLEMS: usize = 100;

/// A label reference of a change request: exactly one of a name or an id. Only
/// the gateway's parser of a change request makes them, so one that exists is already valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
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
