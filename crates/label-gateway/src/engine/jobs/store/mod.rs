//! Where jobs live: in the process without `[state]`, in Redis with it (so that any replica
//! can read a job, cancel it, or take it over when its replica dies). Both keep the same
//! shape: the job's meta, its customers by chunk, its results by chunk (compact records), the
//! places of its failed customers, and a lease saying which replica runs it.

pub(super) mod local;
mod scripts;
pub(super) mod shared;
mod shared_meta;

use std::time::Duration;

use crate::contract::{Code, Error, Result};
use async_trait::async_trait;

use super::compact::CompactList;
use super::memory::Held;
use super::model::{ChunkDone, JobProblem, Meta, State};
use super::packed::Packed;

/// A page of a tenant's jobs, newest first, and the id to continue after.
pub struct JobPage {
    pub jobs: Vec<Meta>,
    pub next_after: Option<String>,
}

/// A job to keep: its meta and its customers, unless its tenant has `max_active` unfinished
/// jobs already. In the process the job keeps `held` (grown as its results come); in Redis it
/// holds nothing of the process's memory.
pub struct NewJob<'a> {
    pub meta: &'a Meta,
    pub customers: CompactList,
    pub max_active: usize,
    pub held: Held,
}

/// How a job ended, and when.
#[derive(Debug, Clone)]
pub struct Finish {
    pub state: State,
    pub problem: Option<JobProblem>,
    pub at: u64,
}

/// A tenant at its most active jobs is asked to come back after this: a job's chunk takes
/// seconds, a job minutes.
const ACTIVE_RETRY_AFTER: Duration = Duration::from_secs(30);

pub fn too_many(tenant: &str, max_active: usize) -> Error {
    Error::new(
        Code::TooManyJobs,
        format!(
            "tenant {tenant} has {max_active} jobs queued or running, the most it may have \
             ([jobs] max_active_per_tenant); try again once one has ended"
        ),
    )
    .with_retry_after(Some(ACTIVE_RETRY_AFTER))
}

/// How long a lease lasts unrenewed: a dead replica's jobs wait this long for a new one.
pub const LEASE: Duration = Duration::from_secs(6);

/// Where a replica's jobs live, chosen once at start (`local::Local` or `shared::Shared`).
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Whether the jobs outlive the process (and any replica may take one over).
    fn durable(&self) -> bool;

    /// Keeps a new job, its customers `meta.chunk_size` to a chunk; `too_many_jobs` (and
    /// nothing kept) when its tenant has `max_active` unfinished jobs already.
    async fn create(&self, job: NewJob<'_>) -> Result<()>;

    /// The tenant's unfinished jobs (fleet-wide with `[state]`).
    async fn active(&self, tenant: &str) -> Result<usize>;

    async fn meta(&self, tenant: &str, id: &str) -> Result<Option<Meta>>;

    /// The tenant's jobs newest first, after the job `after` (exclusive).
    async fn list(&self, tenant: &str, after: Option<&str>, limit: usize) -> Result<JobPage>;

    /// The customers of one chunk, in submission order.
    async fn customers(&self, tenant: &str, id: &str, chunk: u64) -> Result<Packed>;

    /// The records of one finished chunk, unpacked; `None` while it is not.
    async fn records(&self, tenant: &str, id: &str, chunk: u64) -> Result<Option<Vec<u8>>>;

    /// Places of failed customers from `from` on, ascending, at most `limit`.
    async fn failed_from(&self, meta: &Meta, from: u64, limit: usize) -> Result<Vec<u64>>;

    /// Marks the job for cancelling (its runner ends it); the job as it now stands.
    async fn request_cancel(&self, tenant: &str, id: &str) -> Result<Option<Meta>>;

    /// Takes the job's lease for `owner` if nobody holds it; renews it if `owner` does.
    async fn lease(&self, tenant: &str, id: &str, owner: &str) -> Result<bool>;

    /// The jobs that are not finished, as `(tenant, id)`: what a scheduler looks through.
    async fn unfinished(&self) -> Result<Vec<(String, String)>>;

    /// `queued` to `running`, now; `false` when `owner` no longer holds the lease.
    async fn start(&self, meta: &Meta, owner: &str, now: u64) -> Result<bool>;

    /// Adds a finished chunk; `false` (nothing added) when `owner` lost the lease or the chunk
    /// was already added.
    async fn commit(&self, meta: &Meta, owner: &str, done: &ChunkDone) -> Result<bool>;

    /// Ends the job; `false` when `owner` no longer holds the lease.
    async fn finish(&self, meta: &Meta, owner: &str, finish: Finish) -> Result<bool>;
}
