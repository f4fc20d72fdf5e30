//! Changing customers one at a time, for a vendor without a batch call: per customer a fresh
//! read (which decides `unchanged`), then at most one attach and one detach call, whatever the
//! number of labels. A dry run stops after the read. A call the vendor cannot have acted on
//! (the budget spent, the circuit open, a 429) is tried again after the wait it names: the
//! whole customer again, from a fresh read, so nothing is done twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use label_core::{
    CallContext, Capabilities, CustomerId, Error, ErrorKind, Label, LabelChange, LabelIdentity,
    LabelProvider, Op, Temporariness, WriteStatus,
};

use super::labels::{holds, Wanted};
use super::record::{Outcome, RefResult, RefStatus};

/// Tries of one customer whose calls were refused before reaching the vendor.
const TRIES: u32 = 4;
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// A chunk's customers in order, each with the labels it should end with, or why its id was
/// refused.
pub type Chunk = Vec<(Result<CustomerId, Error>, Vec<Wanted>)>;

pub struct Each<'a> {
    pub provider: &'a dyn LabelProvider,
    pub ctx: &'a CallContext,
    pub capabilities: Capabilities,
    pub dry_run: bool,
    /// The most vendor calls the job makes at once.
    pub concurrency: usize,
}

impl Each<'_> {
    /// Every customer with its wanted labels, `self.concurrency` at a time, in order. Once `cancel`
    /// is set no customer is started: those not started are `NotDone`.
    pub async fn all(&self, customers: Chunk, cancel: &AtomicBool) -> Vec<Outcome> {
        let each: Vec<_> = customers
            .into_iter()
            .map(|(customer, wanted)| async move {
                if cancel.load(Ordering::Acquire) {
                    return Outcome::NotDone;
                }
                match customer {
                    Ok(customer) => self.one(&customer, &wanted).await,
                    Err(error) => failed(&error),
                }
            })
            .collect();
        stream::iter(each)
            .buffered(self.concurrency.max(1))
            .collect()
            .await
    }

    pub async fn one(&self, customer: &CustomerId, wanted: &[Wanted]) -> Outcome {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.attempt(customer, wanted).await {
                Ok(results) => return Outcome::Succeeded(results),
                Err(error) if tries < TRIES && not_acted_on(&error) => {
                    let wait = error.retry_after.unwrap_or(Duration::from_secs(1));
                    tokio::time::sleep(wait.min(LONGEST_WAIT)).await;
                }
                Err(error) => return failed(&error),
            }
        }
    }

    async fn attempt(
        &self,
        customer: &CustomerId,
        wanted: &[Wanted],
    ) -> Result<Vec<RefResult>, Error> {
        let fresh = CallContext {
            fresh: true,
            include_raw: false,
            ..self.ctx.clone()
        };
        let current = self.provider.customer_labels(&fresh, customer).await?.value;
        let (mut results, attach, detach) =
            plan(&current, wanted, &self.capabilities, self.dry_run);
        for (op, sent) in [(Op::Add, attach), (Op::Remove, detach)] {
            if sent.is_empty() {
                continue;
            }
            let labels: Vec<LabelIdentity> = sent.iter().map(|(_, l)| l.clone()).collect();
            let change = LabelChange {
                op,
                customer,
                labels: &labels,
            };
            let statuses = self.provider.change_labels(self.ctx, change).await?;
            if statuses.len() != labels.len() {
                return Err(Error::new(
                    ErrorKind::UpstreamError,
                    format!(
                        "the vendor reported {} outcomes for {} labels",
                        statuses.len(),
                        labels.len()
                    ),
                ));
            }
            for ((place, _), status) in sent.iter().zip(statuses) {
                if status == WriteStatus::NotFound {
                    results[*place].status = RefStatus::NotFound;
                }
            }
        }
        Ok(results)
    }
}

/// Labels to send, each with its place among the results.
pub type Sends = Vec<(usize, LabelIdentity)>;

/// What a customer holding `current` needs: every reference's result as far as the read
/// decides it (`unchanged`, `not_found`; in a dry run `would_apply`), and the labels to attach
/// and detach (their results `applied` unless the vendor says otherwise).
pub fn plan(
    current: &[Label],
    wanted: &[Wanted],
    capabilities: &Capabilities,
    dry_run: bool,
) -> (Vec<RefResult>, Sends, Sends) {
    let mut results = Vec::with_capacity(wanted.len());
    let (mut attach, mut detach) = (Vec::new(), Vec::new());
    for (place, want) in wanted.iter().enumerate() {
        let status = match &want.identity {
            None => RefStatus::NotFound,
            Some(identity) => {
                let held = current.iter().find(|l| holds(l, identity, capabilities));
                match (want.op, held) {
                    (Op::Add, Some(_)) | (Op::Remove, None) => RefStatus::Unchanged,
                    _ if dry_run => RefStatus::WouldApply,
                    (Op::Add, None) => {
                        attach.push((place, identity.clone()));
                        RefStatus::Applied
                    }
                    (Op::Remove, Some(label)) => {
                        detach.push((place, label.identity()));
                        RefStatus::Applied
                    }
                }
            }
        };
        results.push(RefResult {
            op: want.op,
            label: want.label,
            status,
        });
    }
    (results, attach, detach)
}

/// Refused before the vendor could act: the tenant's budget, its circuit, the vendor's 429.
pub fn not_acted_on(error: &Error) -> bool {
    error.temporariness == Temporariness::NotActedOn
        || matches!(
            error.kind,
            ErrorKind::UpstreamRateLimited | ErrorKind::UpstreamUnavailable
        )
}

pub fn failed(error: &Error) -> Outcome {
    Outcome::Failed {
        code: error.kind.code().to_owned(),
        detail: error.detail.clone(),
    }
}
