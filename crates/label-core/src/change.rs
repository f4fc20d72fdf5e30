//! The one implementation of "change a customer's labels" that every provider shares: read the
//! customer fresh, resolve each reference through the current labels or the catalog, decide what
//! is already `unchanged` or `not_found`, and send the vendor only the rest.

use std::sync::Arc;

use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::{Error, ErrorKind, FieldProblem};
use crate::label_ref::{invalid_request, ChangeRequest, LabelRef};
use crate::model::{ChangeResult, ChangeStatus, Label, LabelIdentity, Op, WriteStatus};
use crate::provider::{CallContext, LabelProvider};
use crate::requests::{check_new_name, LabelChange, NewLabel};
use crate::{LabelIdFormat, LabelKey};

/// The results of a change, one per reference, in request order.
pub type ChangeOutcome = Vec<ChangeResult>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Send,
    /// Create the label (`create_missing`), then attach it.
    Create,
    Decided(ChangeStatus),
}

struct Planned {
    op: Op,
    pointer: String,
    label: LabelIdentity,
    decision: Decision,
}

pub async fn apply_change(
    provider: &dyn LabelProvider,
    ctx: &CallContext,
    customer: &CustomerId,
    request: &ChangeRequest,
) -> Result<ChangeOutcome, Error> {
    let capabilities = provider.capabilities();
    if !capabilities.can_write() {
        return Err(Error::new(
            ErrorKind::UnsupportedOperation,
            format!("provider {} is read-only", provider.name()),
        ));
    }
    // `unchanged` must be judged on what the vendor holds now, never on a cached read.
    let fresh = CallContext {
        fresh: true,
        include_raw: false,
        ..ctx.clone()
    };
    let current = provider.customer_labels(&fresh, customer).await?.value;
    let mut catalog: Option<Arc<Catalog>> = None;
    let mut plan = Vec::with_capacity(request.add.len() + request.remove.len());
    let refs = (request.add.iter().enumerate().map(|(i, r)| (Op::Add, i, r))).chain(
        request
            .remove
            .iter()
            .enumerate()
            .map(|(i, r)| (Op::Remove, i, r)),
    );
    for (op, index, reference) in refs {
        let reference = &canonical(reference, capabilities.label_id_format);
        let attached = find(&current, reference).map(Label::identity);
        let known = match (&attached, &catalog, capabilities.catalog) {
            (Some(_), _, _) | (None, _, false) => None,
            (None, Some(catalog), true) => catalog.find(reference).map(Label::identity),
            (None, None, true) => {
                let fetched = provider.catalog(ctx).await?.value;
                let found = fetched.find(reference).map(Label::identity);
                catalog = Some(fetched);
                found
            }
        };
        let (label, mut decision) = decide(op, reference, attached, known, &capabilities);
        let missing = decision == Decision::Decided(ChangeStatus::NotFound);
        if missing && op == Op::Add && request.create_missing && capabilities.create_labels {
            if let LabelRef::Name(_) = reference {
                decision = Decision::Create;
            }
        }
        let list = if op == Op::Add { "add" } else { "remove" };
        plan.push(Planned {
            op,
            pointer: format!("/{list}/{index}"),
            label,
            decision,
        });
    }
    check_plan(&plan, capabilities.max_label_name_chars)?;
    execute(provider, ctx, customer, plan).await
}

fn decide(
    op: Op,
    reference: &LabelRef,
    attached: Option<LabelIdentity>,
    known: Option<LabelIdentity>,
    capabilities: &crate::Capabilities,
) -> (LabelIdentity, Decision) {
    match (op, attached, known) {
        (Op::Add, Some(label), _) => (label, Decision::Decided(ChangeStatus::Unchanged)),
        (Op::Remove, Some(label), _) => (label, Decision::Send),
        (Op::Add, None, Some(label)) => (label, Decision::Send),
        (Op::Remove, None, Some(label)) => (label, Decision::Decided(ChangeStatus::Unchanged)),
        (op, None, None) => {
            let label = LabelIdentity::from(reference);
            let decision = if capabilities.catalog {
                // The catalog lists every label the vendor has.
                Decision::Decided(ChangeStatus::NotFound)
            } else if op == Op::Remove {
                // Without a catalog, "not attached" and "unknown" look the same.
                Decision::Decided(ChangeStatus::Unchanged)
            } else if has_key(&label, capabilities.label_key) {
                // The vendor itself judges whether the name exists.
                Decision::Send
            } else {
                Decision::Decided(ChangeStatus::NotFound)
            };
            (label, decision)
        }
    }
}

