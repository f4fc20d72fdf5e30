//! Changing customers where the vendor has a batch call (Capillary: one label for 100
//! customers a call): the chunk's customers grouped by label, one `change_many` per label and
//! side, so a label costs one vendor call per `batch` customers. A dry run reads the customers
//! in the vendor's batch reads and writes nothing. Which of the two a tenant gets is its
//! capabilities' say ([`Changer::for_capabilities`]).

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use label_core::many::{change_many, labels_of_many};
use label_core::{
    CallContext, Capabilities, CustomerId, CustomerOutcome, Error, ErrorKind, LabelIdentity,
    ManyChange, Op,
};

use super::each::{failed, not_acted_on, plan, Chunk, Each};
use super::record::{Outcome, RefResult, RefStatus};

/// Tries of a batch whose customers were refused before the vendor could act.
const TRIES: u32 = 4;

/// How a job changes its customers: one at a time, or in the vendor's batches.
pub enum Changer<'a> {
    Each(Each<'a>),
    Batch(Each<'a>),
}

impl<'a> Changer<'a> {
    pub fn for_capabilities(each: Each<'a>) -> Self {
        if each.capabilities.batch > 1 {
            Changer::Batch(each)
        } else {
            Changer::Each(each)
        }
    }

    pub fn capabilities(&self) -> &Capabilities {
        match self {
            Changer::Each(each) | Changer::Batch(each) => &each.capabilities,
        }
    }

    /// Every customer's outcome, in order. One at a time, `cancel` stops new customers; in
    /// batches a chunk is started whole.
    pub async fn all(&self, customers: Chunk, cancel: &AtomicBool) -> Vec<Outcome> {
        match self {
            Changer::Each(each) => each.all(customers, cancel).await,
            Changer::Batch(each) if each.dry_run => read_all(each, customers).await,
            Changer::Batch(each) => write_all(each, customers).await,
        }
    }
}

/// A dry run: each customer's labels from the vendor's batch reads, planned, nothing sent.
async fn read_all(each: &Each<'_>, customers: Chunk) -> Vec<Outcome> {
    let concurrency = each.concurrency;
    let ids: Vec<CustomerId> = customers
        .iter()
        .filter_map(|(id, _)| id.as_ref().ok().cloned())
        .collect();
    let fresh = CallContext {
        fresh: true,
        include_raw: false,
        ..each.ctx.clone()
    };
    let mut read = labels_of_many(each.provider, &fresh, &ids, concurrency)
        .await
        .into_iter();
    let mut outcomes = Vec::with_capacity(customers.len());
    for (id, wanted) in customers {
        let outcome = match (id, read.next()) {
            (Err(error), _) => failed(&error),
            (Ok(_), Some(Ok(current))) => {
                Outcome::Succeeded(plan(&current.value, &wanted, &each.capabilities, true).0)
            }
            (Ok(_), Some(Err(error))) => failed(&error),
            (Ok(_), None) => failed(&Error::new(ErrorKind::UpstreamError, "no answer was read")),
        };
        outcomes.push(outcome);
    }
    outcomes
}

/// Every label the chunk wants, each with the customers (by place) that want it.
type Groups = Vec<((Op, LabelIdentity), Vec<usize>)>;

async fn write_all(each: &Each<'_>, customers: Chunk) -> Vec<Outcome> {
    let mut results: Vec<Result<Vec<RefResult>, Error>> = Vec::with_capacity(customers.len());
    let mut groups: Groups = Vec::new();
    // By side (`true`: remove) and the label's place in the job's table.
    let mut group_of: HashMap<(bool, u32), usize> = HashMap::new();
    for (place, (id, wanted)) in customers.iter().enumerate() {
        if let Err(error) = id {
            results.push(Err(error.clone()));
            continue;
        }
        let mut refs = Vec::with_capacity(wanted.len());
        for want in wanted {
            let status = match &want.identity {
                None => RefStatus::NotFound,
                Some(identity) => {
                    let group = *group_of
                        .entry((want.op == Op::Remove, want.label))
                        .or_insert_with(|| {
                            groups.push(((want.op, identity.clone()), Vec::new()));
                            groups.len() - 1
                        });
                    groups[group].1.push(place);
                    RefStatus::Applied
                }
            };
            refs.push(RefResult {
                op: want.op,
                label: want.label,
                status,
            });
        }
        results.push(Ok(refs));
    }
    for ((op, identity), places) in groups {
        let ids: Vec<CustomerId> = places
            .iter()
            .filter_map(|&p| customers[p].0.as_ref().ok().cloned())
            .collect();
        let change = ManyChange {
            op,
            label: &identity,
            customers: &ids,
        };
        let outcomes = change_retrying(each, change).await;
        for (place, outcome) in places.into_iter().zip(outcomes) {
            let Ok(refs) = &mut results[place] else {
                continue;
            };
            let status = match outcome {
                CustomerOutcome::Applied => RefStatus::Applied,
                CustomerOutcome::Unchanged => RefStatus::Unchanged,
                CustomerOutcome::CustomerNotFound => {
                    results[place] = Err(Error::new(
                        ErrorKind::CustomerNotFound,
                        "the vendor does not know this customer",
                    ));
                    continue;
                }
                CustomerOutcome::Failed(error) => {
                    results[place] = Err(error);
                    continue;
                }
            };
            let wanted = &customers[place].1;
            let label_place = wanted
                .iter()
                .position(|w| w.op == op && w.identity.as_ref() == Some(&identity));
            if let Some(at) = label_place {
                refs[at].status = status;
            }
        }
    }
    results
        .into_iter()
        .map(|result| match result {
            Ok(refs) => Outcome::Succeeded(refs),
            Err(error) => failed(&error),
        })
        .collect()
}

/// `change_many`, again for the customers refused before the vendor could act (the budget,
/// the circuit, a 429), after the wait they name.
async fn change_retrying(each: &Each<'_>, change: ManyChange<'_>) -> Vec<CustomerOutcome> {
    let concurrency = each.concurrency;
    let mut outcomes = change_many(each.provider, each.ctx, change, concurrency).await;
    for _ in 1..TRIES {
        let again: Vec<usize> = (0..outcomes.len())
            .filter(|&i| matches!(&outcomes[i], CustomerOutcome::Failed(e) if not_acted_on(e)))
            .collect();
        let Some(&first) = again.first() else {
            break;
        };
        let wait = match &outcomes[first] {
            CustomerOutcome::Failed(error) => error.retry_after.unwrap_or(Duration::from_secs(1)),
            _ => Duration::from_secs(1),
        };
        tokio::time::sleep(wait.min(Duration::from_secs(30))).await;
        let ids: Vec<CustomerId> = (again.iter())
            .map(|&i| change.customers[i].clone())
            .collect();
        let retry = ManyChange {
            customers: &ids,
            ..change
        };
        let redone = change_many(each.provider, each.ctx, retry, concurrency).await;
        for (i, outcome) in again.into_iter().zip(redone) {
            outcomes[i] = outcome;
        }
    }
    outcomes
}
