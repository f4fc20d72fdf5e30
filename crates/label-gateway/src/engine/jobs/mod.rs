//! Jobs: changes to many customers, and copies of labels between tenants, run in the
//! background (chunk by chunk, paced, resumable) and read back as a job and its results.

mod batch;
pub mod body;
use crate::engine::clock;
pub mod compact;
mod copy;
mod each;
mod handoff;
mod known;
mod labels;
mod lease;
pub mod memory;
pub mod model;
mod pace;
pub mod packed;
mod problems;
pub mod record;
mod resolve;
pub mod results;
mod runner;
pub mod spec;
mod store;
pub mod stream;
mod twice;
pub mod view;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::task::AbortHandle;

use crate::config::Config;
use crate::contract::Error;
use crate::engine::events::Events;
use crate::engine::fleet::Fleet;
use crate::engine::tenants::{TenantRegistry, TenantRuntime};
use compact::CompactList;
use memory::{Held, JobMemory};
use model::{Counts, Meta, Spec, State};
use store::{local::Local, shared::Shared};
pub use store::{Finish, JobPage, JobStore, NewJob};

/// Customers a chunk holds when the vendor has no batch call, per unit of concurrency.
const CHUNK_PER_CALL: usize = 25;
const MAX_CHUNK: usize = 1000;

/// This replica's jobs: the store they live in, and the runs it has going.
pub struct Jobs {
    /// In the process, or in Redis with `[state]`: chosen once, here.
    pub store: Arc<dyn JobStore>,
    /// The tenants as they are now: a run looks its tenant up again at every chunk.
    tenants: Arc<TenantRegistry>,
    /// Tells this replica's leases from the others'.
    pub owner: String,
    pub concurrency: usize,
    pub max_customers: usize,
    pub max_body_bytes: usize,
    pub max_active_per_tenant: usize,
    /// What submissions being read, running and ended jobs of this process hold.
    pub memory: Arc<JobMemory>,
    running: Mutex<HashMap<(String, String), Run>>,
    stopped: AtomicBool,
    /// The jobs this replica knew existed: a vanished record is `job_lost`, not unknown.
    pub known: known::Known,
    handoff: handoff::Handoff,
    /// Told whenever a run here ends: a stopping replica waits for its runs to hand off.
    ended: tokio::sync::Notify,
    /// Where `job.ended` is told.
    events: Arc<Events>,
}

struct Run {
    cancel: Arc<AtomicBool>,
    task: AbortHandle,
}

/// Stops this replica's runs and its scheduler when dropped: the gateway has stopped, and
/// the jobs' leases lapse for another replica (or the next start) to take them over.
pub struct Running {
    jobs: Arc<Jobs>,
    scheduler: Option<AbortHandle>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(scheduler) = &self.scheduler {
            scheduler.abort();
        }
        let jobs = &self.jobs;
        jobs.stopped.store(true, Ordering::Release);
        for (_, run) in jobs.runs().drain() {
            run.task.abort();
        }
    }
}

impl Jobs {
    pub fn new(
        config: &Config,
        fleet: &Fleet,
        tenants: Arc<TenantRegistry>,
        events: Arc<Events>,
    ) -> Self {
        Self {
            store: match fleet.link() {
                Some(link) => Arc::new(Shared::new(link.clone())),
                None => Arc::new(Local::default()),
            },
            tenants,
            owner: uuid::Uuid::new_v4().to_string(),
            concurrency: config.jobs.concurrency,
            max_customers: config.jobs.max_customers,
            max_body_bytes: config.jobs.max_body_bytes,
            max_active_per_tenant: config.jobs.max_active_per_tenant,
            memory: JobMemory::new(config.jobs.max_memory_bytes),
            running: Mutex::new(HashMap::new()),
            stopped: AtomicBool::new(false),
            known: known::Known::default(),
            handoff: handoff::Handoff::new(fleet.link()),
            ended: tokio::sync::Notify::new(),
            events,
        }
    }

