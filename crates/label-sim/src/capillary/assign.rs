//! `POST /v2/labels/assignments`: up to 100 assignments a request, each answered on its own.
//! A `labelName` with no label of that name creates it first (no expiry); an assignment that
//! exists already is answered as it is, with a warning; an unknown customer is that item's
//! error (8015), as is a customer already holding 200 active labels.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use super::store::{AssignRefusal, Assigned, CreateRefusal, NewLabel};
use super::wire::{self, code, Refusal};
use super::{clock, AppState, CapillaryData, MAX_ACTIVE_LABELS_PER_ENTITY};

pub const MAX_ASSIGNMENTS: usize = 100;

/// Why one assignment was not made.
type Failure = (u64, String);

pub(super) async fn assign(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, Refusal> {
    let mut data = state.data.lock().expect("data lock");
    wire::entity_batch(&body, "assignments", MAX_ASSIGNMENTS, |item, answers| {
        let entity = item.entity;
        match assign_one(&mut data, item.value) {
            Ok((customer, label_id, Assigned::New(id))) => {
                answers
                    .data
                    .push(assignment_json(&data, id, entity, customer, label_id));
            }
            Ok((customer, label_id, Assigned::Existing(id))) => {
                let name = data.label_name(label_id);
                let text = format!("Label '{name}' is already assigned to entity '{entity}'");
                answers
                    .warnings
                    .push(item.problem(code::ALREADY_ASSIGNED, &text));
                answers
                    .data
                    .push(assignment_json(&data, id, entity, customer, label_id));
            }
            Err((code, text)) => answers.errors.push(item.problem(code, &text)),
        }
    })
}

fn assignment_json(
    data: &CapillaryData,
    assignment_id: u64,
    entity: &str,
    customer: u64,
    label_id: u64,
) -> Value {
    let mut value = data.assigned_json(customer, label_id);
    value["assignmentId"] = assignment_id.into();
    value["entityId"] = entity.into();
    value
}

/// Checks one item, finds (or creates) its label, and assigns it.
fn assign_one(data: &mut CapillaryData, item: &Value) -> Result<(u64, u64, Assigned), Failure> {
    let invalid = |text: &str| (code::INVALID_INPUT, text.to_owned());
    let entity = wire::text(item, "entityId").map_err(|t| invalid(&t))?;
    let entity = entity.filter(|e| !e.is_empty());
    let entity = entity.ok_or_else(|| invalid("entityId is required"))?;
    let name = wire::text(item, "labelName").map_err(|t| invalid(&t))?;
    let external_id = wire::text(item, "labelExternalId").map_err(|t| invalid(&t))?;
    let expiry = wire::text(item, "expiryDate").map_err(|t| invalid(&t))?;
    if let Some(day) = expiry {
        match clock::parse_day(day) {
            Some(day) if day > clock::today() => {}
            Some(_) => return Err(invalid("expiryDate must be a future date")),
            None => return Err(invalid("expiryDate must be a date as yyyy-MM-dd")),
        }
    }
    // The customer first: an item for an unknown customer must not create its label.
    let customer = entity
        .parse::<u64>()
        .ok()
        .filter(|&id| data.customer_exists(id))
        .ok_or_else(|| {
            let text = "Customer not found for the given identifiers";
            (code::CUSTOMER_NOT_FOUND, text.to_owned())
        })?;
    let label_id = label_for(data, name, external_id)?;
    let assigned = data.assign(
        customer,
        label_id,
        expiry,
        Some(MAX_ACTIVE_LABELS_PER_ENTITY),
    );
    let assigned = assigned.map_err(|refusal| match refusal {
        AssignRefusal::Full => {
            let text = format!(
                "Entity '{entity}' already has {MAX_ACTIVE_LABELS_PER_ENTITY} active labels"
            );
            (code::ENTITY_LABELS_FULL, text)
        }
        AssignRefusal::UnknownCustomer => {
            let text = "Customer not found for the given identifiers";
            (code::CUSTOMER_NOT_FOUND, text.to_owned())
        }
    })?;
    Ok((customer, label_id, assigned))
}

/// The active label an item names. By name: found in any case, or created when the org has
/// none of that name (with the item's `labelExternalId`, if any). By external id alone: it
/// must exist. With both, a found name must carry that external id.
fn label_for(
    data: &mut CapillaryData,
    name: Option<&str>,
    external_id: Option<&str>,
) -> Result<u64, Failure> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let found = match (name, external_id) {
        (Some(name), _) => data.label_named(name),
        (None, Some(external_id)) => data.label_with_external_id(external_id),
        (None, None) => {
            let text = "labelName or labelExternalId is required";
            return Err((code::INVALID_INPUT, text.to_owned()));
        }
    };
    match found {
        Some(label) if !label.active => {
            let text = format!("Label '{}' is archived", label.name);
            Err((code::LABEL_ARCHIVED, text))
        }
        Some(label) if external_id.is_some_and(|e| data.external_id(label.id) != Some(e)) => {
            let text = format!("Label '{}' has another externalId", label.name);
            Err((code::INVALID_INPUT, text))
        }
        Some(label) => Ok(label.id),
        None => {
            let Some(name) = name else {
                let text = format!("Label '{}' not found", external_id.unwrap_or_default());
                return Err((code::LABEL_NOT_FOUND, text));
            };
            create_for_assignment(data, name, external_id)
        }
    }
}

fn create_for_assignment(
    data: &mut CapillaryData,
    name: &str,
    external_id: Option<&str>,
) -> Result<u64, Failure> {
    if name.chars().count() > 255 {
        let text = "labelName must have at most 255 characters";
        return Err((code::INVALID_INPUT, text.to_owned()));
    }
    let new = NewLabel {
        name,
        external_id,
        description: None,
        expiry: None,
    };
    data.create_label(new).map_err(|refusal| match refusal {
        CreateRefusal::OrgFull => (
            code::ORG_LABELS_FULL,
            "Org max Label count exceed".to_owned(),
        ),
        CreateRefusal::ExternalIdTaken => {
            let text = "labelExternalId belongs to another label";
            (code::EXTERNAL_ID_EXISTS, text.to_owned())
        }
        CreateRefusal::NameTaken => (code::NAME_EXISTS, "Label name already exists".to_owned()),
    })
}
