//! Reading assignments: those of up to ten entities (`GET /v2/labels/assignments`), and the
//! entities having one label (`GET /v2/labels/assignments/search`). Entity types other than
//! CUSTOMER have no assignments in the simulator: their reads answer empty.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::wire::{self, code, problem, EntityType, Refusal};
use super::AppState;

pub const MAX_ENTITY_IDS: usize = 10;
pub const MAX_SEARCH_LIMIT: i64 = 50;

/// `?entityType=CUSTOMER&entityIds=a,b,c[&includeInactive=true]`: each known entity with its
/// active labels (removed ones too with `includeInactive`), in the order asked. An unknown
/// customer is left out of `data` and named in `errors` (8015); the status stays 200.
pub(super) async fn read(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    let entity_type = EntityType::parse(query.get("entityType").map(String::as_str))?;
    let ids: Vec<&str> = query
        .get("entityIds")
        .map(|ids| {
            ids.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(wire::refuse(code::INVALID_INPUT, "entityIds is required"));
    }
    if ids.len() > MAX_ENTITY_IDS {
        let text = format!(
            "At most {MAX_ENTITY_IDS} entityIds per request, {} given",
            ids.len()
        );
        return Err(wire::refuse(code::BATCH_SIZE_EXCEEDED, &text));
    }
    let include_inactive = query
        .get("includeInactive")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let data = state.data.lock().expect("data lock");
    let (mut found, mut errors) = (Vec::new(), Vec::new());
    for &entity in &ids {
        if entity_type != EntityType::Customer {
            found.push(json!({"entityId": entity, "labels": []}));
            continue;
        }
        let customer = entity.parse::<u64>().ok();
        let Some((customer, active)) = customer.and_then(|c| Some((c, data.mappings_of(c)?)))
        else {
            let mut missing = problem(
                code::CUSTOMER_NOT_FOUND,
                "Customer not found for the given identifiers",
            );
            missing["entityId"] = entity.into();
            errors.push(missing);
            continue;
        };
        let inactive = if include_inactive {
            data.inactive_of(customer)
        } else {
            &[]
        };
        let labels: Vec<Value> = active
            .iter()
            .chain(inactive)
            .map(|m| data.assigned_json(customer, m.label_id))
            .collect();
        found.push(json!({"entityId": entity, "labels": labels}));
    }
    Ok(Json(json!({"data": found, "warnings": [], "errors": errors})).into_response())
}

/// `?entityType&(labelName|labelId|labelExternalId)[&entityId][&offset][&limit]`: the stored
/// customers having that label, by customer id, paged (limit 1–50, default 10). A label that
/// does not exist has no assignments. Made-up (synthetic) customers are not searched.
pub(super) async fn search(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    let entity_type = EntityType::parse(query.get("entityType").map(String::as_str))?;
    let given: Vec<&str> = ["labelName", "labelId", "labelExternalId"]
        .into_iter()
        .filter(|key| query.contains_key(*key))
        .collect();
    let [by] = given[..] else {
        let text = "Provide exactly one of labelId, labelName, labelExternalId";
        return Err(wire::refuse(code::INVALID_INPUT, text));
    };
    let offset = wire::number(&query, "offset", 0, 0..=i64::MAX)?;
    let limit = wire::number(&query, "limit", 10, 1..=MAX_SEARCH_LIMIT)?;
    let data = state.data.lock().expect("data lock");
    let value = query[by].as_str();
    let label = match by {
        "labelName" => data.label_named(value),
        "labelId" => value.parse().ok().and_then(|id| data.label(id)),
        _ => data.label_with_external_id(value),
    };
    let only = query.get("entityId").map(|id| id.parse::<u64>().ok());
    let having: Vec<Value> = match label {
        Some(label) if entity_type == EntityType::Customer => data
            .customers
            .iter()
            .filter(|(&id, _)| only.is_none_or(|only| only == Some(id)))
            .filter(|(_, mappings)| mappings.iter().any(|m| m.label_id == label.id))
            .map(|(&customer, _)| {
                let mut found = data.assigned_json(customer, label.id);
                found["entityId"] = customer.to_string().into();
                found
            })
            .collect(),
        _ => Vec::new(),
    };
    let (total, page) = wire::page(having, offset, limit);
    let pagination = json!({"totalCount": total, "limit": limit, "offset": offset});
    let body = json!({"data": page, "pagination": pagination, "warnings": [], "errors": []});
    Ok(Json(body).into_response())
}
