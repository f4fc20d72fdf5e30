//! The v2 customer endpoints (as Capillary's v2 API reference describes them): one customer's
//! labels, `changeLabels`, and the customers having a label. Problems come as HTTP 200 with
//! `errors`/`warnings`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::store::same_name;
use super::wire::{customer_not_found, problem};
use super::{AppState, ADDED_BY, ORG_ID};

/// `GET /v2/customers/{userId}/labels`.
pub(super) async fn labels(State(state): State<AppState>, Path(user_id): Path<String>) -> Response {
    let data = state.data.lock().expect("data lock");
    let Some((id, mappings)) = user_id
        .parse::<u64>()
        .ok()
        .and_then(|id| data.mappings_of(id).map(|m| (id, m)))
    else {
        return customer_not_found();
    };
    if mappings.is_empty() {
        let body = json!({"warnings": [problem(33001, "User labels not found")], "errors": []});
        return Json(body).into_response();
    }
    let records: Vec<Value> = mappings
        .iter()
        .map(|m| {
            json!({"id": m.id, "orgId": ORG_ID, "addedBy": ADDED_BY, "labelId": m.label_id,
                   "userId": id, "labelName": data.label_name(m.label_id), "deleted": false})
        })
        .collect();
    Json(json!({"data": records, "warnings": [], "errors": []})).into_response()
}

#[derive(Deserialize)]
struct ChangeBody {
    #[serde(default)]
    add: Vec<LabelName>,
    #[serde(default)]
    remove: Vec<LabelName>,
}

#[derive(Deserialize)]
struct LabelName {
    #[serde(rename = "labelName")]
    label_name: String,
}

/// `POST /v2/customers/{userId}/changeLabels`: names the org does not have are warnings (33000)
/// and the rest of the change still applies. No cap on a customer's labels here: the page
/// documents none (the Labels API's 200 applies to its own assignments).
pub(super) async fn change(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Ok(change) = serde_json::from_slice::<ChangeBody>(&body) else {
        let body = json!({"errors": [problem(33006, "Empty payload")]});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    };
    if change.add.is_empty() && change.remove.is_empty() {
        return Json(json!({"errors": [problem(33006, "Empty payload")]})).into_response();
    }
    let mut data = state.data.lock().expect("data lock");
    let Some(id) = user_id
        .parse::<u64>()
        .ok()
        .filter(|&id| data.customer_exists(id))
    else {
        return customer_not_found();
    };
    let mut warnings = Vec::new();
    let not_found = |name: &str| problem(33000, &format!("{name} label not found"));
    for name in change.add.iter().map(|l| &l.label_name) {
        match data.label_named(name).filter(|l| l.active).map(|l| l.id) {
            None => warnings.push(not_found(name)),
            Some(label_id) => {
                let _ = data.assign(id, label_id, None, None);
            }
        }
    }
    for name in change.remove.iter().map(|l| &l.label_name) {
        match data.label_named(name).map(|l| l.id) {
            None => warnings.push(not_found(name)),
            Some(label_id) => {
                data.unassign(id, label_id);
            }
        }
    }
    Json(json!({"entity": id, "warnings": warnings})).into_response()
}

/// `GET /v2/customers/labels/search?q=<name>&offset&limit`: the stored customers having the
/// label of exactly that name (any case), by user id, each with the matching label only.
/// `limit=-1` answers all. Made-up (synthetic) customers are not searched.
pub(super) async fn search(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let number = |key: &str, default: i64| {
        let given = query.get(key).and_then(|v| v.trim().parse::<i64>().ok());
        given.unwrap_or(default)
    };
    let offset = number("offset", 0).max(0);
    let limit = match number("limit", 10) {
        -1 => -1,
        limit => limit.max(0),
    };
    let name = query.get("q").map(String::as_str).unwrap_or_default();
    let data = state.data.lock().expect("data lock");
    let pagination = |total: usize| json!({"limit": limit, "offset": offset, "total": total});
    let Some(label) = data.labels.iter().find(|l| same_name(&l.name, name)) else {
        let warning = problem(33000, &format!("{name} label not found"));
        let body = json!({"pagination": pagination(0), "data": [], "warnings": [warning],
                          "errors": []});
        return Json(body).into_response();
    };
    let having: Vec<Value> = data
        .customers
        .iter()
        .filter(|(_, mappings)| mappings.iter().any(|m| m.label_id == label.id))
        .map(|(&user_id, _)| {
            let tag = json!({"orgId": ORG_ID, "labelId": label.id, "userId": user_id,
                             "labelName": label.name});
            json!({"userId": user_id, "customerLabels": [tag]})
        })
        .collect();
    let (total, page) = super::wire::page(having, offset, limit);
    let body = json!({"pagination": pagination(total), "data": page, "warnings": [],
                      "errors": []});
    Json(body).into_response()
}
