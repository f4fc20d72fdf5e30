//! A copy's chunk: each source customer's labels read (fresh, from the source tenant's vendor),
//! their names mapped (`labels`, then `unmapped`), and the mapped ones attached to the target
//! customer; `mirror` also detaches the mapped-to labels the source customer lacks. Target
//! labels are found by name in the target's catalog, read once per job.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::stream::{self, StreamExt};
use label_core::many::labels_of_many;
use label_core::{
    CallContext, CustomerId, CustomerIdFormat, Error, ErrorKind, Label, LabelProvider, LabelRef, Op,
};

use super::batch::Changer;
use super::body::{source_of, target_of};
use super::each::{failed, not_acted_on};
use super::labels::{Labels, Wanted};
use super::model::{Mode, Spec, Unmapped};
use super::packed::Packed;
use super::record::Outcome;

pub struct Copying<'a> {
    pub source: &'a dyn LabelProvider,
    pub spec: &'a Spec,
    pub ctx: &'a CallContext,
}

impl Copying<'_> {
    pub async fn chunk(
        &self,
        target: &Changer<'_>,
        labels: &mut Labels,
        entries: &Packed,
        concurrency: usize,
        cancel: &AtomicBool,
    ) -> Vec<Outcome> {
        let read = self.read_sources(entries, concurrency, cancel).await;
        let format = target.capabilities().customer_id_format;
        let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(read.len());
        let mut changes = Vec::new();
        for (entry, source) in entries.iter().zip(read) {
            match source {
                None => outcomes.push(Some(Outcome::NotDone)),
                Some(Err(error)) => outcomes.push(Some(failed(&error))),
                Some(Ok(held)) => {
                    outcomes.push(None);
                    let wanted = self.wanted(&held, labels);
                    changes.push((CustomerId::parse(target_of(entry), format), wanted));
                }
            }
        }
        let mut changed = target.all(changes, cancel).await.into_iter();
        outcomes
            .into_iter()
            .map(|outcome| {
                outcome
                    .or_else(|| changed.next())
                    .unwrap_or(Outcome::NotDone)
            })
            .collect()
    }

    /// Each source customer's labels, `None` for one not started (cancelled).
    async fn read_sources(
        &self,
        entries: &Packed,
        concurrency: usize,
        cancel: &AtomicBool,
    ) -> Vec<Option<Result<Vec<Label>, Error>>> {
        let format = self.source.capabilities().customer_id_format;
        let fresh = CallContext {
            fresh: true,
            include_raw: false,
            ..self.ctx.clone()
        };
        if self.source.capabilities().batch_read > 1 {
            return self
                .read_in_batches(entries, format, &fresh, concurrency)
                .await;
        }
        let fresh = &fresh;
        let reads: Vec<_> = entries
            .iter()
            .map(|entry| async move {
                if cancel.load(Ordering::Acquire) {
                    return None;
                }
                let customer = match CustomerId::parse(source_of(entry).unwrap_or(entry), format) {
                    Ok(customer) => customer,
                    Err(error) => return Some(Err(error)),
                };
                Some(self.read(fresh, &customer).await)
            })
            .collect();
        stream::iter(reads)
            .buffered(concurrency.max(1))
            .collect()
            .await
    }

    /// The vendor's batch reads (Capillary: 10 customers a call); a chunk is started whole.
    async fn read_in_batches(
        &self,
        entries: &Packed,
        format: CustomerIdFormat,
        fresh: &CallContext,
        concurrency: usize,
    ) -> Vec<Option<Result<Vec<Label>, Error>>> {
        let parsed: Vec<Result<CustomerId, Error>> = entries
            .iter()
            .map(|entry| CustomerId::parse(source_of(entry).unwrap_or(entry), format))
            .collect();
        let ids: Vec<CustomerId> = parsed
            .iter()
            .filter_map(|p| p.as_ref().ok().cloned())
            .collect();
        let mut read = labels_of_many(self.source, fresh, &ids, concurrency)
            .await
            .into_iter();
        parsed
            .into_iter()
            .map(|id| {
                Some(match (id, read.next()) {
                    (Err(error), _) => Err(error),
                    (Ok(_), Some(Ok(fetched))) => Ok(fetched.value.to_vec()),
                    (Ok(_), Some(Err(error))) => Err(source_error(error)),
                    (Ok(_), None) => {
                        Err(Error::new(ErrorKind::UpstreamError, "no answer was read"))
                    }
                })
            })
            .collect()
    }

    async fn read(&self, ctx: &CallContext, customer: &CustomerId) -> Result<Vec<Label>, Error> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.source.customer_labels(ctx, customer).await {
                Ok(fetched) => return Ok(fetched.value.to_vec()),
                Err(error) if tries < 4 && not_acted_on(&error) => {
                    let wait = error
                        .retry_after
                        .unwrap_or(std::time::Duration::from_secs(1));
                    tokio::time::sleep(wait.min(std::time::Duration::from_secs(30))).await;
                }
                Err(error) => return Err(source_error(error)),
            }
        }
    }
}

/// A source read's failure, said to be the source's.
fn source_error(mut error: Error) -> Error {
    error.detail = format!("reading the source customer: {}", error.detail);
    error
}

impl Copying<'_> {
    /// The target labels for one source customer: the mapped names to attach, in the source's
    /// order; with `mirror`, then every mapped-to name it lacks, to detach.
    fn wanted(&self, held: &[Label], labels: &mut Labels) -> Vec<Wanted> {
        let mut names: Vec<&str> = Vec::with_capacity(held.len());
        for label in held {
            let name = label.name.as_deref().unwrap_or(&label.id);
            let mapped = self.spec.labels.iter().find(|(from, _)| from == name);
            let target = match (mapped, self.spec.unmapped) {
                (Some((_, to)), _) => to.as_str(),
                (None, Unmapped::SameName) => name,
                (None, Unmapped::Skip) => continue,
            };
            if !names.contains(&target) {
                names.push(target);
            }
        }
        let mut wanted: Vec<Wanted> = names
            .iter()
            .map(|name| labels.want(Op::Add, &LabelRef::Name((*name).to_owned())))
            .collect();
        if self.spec.mode == Mode::Mirror {
            let kept: HashSet<&str> = names.iter().copied().collect();
            let mut lacking: Vec<&str> = Vec::new();
            for (_, to) in &self.spec.labels {
                if !kept.contains(to.as_str()) && !lacking.contains(&to.as_str()) {
                    lacking.push(to);
                }
            }
            wanted.extend(
                lacking
                    .into_iter()
                    .map(|name| labels.want(Op::Remove, &LabelRef::Name(name.to_owned()))),
            );
        }
        wanted
    }
}
