//! `DELETE /v2/labels/assignments`: up to 100 removals a request, each naming one entity and its
//! labels by exactly one of `labelIds`, `labelNames`, `labelExternalIds`. A removed assignment
//! stays readable with `includeInactive`. A label not attached, or not known at all, is a
//! warning; a malformed item or an unknown customer is that item's error.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};

use super::wire::{self, code, Answers, Item, Refusal};
use super::{AppState, CapillaryData};

pub const MAX_REMOVALS: usize = 100;

const KINDS: [&str; 3] = ["labelIds", "labelNames", "labelExternalIds"];

pub(super) async fn remove(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let mut data = state.data.lock().expect("data lock");
    wire::entity_batch(&body, "removals", MAX_REMOVALS, |item, answers| {
        remove_one(&mut data, item, answers);
    })
}

/// One removal: its labels unassigned, or why not.
fn remove_one(data: &mut CapillaryData, item: Item<'_>, answers: &mut Answers) {
    let entity = item.entity;
    let (kind, refs) = match named_labels(item.value) {
        Ok(named) => named,
        Err(text) => {
            answers
                .errors
                .push(item.problem(code::INVALID_INPUT, &text));
            return;
        }
    };
    let customer = entity
        .parse::<u64>()
        .ok()
        .filter(|&c| data.customer_exists(c));
    let Some(customer) = customer else {
        let text = "Customer not found for the given identifiers";
        answers
            .errors
            .push(item.problem(code::CUSTOMER_NOT_FOUND, text));
        return;
    };
    let mut removed = Vec::new();
    for given in refs {
        let shown = given
            .as_str()
            .map_or_else(|| given.to_string(), str::to_owned);
        let mut warn = |code: u64, text: String| {
            let mut warning = item.problem(code, &text);
            warning["field"] = kind.into();
            answers.warnings.push(warning);
        };
        let Some(label_id) = resolve(data, kind, given) else {
            warn(code::LABEL_NOT_FOUND, format!("Label '{shown}' not found"));
            continue;
        };
        if data.unassign(customer, label_id) == Some(true) {
            removed.push(label_id);
        } else {
            let by = match kind {
                "labelIds" => "id",
                "labelNames" => "name",
                _ => "externalId",
            };
            let text = format!("Label with {by} '{shown}' is already inactive or expired");
            let text = format!("{text} for entity '{entity}'.");
            warn(code::ALREADY_INACTIVE, text);
        }
    }
    let done = json!({"entityId": entity, "removedLabelIds": removed});
    answers.data.push(done);
}

/// The one kind of label reference an item carries, and its non-empty list.
fn named_labels(item: &Value) -> Result<(&'static str, &[Value]), String> {
    if item["entityId"].as_str().is_none_or(str::is_empty) {
        return Err("entityId is required".to_owned());
    }
    let given: Vec<&str> = KINDS
        .into_iter()
        .filter(|kind| !item[*kind].is_null())
        .collect();
    let [kind] = given[..] else {
        return Err("Provide exactly one of labelIds, labelNames, labelExternalIds".to_owned());
    };
    match item[kind].as_array() {
        Some(refs) if !refs.is_empty() => Ok((kind, refs)),
        _ => Err(format!("{kind} must be a non-empty array")),
    }
}

fn resolve(data: &CapillaryData, kind: &str, given: &Value) -> Option<u64> {
    let label = match kind {
        "labelIds" => given
            .as_u64()
            .or_else(|| given.as_str()?.parse().ok())
            .and_then(|id| data.label(id)),
        "labelNames" => data.label_named(given.as_str()?),
        _ => data.label_with_external_id(given.as_str()?),
    };
    label.map(|l| l.id)
}