/// Two references that resolve to one label would make the outcome depend on their order; a
/// name to create must suit the vendor. Both are known only once the catalog is read, and are
/// refused before anything is written.
fn check_plan(plan: &[Planned], max_name_chars: usize) -> Result<(), Error> {
    let mut problems = Vec::new();
    for planned in plan.iter().filter(|p| p.decision == Decision::Create) {
        let name = planned.label.name.as_deref().unwrap_or_default();
        if let Err(why) = check_new_name(name, max_name_chars) {
            let detail = format!("cannot be created: the name {why}");
            problems.push(FieldProblem::at(
                format!("{}/name", planned.pointer),
                detail,
            ));
        }
    }
    for (index, planned) in plan.iter().enumerate() {
        let earlier = plan[..index].iter().find(|other| {
            other.decision != Decision::Decided(ChangeStatus::NotFound)
                && planned.decision != Decision::Decided(ChangeStatus::NotFound)
                && same_label(&other.label, &planned.label)
        });
        if let Some(earlier) = earlier {
            problems.push(FieldProblem::at(
                planned.pointer.clone(),
                format!("refers to the same label as {}", earlier.pointer),
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(invalid_request(&problems))
    }
}

async fn execute(
    provider: &dyn LabelProvider,
    ctx: &CallContext,
    customer: &CustomerId,
    mut plan: Vec<Planned>,
) -> Result<ChangeOutcome, Error> {
    let mut created = vec![false; plan.len()];
    for position in 0..plan.len() {
        if plan[position].decision != Decision::Create {
            continue;
        }
        let new = NewLabel {
            name: plan[position].label.name.clone().unwrap_or_default(),
            description: None,
            colour: None,
        };
        match provider.create_label(ctx, &new).await {
            Ok(made) => {
                plan[position].label = made.label.identity();
                plan[position].decision = Decision::Send;
                created[position] = true;
            }
            Err(error) => return Err(with_partial_results(error, &plan)),
        }
    }
    for op in [Op::Add, Op::Remove] {
        let positions: Vec<usize> = (0..plan.len())
            .filter(|&i| plan[i].op == op && plan[i].decision == Decision::Send)
            .collect();
        if positions.is_empty() {
            continue;
        }
        let labels: Vec<LabelIdentity> = positions.iter().map(|&i| plan[i].label.clone()).collect();
        let change = LabelChange {
            op,
            customer,
            labels: &labels,
        };
        let written = provider.change_labels(ctx, change).await;
        let statuses = match written {
            Ok(statuses) if statuses.len() == labels.len() => statuses,
            Ok(statuses) => {
                let error = Error::new(
                    ErrorKind::UpstreamError,
                    format!(
                        "provider reported {} outcomes for {} labels",
                        statuses.len(),
                        labels.len()
                    ),
                );
                return Err(with_partial_results(error, &plan));
            }
            Err(error) => return Err(with_partial_results(error, &plan)),
        };
        for (&position, status) in positions.iter().zip(statuses) {
            let status = match status {
                WriteStatus::Applied if created[position] => ChangeStatus::Created,
                status => status.into(),
            };
            plan[position].decision = Decision::Decided(status);
        }
    }
    Ok(plan.into_iter().filter_map(result_of).collect())
}

/// What is known for certain when a change fails part-way: every result already decided.
fn with_partial_results(mut error: Error, plan: &[Planned]) -> Error {
    let known = plan
        .iter()
        .filter_map(|planned| match planned.decision {
            Decision::Decided(status) => Some(ChangeResult {
                op: planned.op,
                label: planned.label.clone(),
                status,
            }),
            Decision::Send | Decision::Create => None,
        })
        .collect();
    error.partial_results = Some(known);
    error
}

fn result_of(planned: Planned) -> Option<ChangeResult> {
    match planned.decision {
        Decision::Decided(status) => Some(ChangeResult {
            op: planned.op,
            label: planned.label,
            status,
        }),
        Decision::Send | Decision::Create => None,
    }
}

/// A customer has a handful of labels: a scan beats building lookups.
fn find<'a>(labels: &'a [Label], reference: &LabelRef) -> Option<&'a Label> {
    labels.iter().find(|label| match reference {
        LabelRef::Id(id) => &label.id == id,
        LabelRef::Name(name) => label.name.as_ref() == Some(name),
    })
}

/// Ids are compared in the provider's one spelling (Trybe's UUIDs in lower case).
fn canonical(reference: &LabelRef, format: LabelIdFormat) -> LabelRef {
    match reference {
        LabelRef::Id(id) => LabelRef::Id(format.canonical(id)),
        LabelRef::Name(name) => LabelRef::Name(name.clone()),
    }
}

fn has_key(label: &LabelIdentity, key: LabelKey) -> bool {
    match key {
        LabelKey::Id => label.id.is_some(),
        LabelKey::Name => label.name.is_some(),
    }
}

fn same_label(a: &LabelIdentity, b: &LabelIdentity) -> bool {
    match (&a.id, &b.id) {
        (Some(x), Some(y)) => x == y,
        _ => a.name.is_some() && a.name == b.name,
    }
}
