//! Capillary's envelope: `{"data", "warnings", "errors"}` with problems as
//! `{"status": false, "message", "code"}`, and the Labels API's rules for statuses, entity
//! types and paging parameters.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Codes of the Labels API (`/v2/labels…`). 23006, 23032 and 23051 are Capillary's own (its
/// reference pages); the others are the simulator's choice, in the same range.
pub mod code {
    /// A required field is missing, or a field breaks its documented rule.
    pub const INVALID_INPUT: u64 = 23001;
    pub const NAME_EXISTS: u64 = 23002;
    pub const EXTERNAL_ID_EXISTS: u64 = 23003;
    pub const LABEL_NOT_FOUND: u64 = 23004;
    pub const LABEL_ARCHIVED: u64 = 23005;
    /// `entityType` is not one of CUSTOMER, PRODUCT, STORE (or, in the simulator, a type
    /// whose writes it does not support).
    pub const INVALID_ENTITY_TYPE: u64 = 23006;
    /// More items in one request than the endpoint takes.
    pub const BATCH_SIZE_EXCEEDED: u64 = 23032;
    /// The entity already holds the most active labels it may.
    pub const ENTITY_LABELS_FULL: u64 = 23040;
    /// Warning: the assignment exists already; it is answered as it is.
    pub const ALREADY_ASSIGNED: u64 = 23050;
    /// Warning: the label to remove is not (or no longer) assigned.
    pub const ALREADY_INACTIVE: u64 = 23051;
    /// Capillary's "Customer not found" of its customer endpoints.
    pub const CUSTOMER_NOT_FOUND: u64 = 8015;
    /// Capillary's "Org max Label count exceed" (`ORG_MAX_LABEL_COUNT`).
    pub const ORG_LABELS_FULL: u64 = 33005;
}

pub fn problem(code: u64, message: &str) -> Value {
    json!({"status": false, "message": message, "code": code})
}

/// A problem with one item of a batch: its place in the request and what it named.
pub fn item_problem(index: usize, code: u64, message: &str, about: (&str, &str)) -> Value {
    let mut value = problem(code, message);
    value["index"] = json!(index);
    value[about.0] = json!(about.1);
    value
}

pub fn customer_not_found() -> Response {
    let body = json!({"errors": [problem(8015, "Customer not found for the given identifiers")]});
    Json(body).into_response()
}

/// A whole request the Labels API refuses: 400 with the usual envelope.
#[derive(Debug)]
pub struct Refusal {
    code: u64,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let errors = [problem(self.code, &self.message)];
        let body = json!({"data": [], "warnings": [], "errors": errors});
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    }
}

pub fn refuse(code: u64, message: &str) -> Refusal {
    Refusal {
        code,
        message: message.to_owned(),
    }
}

/// A batch's answer: 200 when nothing failed, 207 Multi-Status when some items did, 400 when
/// every item did.
pub fn batch(data: Vec<Value>, warnings: Vec<Value>, errors: Vec<Value>) -> Response {
    let status = match (data.is_empty(), errors.is_empty()) {
        (_, true) => StatusCode::OK,
        (false, false) => StatusCode::MULTI_STATUS,
        (true, false) => StatusCode::BAD_REQUEST,
    };
    let body = json!({"data": data, "warnings": warnings, "errors": errors});
    (status, Json(body)).into_response()
}

/// A batch's answer, built item by item: an entry of `data` for each item done, and the
/// `warnings` and `errors` that name their item.
#[derive(Debug, Default)]
pub struct Answers {
    pub data: Vec<Value>,
    pub warnings: Vec<Value>,
    pub errors: Vec<Value>,
}

/// One item of an [`entity_batch`]: its place in the request, and the entity it names.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub index: usize,
    pub value: &'a Value,
    pub entity: &'a str,
}

impl Item<'_> {
    /// A problem with this item, naming its entity.
    pub fn problem(&self, code: u64, message: &str) -> Value {
        item_problem(self.index, code, message, ("entityId", self.entity))
    }
}

