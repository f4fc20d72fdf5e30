//! The org's label catalog, `/v2/organization/labels`: listed, and created in the v2 manner
//! (HTTP 200, problems in `errors`/`warnings`). These are the CUSTOMER labels of the Labels API.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::store::{CreateRefusal, NewLabel};
use super::wire::problem;
use super::{AppState, ADDED_BY, ORG_ID};

/// The longest org label name, in characters.
pub const MAX_ORG_LABEL_NAME_CHARS: usize = 100;
pub const MAX_ORG_LABEL_DESCRIPTION_CHARS: usize = 255;

/// `GET /v2/organization/labels`.
pub(super) async fn list(State(state): State<AppState>) -> Response {
    let data = state.data.lock().expect("data lock");
    let records: Vec<Value> = data
        .labels
        .iter()
        .map(|l| {
            json!({"id": l.id, "orgId": ORG_ID, "name": l.name,
                   "description": data.description(l.id).unwrap_or_default(),
                   "lastUpdatedBy": ADDED_BY, "active": l.active})
        })
        .collect();
    Json(json!({"data": records, "warnings": [], "errors": []})).into_response()
}

/// `POST /v2/organization/labels` with `{"orgLabels": [{"name", "description"?}]}`. Each label
/// is created in turn; one that cannot be is a warning beside the others (as changeLabels does
/// with 33000), and `entity` is the first new label's id. When none is created the problems
/// are `errors`. A body that is not JSON gets 400, as changeLabels does.
pub(super) async fn create(State(state): State<AppState>, body: Bytes) -> Response {
    let empty = || json!({"errors": [problem(33006, "Empty payload")]});
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, Json(empty())).into_response();
    };
    let wanted = match input.get("orgLabels").and_then(Value::as_array) {
        Some(wanted) if !wanted.is_empty() => wanted,
        _ => return Json(empty()).into_response(),
    };
    let mut data = state.data.lock().expect("data lock");
    let mut created = Vec::new();
    let mut problems = Vec::new();
    for label in wanted {
        let name = label["name"].as_str().map(str::trim).unwrap_or_default();
        let description = label["description"].as_str();
        let chars = |text: &str| text.chars().count();
        if name.is_empty() || chars(name) > MAX_ORG_LABEL_NAME_CHARS {
            let text = format!("Label name must have 1 to {MAX_ORG_LABEL_NAME_CHARS} characters");
            problems.push(problem(33004, &text));
            continue;
        }
        if description.is_some_and(|d| chars(d) > MAX_ORG_LABEL_DESCRIPTION_CHARS) {
            let text = format!(
                "Label description must have at most {MAX_ORG_LABEL_DESCRIPTION_CHARS} characters"
            );
            problems.push(problem(33004, &text));
            continue;
        }
        let new = NewLabel {
            name,
            external_id: None,
            description,
            expiry: None,
        };
        match data.create_label(new) {
            Ok(id) => created.push(id),
            Err(CreateRefusal::OrgFull) => {
                problems.push(problem(33005, "Org max Label count exceed"))
            }
            Err(_) => problems.push(problem(33003, "label already exists")),
        }
    }
    let body = match created.first() {
        Some(id) => json!({"entity": id, "warnings": problems}),
        None => json!({"errors": problems, "warnings": []}),
    };
    Json(body).into_response()
}
