//! Capillary beyond one customer at a time (`capillary-labels-api.md`): org labels created, the
//! Labels API's assignments made and removed 100 customers a call, read 10 a call, and searched
//! by label. The Labels API answers a batch item by item: what was done in `data`, each
//! problem in `warnings` or `errors` with the item's `index`.

use std::collections::HashMap;

use label_core::{
    CallContext, CreatedLabel, CustomerId, CustomerOutcome, Error, ErrorKind, Fetched, Label,
    LabelIdentity, LabelList, Members, MembersPage, NewLabel,
};
use reqwest::Method;
use serde_json::Value;

use super::error::{self, ALREADY_ASSIGNED, ALREADY_INACTIVE, CUSTOMER_NOT_FOUND, NO_SUCH_LABEL};
use super::wire::{
    self, Assign, Assignment, AssignmentsReply, BatchReply, CreateOrgLabels, Created, NewOrgLabel,
    Problem, Removal, SearchReply, Unassign, CUSTOMER,
};
use super::Capillary;
use crate::http::{segment, Reply};

const ASSIGNMENTS: &str = "/v2/labels/assignments";
/// The most customers one assignment search answers with.
const SEARCH_LIMIT: u64 = 50;

impl Capillary {
    /// `POST /v2/organization/labels`; Capillary keeps a description, not a colour.
    pub(super) async fn create_org_label(
        &self,
        ctx: &CallContext,
        new: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let path = "/v2/organization/labels";
        let body = CreateOrgLabels {
            org_labels: [NewOrgLabel {
                name: &new.name,
                description: new.description.as_deref(),
            }],
        };
        let reply = self.send_json(ctx, Method::POST, path, path, &body).await?;
        let answer: Created = reply.json()?;
        error::check_errors(&reply, &answer.errors)?;
        // One label was asked for: a problem beside a created one cannot be about another.
        if let Some(problem) = answer.warnings.iter().find(|w| w.code().is_some()) {
            if answer.entity.is_none() {
                return Err(error::problem_error(&reply, problem));
            }
        }
        let id = answer.entity.as_ref().and_then(wire::id_text);
        let id = id.ok_or_else(|| broken(&reply, "names no new label"))?;
        Ok(CreatedLabel {
            label: Label {
                id,
                name: Some(new.name.clone()),
                weight: None,
                raw: None,
            },
            ignored: new.colour.iter().map(|_| "colour").collect(),
        })
    }

    /// Fills one page from `GET /v2/labels/assignments/search`, which answers at most 50
    /// customers a call.
    pub(super) async fn search_assignments(
        &self,
        ctx: &CallContext,
        page: MembersPage<'_>,
    ) -> Result<Members, Error> {
        let id = segment(page.label.id.as_deref().unwrap_or_default());
        let wanted = u64::from(page.limit);
        let (mut customers, mut offset) = (Vec::new(), page.offset);
        loop {
            let limit = SEARCH_LIMIT.min(wanted - customers.len() as u64);
            let path = format!(
                "{ASSIGNMENTS}/search?entityType={CUSTOMER}&labelId={id}&offset={offset}&limit={limit}"
            );
            let reply = self
                .get(ctx, "/v2/labels/assignments/search", &path)
                .await?;
            let answer: SearchReply = reply.json()?;
            error::check_errors(&reply, &answer.errors)?;
            let count = answer.data.len() as u64;
            for item in answer.data {
                let entity = item.entity_id.as_ref().and_then(wire::id_text);
                customers.push(entity.ok_or_else(|| broken(&reply, "names no customer"))?);
            }
            offset += count;
            let more = offset < answer.pagination.total_count;
            // A page the vendor leaves short ends the walk, whatever its total says.
            if !more || count == 0 || customers.len() as u64 >= wanted {
                let next_offset = (more && count > 0).then_some(offset);
                return Ok(Members {
                    customers,
                    next_offset,
                });
            }
        }
    }

    /// `POST /v2/labels/assignments` by the label's name: an assignment that exists already
    /// is answered as it is, with warning 23050.
    pub(super) async fn assign(
        &self,
        ctx: &CallContext,
        label: &LabelIdentity,
        customers: &[CustomerId],
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let name = label.name.as_deref().unwrap_or_default();
        let body = Assign {
            entity_type: CUSTOMER,
            assignments: customers
                .iter()
                .map(|c| Assignment {
                    entity_id: c.as_str(),
                    label_name: name,
                })
                .collect(),
        };
        let reply = self
            .send_json(ctx, Method::POST, ASSIGNMENTS, ASSIGNMENTS, &body)
            .await?;
        outcomes(&reply, customers, ALREADY_ASSIGNED, |_| true)
    }

