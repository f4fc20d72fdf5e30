//! One job, run on this replica while it holds the job's lease: chunk after chunk from where
//! the job stands, each chunk's results committed before the next starts, so that a replica
//! taking the job over redoes at most the chunk that was in flight. A heartbeat renews the
//! lease and brings in a cancel made on any replica; when the lease is lost the run stops
//! without writing anything more. A replica that stops hands the job off after the chunk in
//! flight ([`super::handoff`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use label_core::{CallContext, CustomerId};

use super::batch::Changer;
use super::clock::now_ms;
use super::each::Each;
use super::labels::Labels;
use super::lease::{heartbeat, persist};
use super::model::{ChunkDone, JobProblem, Kind, Meta, State};
use super::record::{self, Outcome};
use super::store::Finish;
use super::view::Job;
use super::{compact, copy, handoff, pace, resolve, Jobs};
use crate::contract::EventType;
use crate::engine::events::event::JobEnded;
use crate::engine::events::{Event, EventData};
use crate::engine::tenants::TenantRuntime;

/// How a run ended.
pub enum Ending {
    Finished(State, Option<JobProblem>),
    /// Another replica holds the job now (or it is gone): nothing more to write.
    LeaseLost,
    /// This replica is stopping: the chunk in flight is committed, the job goes on elsewhere.
    HandedOff,
}

/// Runs the job `tenant`/`id` to its end, or until this replica loses it.
pub async fn run(jobs: &Jobs, tenant: String, id: String, cancel: Arc<AtomicBool>) {
    let Ok(Some(mut meta)) = jobs.store.meta(&tenant, &id).await else {
        return;
    };
    if meta.state.is_final()
        || !jobs
            .store
            .start(&meta, &jobs.owner, now_ms())
            .await
            .unwrap_or(false)
    {
        return;
    }
    jobs.known.saw(&meta);
    if meta.cancel_requested {
        cancel.store(true, Ordering::Release);
    }
    tracing::info!(tenant = %tenant, job = %id, from_chunk = meta.next_chunk, "job running");
    let ending = tokio::select! {
        ending = work(jobs, &mut meta, &cancel) => ending,
        () = heartbeat(&jobs.store, &tenant, &id, &jobs.owner, &cancel) => Ending::LeaseLost,
    };
    let (state, problem) = match ending {
        Ending::Finished(state, problem) => (state, problem),
        Ending::HandedOff => {
            let released = jobs.handoff.release(&tenant, &id, &jobs.owner).await;
            tracing::info!(tenant = %tenant, job = %id, next_chunk = meta.next_chunk,
                released = released.unwrap_or(false), "job handed off: this replica is stopping");
            return;
        }
        Ending::LeaseLost => return lost(jobs, &meta).await,
    };
    let now = now_ms();
    let finish = Finish {
        state,
        problem: problem.clone(),
        at: now,
    };
    let finished = persist(|| jobs.store.finish(&meta, &jobs.owner, finish.clone())).await;
    meta.finished_at = Some(now);
    jobs.known.saw(&meta);
    let recorded = finished.unwrap_or(false);
    tracing::info!(tenant = %tenant, job = %id, state = state.as_str(), recorded, "job ended");
    if recorded {
        ended(jobs, &tenant, &id).await;
    }
}

/// `job.ended`, with the job as `getJob` now shows it; told once, by the replica whose end
/// of the job was recorded.
async fn ended(jobs: &Jobs, tenant: &str, id: &str) {
    let Ok(Some(meta)) = persist(|| jobs.store.meta(tenant, id)).await else {
        return;
    };
    let job = serde_json::to_value(Job::of(&meta)).expect("a job serializes");
    let data = EventData::JobEnded(JobEnded { job });
    let event = Event::new(tenant, EventType::JobEnded, data);
    jobs.events.record(tenant, vec![event]).await;
}

