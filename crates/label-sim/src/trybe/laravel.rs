//! The Laravel conventions Trybe's API follows: `{"message": ...}` refusals, validation errors
//! keyed by field path, and the length-aware paginator's `data`/`links`/`meta` envelope.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// A refusal as Laravel words it: a status and a JSON body with at least `message`.
pub struct Refused(pub StatusCode, pub Value);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

pub fn refused(status: StatusCode, text: &str) -> Refused {
    Refused(status, json!({ "message": text }))
}

/// The rules `labels: required|array`, `labels.*: uuid|exists`, with Laravel's messages; ids
/// come back in lower case. A body that is not JSON reads as empty input, as in Laravel.
pub fn validate_label_ids(
    body: &[u8],
    exists: impl Fn(&str) -> bool,
) -> Result<Vec<String>, Refused> {
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    let mut fail = |key: String, text: String| errors.push((key, text));
    match input.get("labels") {
        None | Some(Value::Null) => fail("labels".into(), "The labels field is required.".into()),
        Some(Value::Array(items)) if items.is_empty() => {
            fail("labels".into(), "The labels field is required.".into());
        }
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let parsed = item.as_str().and_then(|s| uuid::Uuid::try_parse(s).ok());
                let Some(id) = parsed.map(|u| u.hyphenated().to_string()) else {
                    let text = format!("The labels.{i} field must be a valid UUID.");
                    fail(format!("labels.{i}"), text);
                    continue;
                };
                if !exists(&id) {
                    let text = format!("The selected labels.{i} is invalid.");
                    fail(format!("labels.{i}"), text);
                }
                ids.push(id);
            }
        }
        Some(_) => fail("labels".into(), "The labels field must be an array.".into()),
    }
    match invalid(errors) {
        Some(refusal) => Err(refusal),
        None => Ok(ids),
    }
}

/// A label to create, as validated.
pub struct NewLabel {
    pub value: String,
    /// Lower case, without `#`; `None` lets the organisation's next colour be used.
    pub colour: Option<String>,
}

/// The longest `value` Trybe accepts, in characters.
pub const MAX_VALUE_CHARS: usize = 20;

/// The rules `value: required|string|max:20|unique` and `colour: nullable|regex:/^[0-9a-f]{6}$/i`,
/// with Laravel's messages. `taken` says whether a value is already used.
pub fn validate_new_label(body: &[u8], taken: impl Fn(&str) -> bool) -> Result<NewLabel, Refused> {
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut errors = Vec::new();
    // Laravel's TrimStrings middleware runs before validation: the value is checked and stored
    // trimmed, and a blank one is missing.
    let raw = input.get("value");
    let value = raw.and_then(Value::as_str).map(str::trim);
    let problem = match (raw, value) {
        (None | Some(Value::Null), _) | (_, Some("")) => Some("The value field is required."),
        (_, Some(text)) if text.chars().count() > MAX_VALUE_CHARS => {
            Some("The value field must not be greater than 20 characters.")
        }
        (_, Some(text)) if taken(text) => Some("The value has already been taken."),
        (_, Some(_)) => None,
        (Some(_), None) => Some("The value field must be a string."),
    };
    if let Some(text) = problem {
        errors.push(("value".to_owned(), text.to_owned()));
    }
    let colour = match input.get("colour") {
        None | Some(Value::Null) => None,
        Some(Value::String(hex))
            if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            Some(hex.to_ascii_lowercase())
        }
        Some(_) => {
            let text = "The colour field format is invalid.";
            errors.push(("colour".to_owned(), text.to_owned()));
            None
        }
    };
    if let Some(refusal) = invalid(errors) {
        return Err(refusal);
    }
    let value = value.unwrap_or_default().to_owned();
    Ok(NewLabel { value, colour })
}

/// Laravel's 422: the first message in rule order, "(and N more errors)", and every message by
/// field.
fn invalid(errors: Vec<(String, String)>) -> Option<Refused> {
    let first = errors.first().map(|(_, text)| text.clone())?;
    let text = match errors.len() - 1 {
        0 => first.to_owned(),
        1 => format!("{first} (and 1 more error)"),
        more => format!("{first} (and {more} more errors)"),
    };
    let by_field: Map<String, Value> = errors
        .into_iter()
        .map(|(field, text)| (field, json!([text])))
        .collect();
    let body = json!({ "message": text, "errors": by_field });
    Some(Refused(StatusCode::UNPROCESSABLE_ENTITY, body))
}

/// One page of `items`. The links carry only `page`, as Laravel's do unless told otherwise:
/// a client following `links.next` loses its `per_page` and filters.
pub fn paginate(items: &[Value], page: usize, per_page: usize, path: &str) -> Value {
    let total = items.len();
    let last_page = total.div_ceil(per_page).max(1);
    let start = page.saturating_sub(1).saturating_mul(per_page);
    let slice: Vec<&Value> = items.iter().skip(start).take(per_page).collect();
    let (from, to) = match slice.len() {
        0 => (Value::Null, Value::Null),
        n => (json!(start + 1), json!(start + n)),
    };
    let link = |p: usize| json!(format!("{path}?page={p}"));
    let maybe = |p: usize, ok: bool| if ok { link(p) } else { Value::Null };
    json!({
        "data": slice,
        "links": {"first": link(1), "last": link(last_page),
                  "prev": maybe(page.saturating_sub(1), page > 1),
                  "next": maybe(page.saturating_add(1), page < last_page)},
        "meta": {"current_page": page, "from": from, "last_page": last_page, "path": path,
                 "per_page": per_page, "to": to, "total": total},
    })
}