    /// `DELETE /v2/labels/assignments` by the label's id: a label not assigned is warning 23051.
    pub(super) async fn unassign(
        &self,
        ctx: &CallContext,
        label: &LabelIdentity,
        customers: &[CustomerId],
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let text = label.id.clone().unwrap_or_default();
        // Capillary's ids are numbers; one that is not is sent as it was read.
        let id = text.parse::<u64>().map_or(Value::String(text), Value::from);
        let body = Unassign {
            entity_type: CUSTOMER,
            removals: customers
                .iter()
                .map(|c| Removal {
                    entity_id: c.as_str(),
                    label_ids: [&id],
                })
                .collect(),
        };
        let reply = self
            .send_json(ctx, Method::DELETE, ASSIGNMENTS, ASSIGNMENTS, &body)
            .await?;
        let removed = |item: &wire::BatchItem| {
            let ids = item.removed_label_ids.iter().flatten();
            ids.filter_map(wire::id_text)
                .any(|removed| Some(&removed) == label.id.as_ref())
        };
        outcomes(&reply, customers, ALREADY_INACTIVE, removed)
    }

    /// `GET /v2/labels/assignments?entityIds=...` for at most ten customers; an unknown one
    /// is an error (8015) naming it, beside the others' labels.
    pub(super) async fn read_assignments(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        let ids: Vec<String> = customers.iter().map(|c| segment(c.as_str())).collect();
        let path = format!(
            "{ASSIGNMENTS}?entityType={CUSTOMER}&entityIds={}",
            ids.join(",")
        );
        let reply = self.get(ctx, ASSIGNMENTS, &path).await?;
        let answer: AssignmentsReply = reply.json()?;
        let place = places(customers);
        let mut read: Vec<Option<Result<Fetched<LabelList>, Error>>> = vec![None; customers.len()];
        for entity in answer.data {
            let Some(&at) = wire::id_text(&entity.entity_id).and_then(|id| place.get(id.as_str()))
            else {
                continue;
            };
            let labels: LabelList = entity
                .labels
                .into_iter()
                .map(|l| Label {
                    id: wire::id_text(&l.label_id).unwrap_or_default(),
                    name: Some(l.label_name),
                    weight: None,
                    raw: None,
                })
                .collect();
            read[at] = Some(Ok(Fetched::from_vendor(labels)));
        }
        for problem in &answer.errors {
            match item_of(problem, &place) {
                Some(at) => read[at] = Some(Err(error::problem_error(&reply, problem))),
                // A problem about no customer is about the whole call.
                None => return Err(error::problem_error(&reply, problem)),
            }
        }
        Ok(read
            .into_iter()
            .map(|answer| answer.unwrap_or_else(|| Err(broken(&reply, "left a customer out"))))
            .collect())
    }
}

/// Each customer's outcome of an assignment or removal call. Done in `data` (and `done` says
/// it changed something), `unchanged` with the warning that it was already so, its own error
/// else; a customer the answer does not mention failed.
fn outcomes(
    reply: &Reply,
    customers: &[CustomerId],
    already: u32,
    done: impl Fn(&wire::BatchItem) -> bool,
) -> Result<Vec<CustomerOutcome>, Error> {
    let answer: BatchReply = reply.json()?;
    // An error about no item refuses the whole call (400, or a 2xx that is not).
    if let Some(whole) = answer
        .errors
        .iter()
        .find(|e| e.index.is_none() && e.entity_id.is_none())
    {
        return Err(error::problem_error(reply, whole));
    }
    if !reply.status.is_success() && answer.errors.is_empty() {
        return Err(reply.unexpected(None));
    }
    let place = places(customers);
    let missing = broken(reply, "did not report on this customer");
    let mut outcomes = vec![CustomerOutcome::Failed(missing); customers.len()];
    for item in &answer.data {
        let entity = item.entity_id.as_ref().and_then(wire::id_text);
        if let Some(&at) = entity.as_deref().and_then(|id| place.get(id)) {
            outcomes[at] = if done(item) {
                CustomerOutcome::Applied
            } else {
                CustomerOutcome::Unchanged
            };
        }
    }
    for warning in &answer.warnings {
        let unchanged = warning.is(already) || warning.is(NO_SUCH_LABEL);
        if let Some(at) = item_of(warning, &place).filter(|_| unchanged) {
            outcomes[at] = CustomerOutcome::Unchanged;
        }
    }
    for problem in &answer.errors {
        if let Some(at) = item_of(problem, &place) {
            outcomes[at] = if problem.is(CUSTOMER_NOT_FOUND) {
                CustomerOutcome::CustomerNotFound
            } else {
                CustomerOutcome::Failed(error::problem_error(reply, problem))
            };
        }
    }
    Ok(outcomes)
}

fn places(customers: &[CustomerId]) -> HashMap<&str, usize> {
    let pairs = customers.iter().enumerate();
    pairs.map(|(at, c)| (c.as_str(), at)).collect()
}

/// The item a problem is about: its `index` when that names the same customer, else its
/// `entityId`.
fn item_of(problem: &Problem, place: &HashMap<&str, usize>) -> Option<usize> {
    let entity = problem.entity_id.as_ref().and_then(wire::id_text);
    let by_entity = entity.as_deref().and_then(|id| place.get(id)).copied();
    match (problem.index, by_entity) {
        (Some(index), Some(at)) if index != at => Some(at),
        (Some(index), _) if index < place.len() => Some(index),
        (_, by_entity) => by_entity,
    }
}

fn broken(reply: &Reply, why: &str) -> Error {
    Error::new(
        ErrorKind::UpstreamError,
        format!("Capillary's answer {why}"),
    )
    .with_upstream(reply.upstream(None, None))
}