async fn work(jobs: &Jobs, meta: &mut Meta, cancel: &AtomicBool) -> Ending {
    let Some(mut tenant) = jobs.tenants.get(&meta.tenant) else {
        return cannot_go_on(
            "tenant_not_found",
            "the job's tenant is no longer configured",
        );
    };
    let ctx = CallContext {
        request_id: format!("job-{}", meta.id),
        fresh: false,
        include_raw: false,
        job_id: Some(meta.id.as_str().into()),
    };
    let calls = Arc::new(AtomicU64::new(0));
    let mut target = pace::paced(
        tenant.provider.clone(),
        tenant.job_budget.clone(),
        calls.clone(),
    );
    let loaded = persist(|| Labels::load(target.as_ref(), &ctx, meta.labels.clone())).await;
    let mut labels = match loaded {
        Ok(labels) => labels,
        Err(error) => return cannot_go_on(error.kind.code(), &error.detail),
    };
    let wanted = match resolve::wanted(meta, &mut labels, target.as_ref(), &ctx).await {
        Ok(wanted) => wanted,
        Err(error) => return cannot_go_on(error.kind.code(), &error.detail),
    };
    let size = u64::from(meta.chunk_size.max(1));
    let chunks = meta.counts.total.div_ceil(size);
    let mut rate = Rate::default();
    // The chunk a runner of this job started and did not commit (its replica died): what it
    // sent again reads as it first did.
    let resumed = match jobs.handoff.intended(&meta.tenant, &meta.id).await {
        Ok(Some(chunk)) if chunk == meta.next_chunk && !meta.spec.dry_run => Some(chunk),
        _ => None,
    };
    // Calls already counted: the catalog read above goes into the first chunk's.
    let mut counted = 0;
    while meta.next_chunk < chunks {
        if cancel.load(Ordering::Acquire) {
            return Ending::Finished(State::Cancelled, None);
        }
        if jobs.stopping() {
            return Ending::HandedOff;
        }
        let Some(now) = jobs.tenants.get(&meta.tenant) else {
            return cannot_go_on(
                "tenant_not_found",
                "the job's tenant is no longer configured",
            );
        };
        // A config reload makes the tenant anew (its credentials, layers and budget may have
        // changed): the next chunk goes through the new one.
        if !Arc::ptr_eq(&now, &tenant) {
            target = pace::paced(now.provider.clone(), now.job_budget.clone(), calls.clone());
            tenant = now.clone();
        }
        let source = match source(jobs, &now, meta) {
            Ok(source) => source,
            Err(ending) => return ending,
        };
        let chunk = meta.next_chunk;
        let entries = match persist(|| jobs.store.customers(&meta.tenant, &meta.id, chunk)).await {
            Ok(entries) => entries,
            Err(_) => return Ending::LeaseLost,
        };
        if !meta.spec.dry_run
            && persist(|| jobs.handoff.intend(&meta.tenant, &meta.id, chunk))
                .await
                .is_err()
        {
            return Ending::LeaseLost;
        }
        let started = Instant::now();
        let changer = Changer::for_capabilities(Each {
            provider: target.as_ref(),
            ctx: &ctx,
            capabilities: *labels.capabilities(),
            dry_run: meta.spec.dry_run,
            concurrency: jobs.concurrency,
        });
        let mut outcomes = match (&meta.spec.kind, &source) {
            (Kind::Copy, Some(source)) => {
                let source = pace::paced(
                    source.provider.clone(),
                    source.job_budget.clone(),
                    calls.clone(),
                );
                let copying = copy::Copying {
                    source: source.as_ref(),
                    spec: &meta.spec,
                    ctx: &ctx,
                };
                copying
                    .chunk(&changer, &mut labels, &entries, jobs.concurrency, cancel)
                    .await
            }
            _ => {
                let format = labels.capabilities().customer_id_format;
                let customers = entries
                    .iter()
                    .map(|id| (CustomerId::parse(id, format), wanted.clone()))
                    .collect();
                changer.all(customers, cancel).await
            }
        };
        if resumed == Some(chunk) {
            handoff::as_first_sent(&mut outcomes);
        }
        let mut done = summarize(chunk, chunk * size, &outcomes);
        let now_counted = calls.load(Ordering::Relaxed);
        done.vendor_calls = now_counted - counted;
        counted = now_counted;
        done.labels = labels.entries.clone();
        let finished = meta.counts.done + done.succeeded + done.failed;
        done.eta_seconds = rate.eta(
            done.succeeded + done.failed,
            started.elapsed(),
            meta.counts.total - finished,
        );
        match persist(|| jobs.store.commit(meta, &jobs.owner, &done)).await {
            Ok(true) => {}
            _ => return Ending::LeaseLost,
        }
        meta.next_chunk += 1;
        meta.counts.done = finished;
    }
    let state = if cancel.load(Ordering::Acquire) && meta.counts.done < meta.counts.total {
        State::Cancelled
    } else {
        State::Succeeded
    };
    Ending::Finished(state, None)
}