/// A write to many entities' label assignments as Capillary takes it: the whole body is
/// checked first (JSON, a writable `entityType`, 1 to `max` items under `key`), then `each`
/// answers every item in turn.
pub fn entity_batch(
    body: &[u8],
    key: &str,
    max: usize,
    mut each: impl FnMut(Item<'_>, &mut Answers),
) -> Result<Response, Refusal> {
    let body = json_body(body)?;
    EntityType::parse(body["entityType"].as_str())?.writable()?;
    let mut answers = Answers::default();
    for (index, value) in items(&body, key, max)?.iter().enumerate() {
        let entity = value["entityId"].as_str().unwrap_or_default();
        each(
            Item {
                index,
                value,
                entity,
            },
            &mut answers,
        );
    }
    Ok(batch(answers.data, answers.warnings, answers.errors))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityType {
    Customer,
    Product,
    Store,
}

impl EntityType {
    /// Case-sensitive, as the vendor's enum is.
    pub fn parse(text: Option<&str>) -> Result<Self, Refusal> {
        match text {
            Some("CUSTOMER") => Ok(Self::Customer),
            Some("PRODUCT") => Ok(Self::Product),
            Some("STORE") => Ok(Self::Store),
            Some(other) => Err(refuse(
                code::INVALID_ENTITY_TYPE,
                &format!("Invalid entityType '{other}': expected one of CUSTOMER, PRODUCT, STORE"),
            )),
            None => Err(refuse(code::INVALID_ENTITY_TYPE, "entityType is required")),
        }
    }

    /// The simulator keeps labels and assignments of customers only: writes for other types
    /// are refused (reads of them answer empty).
    pub fn writable(self) -> Result<(), Refusal> {
        match self {
            Self::Customer => Ok(()),
            Self::Product | Self::Store => Err(refuse(
                code::INVALID_ENTITY_TYPE,
                "The simulator supports entityType CUSTOMER only for writes",
            )),
        }
    }
}

/// A paging parameter: absent means `default`; present, it must be a whole number in `range`.
pub fn number(
    query: &HashMap<String, String>,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, Refusal> {
    let Some(given) = query.get(name) else {
        return Ok(default);
    };
    match given.trim().parse::<i64>() {
        Ok(value) if range.contains(&value) => Ok(value),
        _ if *range.end() == i64::MAX => Err(refuse(
            code::INVALID_INPUT,
            &format!("{name} must be a number of at least {}", range.start()),
        )),
        _ => Err(refuse(
            code::INVALID_INPUT,
            &format!(
                "{name} must be a number between {} and {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

/// One page of `items` and the total before paging.
pub fn page<T>(items: Vec<T>, offset: i64, limit: i64) -> (usize, Vec<T>) {
    let total = items.len();
    let offset = usize::try_from(offset).unwrap_or_default();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    (total, items.into_iter().skip(offset).take(limit).collect())
}

/// The JSON body of a write: any JSON object, or the 400 a malformed one gets.
pub fn json_body(body: &[u8]) -> Result<Value, Refusal> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        _ => Err(refuse(
            code::INVALID_INPUT,
            "Request body must be a JSON object",
        )),
    }
}

/// The items of a batch: a non-empty array of at most `max`.
pub fn items<'a>(body: &'a Value, key: &str, max: usize) -> Result<&'a [Value], Refusal> {
    match body.get(key).and_then(Value::as_array) {
        None => Err(refuse(code::INVALID_INPUT, &format!("{key} is required"))),
        Some(items) if items.is_empty() => Err(refuse(
            code::INVALID_INPUT,
            &format!("{key} must not be empty"),
        )),
        Some(items) if items.len() > max => Err(refuse(
            code::BATCH_SIZE_EXCEEDED,
            &format!("At most {max} {key} per request, {} given", items.len()),
        )),
        Some(items) => Ok(items),
    }
}

/// A string field of an item: absent or null is `None`, a non-string is refused.
pub fn text<'a>(item: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match item.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("{key} must be a string")),
    }
}
