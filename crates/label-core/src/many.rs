//! Many customers at once, for every provider: the vendor's batch call where it has one, in
//! chunks of its size; else one call per customer, fanned out through the provider it is given
//! (the tenant's layered one), so that its cache, concurrency cap, retries and metrics apply to
//! each call. Either way at most `concurrency` vendor calls run at once, and every answer is in
//! request order.

use std::collections::HashMap;
use std::future::Future;
use std::slice;

use futures::stream::{self, StreamExt};

use crate::bulk::CustomerOutcome;
use crate::customer_id::CustomerId;
use crate::error::{Error, ErrorKind};
use crate::fetched::Fetched;
use crate::model::{Label, LabelIdentity, LabelList, Op, WriteStatus};
use crate::provider::{CallContext, LabelProvider};
use crate::requests::{LabelChange, ManyChange};

/// Attaches (`Op::Add`) or detaches the label for every customer; one outcome per customer.
pub async fn change_many(
    provider: &dyn LabelProvider,
    ctx: &CallContext,
    change: ManyChange<'_>,
    concurrency: usize,
) -> Vec<CustomerOutcome> {
    let batch = provider.capabilities().batch as usize;
    if batch <= 1 {
        let each: Vec<_> = (change.customers.iter())
            .map(|customer| change_one(provider, ctx, change.op, change.label, customer))
            .collect();
        return in_order(each, concurrency).await;
    }
    let calls: Vec<_> = (change.customers.chunks(batch))
        .map(|customers| async move {
            let chunk = ManyChange {
                customers,
                ..change
            };
            let outcomes = provider.change_many(ctx, chunk).await;
            // The vendor may have acted on any of them: each is reported failed, so the
            // client repeats them, and a repeat of what was done reads `unchanged`.
            one_each(outcomes, customers.len(), CustomerOutcome::Failed)
        })
        .collect();
    let chunks = in_order(calls, concurrency).await;
    chunks.into_iter().flatten().collect()
}

/// Runs `calls`, at most `concurrency` at once, and gives their answers in the calls' order.
/// The futures are made before the stream runs them, not by a closure inside it: a closure
/// over borrowed items in a stream makes the request's future lose `Send` (rust#102211).
async fn in_order<F: Future>(calls: Vec<F>, concurrency: usize) -> Vec<F::Output> {
    stream::iter(calls)
        .buffered(concurrency.max(1))
        .collect()
        .await
}

/// A batch call's answer as one answer per customer of its chunk: when the call failed, or
/// answered for another number of customers, each customer gets that error (`failed`).
fn one_each<T: Clone>(
    answer: Result<Vec<T>, Error>,
    customers: usize,
    failed: fn(Error) -> T,
) -> Vec<T> {
    match answer {
        Ok(each) if each.len() == customers => each,
        Ok(each) => vec![failed(miscounted(each.len(), customers)); customers],
        Err(error) => vec![failed(error); customers],
    }
}

/// One customer without a batch call: a fresh read decides `unchanged` (as for a customer's
/// own PATCH), and only a change still needed is written.
async fn change_one(
    provider: &dyn LabelProvider,
    ctx: &CallContext,
    op: Op,
    label: &LabelIdentity,
    customer: &CustomerId,
) -> CustomerOutcome {
    let fresh = CallContext {
        fresh: true,
        include_raw: false,
        ..ctx.clone()
    };
    let current = match provider.customer_labels(&fresh, customer).await {
        Ok(fetched) => fetched.value,
        Err(error) => return failed(error),
    };
    let attached = current.iter().any(|held| is(held, label));
    if attached == (op == Op::Add) {
        return CustomerOutcome::Unchanged;
    }
    let labels = slice::from_ref(label);
    let change = LabelChange {
        op,
        customer,
        labels,
    };
    let statuses = match provider.change_labels(ctx, change).await {
        Ok(statuses) => statuses,
        Err(error) => return failed(error),
    };
    match statuses.as_slice() {
        [WriteStatus::Applied] => CustomerOutcome::Applied,
        [WriteStatus::NotFound] => CustomerOutcome::Failed(Error::new(
            ErrorKind::LabelNotFound,
            "the vendor no longer has this label",
        )),
        other => CustomerOutcome::Failed(miscounted(other.len(), 1)),
    }
}

fn failed(error: Error) -> CustomerOutcome {
    if error.kind == ErrorKind::CustomerNotFound {
        CustomerOutcome::CustomerNotFound
    } else {
        CustomerOutcome::Failed(error)
    }
}

/// The label a change names, among a customer's: by id where it is known (ids are kept in
/// their canonical spelling), else by name.
fn is(held: &Label, label: &LabelIdentity) -> bool {
    match &label.id {
        Some(id) => &held.id == id,
        None => held.name.is_some() && held.name == label.name,
    }
}

fn miscounted(got: usize, wanted: usize) -> Error {
    Error::new(
        ErrorKind::UpstreamError,
        format!("the provider reported {got} outcomes for {wanted} customers"),
    )
}

/// Every customer's labels, one answer per place in `customers` (a customer asked for twice is
/// read once). Kept answers come first and cost nothing; the rest are read in the vendor's
/// batches where it has them, else one at a time.
pub async fn labels_of_many(
    provider: &dyn LabelProvider,
    ctx: &CallContext,
    customers: &[CustomerId],
    concurrency: usize,
) -> Vec<Result<Fetched<LabelList>, Error>> {
    let mut distinct: Vec<&CustomerId> = Vec::new();
    let mut place: HashMap<&CustomerId, usize> = HashMap::new();
    for customer in customers {
        place.entry(customer).or_insert_with(|| {
            distinct.push(customer);
            distinct.len() - 1
        });
    }
    let mut answers: Vec<Option<Result<Fetched<LabelList>, Error>>> = distinct
        .iter()
        .map(|customer| provider.customer_labels_at_hand(ctx, customer))
        .collect();
    let missing: Vec<usize> = (0..distinct.len())
        .filter(|&i| answers[i].is_none())
        .collect();
    let batch = provider.capabilities().batch_read as usize;
    let distinct = &distinct;
    if batch > 1 {
        let calls: Vec<_> = missing
            .chunks(batch)
            .map(|chunk| async move {
                let ids: Vec<CustomerId> = chunk.iter().map(|&i| distinct[i].clone()).collect();
                (chunk, provider.customers_labels(ctx, &ids).await)
            })
            .collect();
        for (chunk, result) in in_order(calls, concurrency).await {
            for (&i, answer) in chunk.iter().zip(one_each(result, chunk.len(), Err)) {
                answers[i] = Some(answer);
            }
        }
    } else {
        let calls: Vec<_> = missing
            .iter()
            .map(|&i| async move { (i, provider.customer_labels(ctx, distinct[i]).await) })
            .collect();
        for (i, answer) in in_order(calls, concurrency).await {
            answers[i] = Some(answer);
        }
    }
    customers
        .iter()
        .map(|customer| {
            answers[place[customer]]
                .clone()
                .unwrap_or_else(|| Err(Error::new(ErrorKind::UpstreamError, "no answer was read")))
        })
        .collect()
}