    fn runs(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Run>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the scheduler (with `[state]`: it takes over the jobs whose replica died, every
    /// beat, and those a stopping replica handed off, at once); the returned guard stops
    /// everything when dropped.
    pub fn start(jobs: &Arc<Jobs>) -> Running {
        let scheduler = jobs.store.durable().then(|| {
            let jobs = jobs.clone();
            tokio::spawn(async move {
                let mut handoffs = None;
                let mut scanned: Option<std::time::Instant> = None;
                loop {
                    let now = jobs.handoff.count().await;
                    let handed_off = now.is_some() && now != handoffs;
                    if handed_off || scanned.is_none_or(|at| at.elapsed() >= lease::BEAT) {
                        handoffs = now.or(handoffs);
                        scanned = Some(std::time::Instant::now());
                        if let Ok(unfinished) = jobs.store.unfinished().await {
                            for (tenant, id) in unfinished {
                                launch(&jobs, &tenant, &id);
                            }
                        }
                    }
                    tokio::time::sleep(handoff::POLL).await;
                }
            })
            .abort_handle()
        });
        Running {
            jobs: jobs.clone(),
            scheduler,
        }
    }

    /// Whether the tenant may submit a job now: `too_many_jobs` at its most active jobs. Asked
    /// before a body is read, so that a refusal costs nothing; the store asks again, in one
    /// step with making the job.
    pub async fn admit(&self, tenant: &str) -> Result<(), Error> {
        if self.store.active(tenant).await? >= self.max_active_per_tenant {
            return Err(store::too_many(tenant, self.max_active_per_tenant));
        }
        Ok(())
    }

    /// Makes a job and starts it on this replica; `held` is what its submission holds, which
    /// the job keeps (and resizes) in the process, or gives back once it is in Redis.
    pub async fn submit(
        jobs: &Arc<Jobs>,
        tenant: &TenantRuntime,
        spec: Spec,
        customers: CompactList,
        held: Held,
    ) -> Result<Meta, Error> {
        let chunk = customers.chunk_size();
        let meta = Meta {
            id: uuid::Uuid::now_v7().to_string(),
            tenant: tenant.id.clone(),
            spec,
            durable: jobs.store.durable(),
            chunk_size: chunk as u32,
            state: State::Queued,
            created_at: clock::now_ms(),
            started_at: None,
            finished_at: None,
            counts: Counts {
                total: customers.len() as u64,
                ..Counts::default()
            },
            vendor_calls: 0,
            next_chunk: 0,
            eta_seconds: None,
            problem: None,
            cancel_requested: false,
            labels: Vec::new(),
        };
        let new = NewJob {
            meta: &meta,
            customers,
            max_active: jobs.max_active_per_tenant,
            held,
        };
        jobs.store.create(new).await?;
        jobs.known.saw(&meta);
        launch(jobs, &meta.tenant, &meta.id);
        Ok(meta)
    }

    /// Graceful shutdown: no run starts here any more, each run here commits the chunk it has
    /// in flight and releases its lease for another replica; returns when all have, or after
    /// `within` (the runs left are then stopped as if the replica died).
    pub async fn hand_off(&self, within: std::time::Duration) {
        self.stopped.store(true, Ordering::Release);
        if !self.store.durable() {
            // No other replica can take a job of the process's: it stops with it.
            return;
        }
        let all_ended = async {
            loop {
                let ended = self.ended.notified();
                tokio::pin!(ended);
                ended.as_mut().enable();
                if self.runs().is_empty() {
                    return;
                }
                ended.await;
            }
        };
        if tokio::time::timeout(within, all_ended).await.is_err() {
            tracing::warn!(
                jobs = self.runs().len(),
                "shutting down: jobs still running are stopped mid-chunk"
            );
        }
    }

    /// Whether this replica is stopping: its runs hand their jobs off after their chunk.
    fn stopping(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Asks for the job to be cancelled: at once if it runs here, else through the store, where
    /// its replica's heartbeat finds it.
    pub async fn cancel(&self, tenant: &str, id: &str) -> Result<Option<Meta>, Error> {
        if let Some(run) = self.runs().get(&(tenant.to_owned(), id.to_owned())) {
            run.cancel.store(true, Ordering::Release);
        }
        self.store.request_cancel(tenant, id).await
    }
}

impl Jobs {
    /// Customers a chunk of `tenant`'s jobs holds: the unit of progress and of what is kept,
    /// fixed before a submission is read, since its customers are packed chunk by chunk.
    pub fn chunk_size(&self, tenant: &TenantRuntime) -> usize {
        match batch_of(tenant) {
            0 | 1 => (self.concurrency * CHUNK_PER_CALL).clamp(CHUNK_PER_CALL, MAX_CHUNK),
            batch => (batch * self.concurrency).min(MAX_CHUNK.max(batch)),
        }
    }
}

/// The customers one vendor call of `tenant` can change.
fn batch_of(tenant: &TenantRuntime) -> usize {
    tenant.provider.capabilities().batch as usize
}

/// Runs the job here unless it already runs here; the run itself checks the lease.
fn launch(jobs: &Arc<Jobs>, tenant: &str, id: &str) {
    if jobs.stopped.load(Ordering::Acquire) {
        return;
    }
    let key = (tenant.to_owned(), id.to_owned());
    let mut runs = jobs.runs();
    if runs.contains_key(&key) {
        return;
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let (jobs, flag, done_key) = (jobs.clone(), cancel.clone(), key.clone());
    let task = tokio::spawn(async move {
        let (tenant, id) = done_key.clone();
        if matches!(jobs.store.lease(&tenant, &id, &jobs.owner).await, Ok(true)) {
            runner::run(&jobs, tenant, id, flag).await;
        }
        jobs.runs().remove(&done_key);
        jobs.ended.notify_waiters();
    });
    runs.insert(
        key,
        Run {
            cancel,
            task: task.abort_handle(),
        },
    );
}
