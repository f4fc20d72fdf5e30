//! The Labels API's catalog, `/v2/labels`: labels created in batches of ten (207 when some
//! fail) and listed newest update first. The simulator keeps CUSTOMER labels only: a list of
//! another entity type is empty, and creating one is refused for that label.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::store::{CreateRefusal, NewLabel};
use super::wire::{self, code, EntityType, Refusal};
use super::{clock, AppState};

pub const MAX_LABELS_PER_CREATE: usize = 10;
const MAX_NAME_CHARS: usize = 255;
const MAX_EXTERNAL_ID_CHARS: usize = 255;
const MAX_DESCRIPTION_CHARS: usize = 1024;

/// `POST /v2/labels` with `{"labels": [{"name", "externalId"?, "description"?, "entityType",
/// "expiryConfig"?}]}`.
pub(super) async fn create(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let body = wire::json_body(&body)?;
    let wanted = wire::items(&body, "labels", MAX_LABELS_PER_CREATE)?;
    let mut data = state.data.lock().expect("data lock");
    let (mut created, mut errors) = (Vec::new(), Vec::new());
    for (index, label) in wanted.iter().enumerate() {
        let name = label["name"].as_str().unwrap_or_default();
        let fail = |code: u64, text: &str| wire::item_problem(index, code, text, ("name", name));
        let new = match checked(label) {
            Ok(new) => new,
            Err((code, text)) => {
                errors.push(fail(code, &text));
                continue;
            }
        };
        match data.create_label(new) {
            Ok(id) => {
                let label = data.label(id).expect("just created");
                created.push(data.label_json(label));
            }
            Err(refusal) => {
                let (code, text) = match refusal {
                    CreateRefusal::NameTaken => (code::NAME_EXISTS, "Label name already exists"),
                    CreateRefusal::ExternalIdTaken => {
                        (code::EXTERNAL_ID_EXISTS, "Label externalId already exists")
                    }
                    CreateRefusal::OrgFull => (code::ORG_LABELS_FULL, "Org max Label count exceed"),
                };
                errors.push(fail(code, text));
            }
        }
    }
    Ok(wire::batch(created, Vec::new(), errors))
}

/// One label's fields against the documented rules.
fn checked(label: &Value) -> Result<NewLabel<'_>, (u64, String)> {
    let invalid = |text: String| (code::INVALID_INPUT, text);
    let field = |key: &str, max: usize| match wire::text(label, key) {
        Ok(Some(text)) if text.chars().count() > max => {
            Err(invalid(format!("{key} must have at most {max} characters")))
        }
        Ok(given) => Ok(given),
        Err(text) => Err(invalid(text)),
    };
    let name = field("name", MAX_NAME_CHARS)?.filter(|n| !n.trim().is_empty());
    let name = name.ok_or_else(|| invalid("name is required".to_owned()))?;
    let external_id = field("externalId", MAX_EXTERNAL_ID_CHARS)?;
    let description = field("description", MAX_DESCRIPTION_CHARS)?;
    let entity_type = label["entityType"].as_str();
    match EntityType::parse(entity_type) {
        Ok(EntityType::Customer) => {}
        Ok(_) => {
            let text = "The simulator supports entityType CUSTOMER only for writes";
            return Err((code::INVALID_ENTITY_TYPE, text.to_owned()));
        }
        Err(_) => {
            let text = format!("Invalid entityType: {}", entity_type.unwrap_or("(none)"));
            return Err((code::INVALID_ENTITY_TYPE, text));
        }
    }
    let expiry = match label.get("expiryConfig") {
        None | Some(Value::Null) => None,
        Some(config) => Some(expiry_config(config).map_err(invalid)?),
    };
    Ok(NewLabel {
        name,
        external_id,
        description,
        expiry,
    })
}

/// `NONE`, `FIXED_DATE` with a future ISO 8601 `expiryDate`, or `RELATIVE` with a `unit` of
/// DAYS, MONTHS or YEARS and a positive whole `value`.
fn expiry_config(config: &Value) -> Result<Value, String> {
    match config["type"].as_str() {
        Some("NONE") => Ok(json!({"type": "NONE"})),
        Some("FIXED_DATE") => {
            let date = config["expiryDate"].as_str().unwrap_or_default();
            match clock::parse_timestamp_day(date) {
                Some(day) if day > clock::today() => {
                    Ok(json!({"type": "FIXED_DATE", "expiryDate": date}))
                }
                Some(_) => Err("expiryConfig.expiryDate must be in the future".to_owned()),
                None => Err("expiryConfig.expiryDate must be an ISO 8601 date-time".to_owned()),
            }
        }
        Some("RELATIVE") => {
            let unit = config["unit"].as_str();
            let value = config["value"].as_u64().filter(|&v| v > 0);
            match (unit, value) {
                (Some(unit @ ("DAYS" | "MONTHS" | "YEARS")), Some(value)) => {
                    Ok(json!({"type": "RELATIVE", "unit": unit, "value": value}))
                }
                _ => Err(
                    "expiryConfig RELATIVE needs a unit (DAYS, MONTHS, YEARS) and a positive value"
                        .to_owned(),
                ),
            }
        }
        _ => Err("expiryConfig.type must be NONE, FIXED_DATE or RELATIVE".to_owned()),
    }
}

/// `GET /v2/labels?entityType&q&status&offset&limit`: `entityType` defaults to PRODUCT (so a
/// call without it finds none of the simulator's labels), `status` to ACTIVE; `q` is a
/// case-insensitive substring of the name or external id. The answer is not in the `data`
/// envelope but `{"totalCount", "limit", "offset", "labels"}`, as Capillary's reference shows.
pub(super) async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    let entity_type = query.get("entityType").map(String::as_str);
    let entity_type = EntityType::parse(Some(entity_type.unwrap_or("PRODUCT")))?;
    let active = match query.get("status").map(String::as_str) {
        None | Some("ACTIVE") => true,
        Some("ARCHIVED") => false,
        Some(_) => {
            let text = "status must be ACTIVE or ARCHIVED";
            return Err(wire::refuse(code::INVALID_INPUT, text));
        }
    };
    let offset = wire::number(&query, "offset", 0, 0..=i64::MAX)?;
    let limit = wire::number(&query, "limit", 50, 1..=100)?;
    let wanted = query.get("q").map(|q| q.to_lowercase()).unwrap_or_default();
    let data = state.data.lock().expect("data lock");
    let mut matching: Vec<_> = data
        .labels
        .iter()
        .filter(|_| entity_type == EntityType::Customer)
        .filter(|l| l.active == active)
        .filter(|l| {
            let external = data.external_id(l.id).unwrap_or_default();
            l.name.to_lowercase().contains(&wanted) || external.to_lowercase().contains(&wanted)
        })
        .collect();
    matching.sort_by_key(|l| std::cmp::Reverse((data.label_updated(l.id), l.id)));
    let (total, page) = wire::page(matching, offset, limit);
    let labels: Vec<Value> = page.into_iter().map(|l| data.label_json(l)).collect();
    let body = json!({"totalCount": total, "limit": limit, "offset": offset, "labels": labels});
    Ok(Json(body).into_response())
}
