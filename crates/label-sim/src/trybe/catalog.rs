//! The organisation's label catalog: Laravel's paginated listing, and creating a label.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::laravel::{self, Refused};
use super::{AppState, TrybeLabel, COLOURS};

/// `per_page` beyond the cap is not refused but cut, so a client must follow `meta.last_page`.
pub(super) async fn labels(
    State(state): State<AppState>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>, Refused> {
    let number = |key: &str| query.get(key).and_then(|v| v.parse::<usize>().ok());
    let page = number("page").filter(|&p| p >= 1).unwrap_or(1);
    let per_page = number("per_page")
        .unwrap_or(super::PER_PAGE_CAP)
        .clamp(1, super::PER_PAGE_CAP);
    let live_only = matches!(
        query.get("archived").map(String::as_str),
        Some("false" | "0")
    );
    let data = state.data.lock().expect("data lock");
    let matching: Vec<Value> = data
        .labels
        .iter()
        .filter(|l| !live_only || l.archived_at.is_none())
        .map(TrybeLabel::json)
        .collect();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let path = format!("http://{host}/customers/labels");
    Ok(Json(laravel::paginate(&matching, page, per_page, &path)))
}

/// `POST /customers/labels`: 201 with the new label, appended to the catalog (its last page);
/// a duplicate value, in any case and archived labels included, fails the `unique` rule.
pub(super) async fn create_label(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, Refused> {
    let mut data = state.data.lock().expect("data lock");
    let new = laravel::validate_new_label(&body, |value| data.value_taken(value))?;
    let label = TrybeLabel {
        id: uuid::Uuid::new_v4().hyphenated().to_string(),
        value: new.value,
        colour: new
            .colour
            .unwrap_or_else(|| COLOURS[data.labels.len() % COLOURS.len()].to_owned()),
        archived_at: None,
    };
    let body = json!({ "data": label.json() });
    data.labels.push(label);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