/// The wanted labels of a change, the same for every customer; a copy's are per customer.
/// A copy's source tenant, if it still may be copied from; `Ok(None)` for a change.
fn source(
    jobs: &Jobs,
    target: &TenantRuntime,
    meta: &Meta,
) -> Result<Option<Arc<TenantRuntime>>, Ending> {
    let Some(from) = &meta.spec.from_tenant else {
        return Ok(None);
    };
    if !target.copy_from.iter().any(|allowed| allowed == from) {
        return Err(cannot_go_on(
            "forbidden",
            "the target tenant's copy_from no longer names the source",
        ));
    }
    match jobs.tenants.get(from) {
        Some(source) => Ok(Some(source)),
        None => Err(cannot_go_on(
            "tenant_not_found",
            "the source tenant is no longer configured",
        )),
    }
}

fn summarize(chunk: u64, first: u64, outcomes: &[Outcome]) -> ChunkDone {
    let mut done = ChunkDone {
        chunk,
        ..ChunkDone::default()
    };
    let mut records = Vec::new();
    for (offset, outcome) in outcomes.iter().enumerate() {
        record::encode(outcome, &mut records);
        match outcome {
            Outcome::Succeeded(_) => done.succeeded += 1,
            Outcome::Failed { .. } => {
                done.failed += 1;
                done.failed_at.push(first + offset as u64);
            }
            Outcome::NotDone => {}
        }
    }
    done.records = compact::pack_records(&records);
    done
}

/// The run cannot write into its job any more: another replica holds it, or its record is
/// gone from the shared state (a Redis restarted without persistence), which is news for the
/// operator, not a routine takeover.
async fn lost(jobs: &Jobs, meta: &Meta) {
    let (tenant, id) = (&meta.tenant, &meta.id);
    match jobs.store.meta(tenant, id).await {
        Ok(None) => {
            // The heartbeat may have taken the lease anew in the empty Redis.
            let _ = jobs.handoff.release(tenant, id, &jobs.owner).await;
            tracing::error!(tenant = %tenant, job = %id, done = meta.counts.done,
                total = meta.counts.total,
                "job record lost: the shared state no longer has this job (Redis restarted \
                 without persistence?); its customers done so far stay changed at the vendor, \
                 the rest are not done, and its endpoints answer 410 job_lost");
        }
        _ => tracing::warn!(tenant = %tenant, job = %id, "job lost to another replica"),
    }
}

fn cannot_go_on(code: &str, detail: &str) -> Ending {
    Ending::Finished(
        State::Failed,
        Some(JobProblem {
            code: code.to_owned(),
            detail: detail.to_owned(),
        }),
    )
}

/// Customers a second, smoothed over the recent chunks.
#[derive(Default)]
struct Rate {
    per_second: Option<f64>,
}

impl Rate {
    fn eta(&mut self, done: u64, took: Duration, left: u64) -> Option<u64> {
        let secs = took.as_secs_f64();
        if done > 0 && secs > 0.0 {
            let now = done as f64 / secs;
            self.per_second = Some(self.per_second.map_or(now, |old| 0.3 * now + 0.7 * old));
        }
        self.per_second
            .filter(|rate| *rate > 0.0)
            .map(|rate| (left as f64 / rate).ceil() as u64)
    }
}
