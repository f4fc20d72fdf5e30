//! Where jobs live: in the process without `[state]`, in Redis with it (so that any replica
//! can read a job, cancel it, or take it over when its replica dies). Both keep the same
//! shape: the job's meta, its customers by chunk, its results by chunk (compact records), the
//! places of its failed customers, and a lease saying which replica runs it.

mod local;
mod scripts;
mod shared;
mod shared_meta;

use std::sync::Arc;

use std::time::Duration;

use super::compact::{self, CompactList};
use super::memory::Held;
use super::model::{ChunkDone, JobProblem, Meta, State};
use super::packed::Packed;
use crate::contract::{Code, Error};
use crate::engine::fleet::Fleet;

/// A page of a tenant's jobs, newest first, and the id to continue after.
pub struct JobPage {
    pub jobs: Vec<Meta>,
    pub next_after: Option<String>,
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

#[derive(Clone)]
pub enum JobStore {
    Local(Arc<local::Local>),
    Shared(Arc<shared::Shared>),
}

impl JobStore {
    pub fn new(fleet: &Fleet) -> Self {
        match fleet.link() {
            Some(link) => JobStore::Shared(Arc::new(shared::Shared::new(link.clone()))),
            None => JobStore::Local(Arc::new(local::Local::default())),
        }
    }

    pub fn durable(&self) -> bool {
        matches!(self, JobStore::Shared(_))
    }

    /// Keeps a new job: its meta and its customers, `meta.chunk_size` to a chunk; `too_many_jobs`
    /// (and nothing kept) when its tenant has `max_active` unfinished jobs already. In the
    /// process the job keeps `held` (grown as its results come); in Redis it holds nothing here.
    pub async fn create(
        &self,
        meta: &Meta,
        customers: CompactList,
        max_active: usize,
        held: Held,
    ) -> Result<(), Error> {
        match self {
            JobStore::Local(local) => local.create(meta, customers, max_active, held),
            JobStore::Shared(shared) => shared.create(meta, &customers, max_active).await,
        }
    }

    /// The tenant's unfinished jobs (fleet-wide with `[state]`).
    pub async fn active(&self, tenant: &str) -> Result<usize, Error> {
        match self {
            JobStore::Local(local) => Ok(local.active(tenant)),
            JobStore::Shared(shared) => shared.active(tenant).await,
        }
    }

    pub async fn meta(&self, tenant: &str, id: &str) -> Result<Option<Meta>, Error> {
        match self {
            JobStore::Local(local) => Ok(local.meta(tenant, id)),
            JobStore::Shared(shared) => shared.meta(tenant, id).await,
        }
    }

    /// The tenant's jobs newest first, after the job `after` (exclusive).
    pub async fn list(
        &self,
        tenant: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<JobPage, Error> {
        match self {
            JobStore::Local(local) => Ok(local.list(tenant, after, limit)),
            JobStore::Shared(shared) => shared.list(tenant, after, limit).await,
        }
    }

    /// The customers of one chunk, in submission order.
    pub async fn customers(&self, tenant: &str, id: &str, chunk: u64) -> Result<Packed, Error> {
        match self {
            JobStore::Local(local) => Ok(local.customers(tenant, id, chunk)),
            JobStore::Shared(shared) => Ok(shared
                .customers(tenant, id, chunk)
                .await?
                .map_or_else(Packed::default, |kept| compact::unpack_customers(&kept))),
        }
    }

    /// The records of one finished chunk; `None` while it is not.
    pub async fn records(
        &self,
        tenant: &str,
        id: &str,
        chunk: u64,
    ) -> Result<Option<Vec<u8>>, Error> {
        let kept = match self {
            JobStore::Local(local) => local.records(tenant, id, chunk),
            JobStore::Shared(shared) => shared.records(tenant, id, chunk).await?,
        };
        Ok(kept.map(compact::unpack_records))
    }

    /// Places of failed customers from `from` on, ascending, at most `limit`.
    pub async fn failed_from(
        &self,
        tenant: &str,
        id: &str,
        from: u64,
        limit: usize,
    ) -> Result<Vec<u64>, Error> {
        match self {
            JobStore::Local(local) => Ok(local.failed_from(tenant, id, from, limit)),
            JobStore::Shared(shared) => shared.failed_from(tenant, id, from, limit).await,
        }
    }

    /// Marks the job for cancelling (its runner ends it); the job as it now stands.
    pub async fn request_cancel(&self, tenant: &str, id: &str) -> Result<Option<Meta>, Error> {
        match self {
            JobStore::Local(local) => Ok(local.request_cancel(tenant, id)),
            JobStore::Shared(shared) => shared.request_cancel(tenant, id).await,
        }
    }

    /// Takes the job's lease for `owner` if nobody holds it; renews it if `owner` does.
    pub async fn lease(&self, tenant: &str, id: &str, owner: &str) -> Result<bool, Error> {
        match self {
            JobStore::Local(_) => Ok(true),
            JobStore::Shared(shared) => shared.lease(tenant, id, owner).await,
        }
    }

    /// The jobs that are not finished, as `(tenant, id)`: what a scheduler looks through.
    pub async fn unfinished(&self) -> Result<Vec<(String, String)>, Error> {
        match self {
            JobStore::Local(local) => Ok(local.unfinished()),
            JobStore::Shared(shared) => shared.unfinished().await,
        }
    }

    /// `queued` to `running`, now; `false` when `owner` no longer holds the lease.
    pub async fn start(&self, meta: &Meta, owner: &str, now: u64) -> Result<bool, Error> {
        match self {
            JobStore::Local(local) => Ok(local.start(meta, now)),
            JobStore::Shared(shared) => shared.start(meta, owner, now).await,
        }
    }

    /// Adds a finished chunk; `false` (nothing added) when `owner` lost the lease or the chunk
    /// was already added.
    pub async fn commit(&self, meta: &Meta, owner: &str, done: &ChunkDone) -> Result<bool, Error> {
        match self {
            JobStore::Local(local) => Ok(local.commit(meta, done)),
            JobStore::Shared(shared) => shared.commit(meta, owner, done).await,
        }
    }

    /// Ends the job in `state`.
    pub async fn finish(
        &self,
        meta: &Meta,
        owner: &str,
        state: State,
        problem: Option<JobProblem>,
        now: u64,
    ) -> Result<bool, Error> {
        match self {
            JobStore::Local(local) => Ok(local.finish(meta, state, problem, now)),
            JobStore::Shared(shared) => shared.finish(meta, owner, state, problem, now).await,
        }
    }
}
