//! Jobs in the process: gone when it ends. A finished job is kept for `RETENTION`, so that its
//! results can still be read.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::contract::Result;
use async_trait::async_trait;

use crate::engine::jobs::clock::{now_ms, RETENTION};
use crate::engine::jobs::compact::{self, CompactList};
use crate::engine::jobs::memory::Held;
use crate::engine::jobs::model::{ChunkDone, Meta, State};
use crate::engine::jobs::packed::Packed;
use crate::engine::jobs::store::{Finish, JobPage, JobStore, NewJob};

#[derive(Default)]
pub struct Local {
    /// By (tenant, id): ids sort by creation time, so a tenant's range read backwards is its
    /// jobs newest first.
    jobs: Mutex<BTreeMap<(String, String), Job>>,
}

struct Job {
    meta: Meta,
    /// Deflated chunk by chunk (see `compact`).
    customers: CompactList,
    chunks: Vec<Box<[u8]>>,
    failed: Vec<u64>,
    /// What the job holds of `[jobs] max_memory_bytes`, until it is forgotten.
    held: Held,
}

impl Job {
    /// Bytes on the heap: its customers, its results and its failures' places.
    fn weight(&self) -> usize {
        let chunks: usize = self.chunks.iter().map(|c| c.len() + 16).sum();
        self.customers.weight()
            + chunks
            + self.chunks.capacity() * 16
            + self.failed.capacity() * 8
            + self.meta.labels.len() * 64
    }
}

impl Local {
    fn with<R>(&self, read: impl FnOnce(&mut BTreeMap<(String, String), Job>) -> R) -> R {
        read(&mut self.jobs.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn update(&self, meta: &Meta, change: impl FnOnce(&mut Job) -> bool) -> bool {
        self.with(|jobs| match jobs.get_mut(&key(&meta.tenant, &meta.id)) {
            Some(job) => change(job),
            None => false,
        })
    }
}

#[async_trait]
impl JobStore for Local {
    fn durable(&self) -> bool {
        false
    }

    async fn create(&self, new: NewJob<'_>) -> Result<()> {
        let meta = new.meta;
        let mut job = Job {
            meta: meta.clone(),
            customers: new.customers,
            chunks: Vec::new(),
            failed: Vec::new(),
            held: new.held,
        };
        let weight = job.weight();
        job.held.resize(weight)?;
        self.with(|jobs| {
            forget_old(jobs);
            if active(jobs, &meta.tenant) >= new.max_active {
                return Err(super::too_many(&meta.tenant, new.max_active));
            }
            jobs.insert(key(&meta.tenant, &meta.id), job);
            Ok(())
        })
    }

    async fn active(&self, tenant: &str) -> Result<usize> {
        Ok(self.with(|jobs| active(jobs, tenant)))
    }

    async fn meta(&self, tenant: &str, id: &str) -> Result<Option<Meta>> {
        Ok(self.with(|jobs| jobs.get(&key(tenant, id)).map(|job| job.meta.clone())))
    }

    async fn list(&self, tenant: &str, after: Option<&str>, limit: usize) -> Result<JobPage> {
        Ok(self.with(|jobs| {
            let low = key(tenant, "");
            let high = match after {
                Some(after) => std::ops::Bound::Excluded(key(tenant, after)),
                None => std::ops::Bound::Included(key(tenant, "\u{10ffff}")),
            };
            let mut page: Vec<Meta> = jobs
                .range((std::ops::Bound::Included(low), high))
                .rev()
                .take(limit + 1)
                .map(|(_, job)| job.meta.clone())
                .collect();
            let more = page.len() > limit;
            page.truncate(limit);
            let next_after = more.then(|| page.last().map(|m| m.id.clone())).flatten();
            JobPage {
                jobs: page,
                next_after,
            }
        }))
    }

    async fn customers(&self, tenant: &str, id: &str, chunk: u64) -> Result<Packed> {
        Ok(self.with(|jobs| {
            jobs.get(&key(tenant, id))
                .map(|job| job.customers.chunk(chunk as usize))
                .unwrap_or_default()
        }))
    }

    async fn records(&self, tenant: &str, id: &str, chunk: u64) -> Result<Option<Vec<u8>>> {
        Ok(self.with(|jobs| {
            let job = jobs.get(&key(tenant, id))?;
            job.chunks
                .get(chunk as usize)
                .map(|records| compact::unpack_records(records.to_vec()))
        }))
    }

    async fn failed_from(&self, meta: &Meta, from: u64, limit: usize) -> Result<Vec<u64>> {
        Ok(self.with(|jobs| {
            let Some(job) = jobs.get(&key(&meta.tenant, &meta.id)) else {
                return Vec::new();
            };
            let start = job.failed.partition_point(|&at| at < from);
            job.failed[start..].iter().take(limit).copied().collect()
        }))
    }

    async fn request_cancel(&self, tenant: &str, id: &str) -> Result<Option<Meta>> {
        Ok(self.with(|jobs| {
            let job = jobs.get_mut(&key(tenant, id))?;
            if !job.meta.state.is_final() {
                job.meta.cancel_requested = true;
            }
            Some(job.meta.clone())
        }))
    }

    /// One process, one owner: its lease is always its own.
    async fn lease(&self, _tenant: &str, _id: &str, _owner: &str) -> Result<bool> {
        Ok(true)
    }

    async fn unfinished(&self) -> Result<Vec<(String, String)>> {
        Ok(self.with(|jobs| {
            jobs.iter()
                .filter(|(_, job)| !job.meta.state.is_final())
                .map(|(key, _)| key.clone())
                .collect()
        }))
    }

    async fn start(&self, meta: &Meta, _owner: &str, now: u64) -> Result<bool> {
        Ok(self.update(meta, |job| {
            if job.meta.state == State::Queued {
                job.meta.state = State::Running;
                job.meta.started_at = Some(now);
            }
            true
        }))
    }

    async fn commit(&self, meta: &Meta, _owner: &str, done: &ChunkDone) -> Result<bool> {
        Ok(self.update(meta, |job| {
            if job.meta.next_chunk != done.chunk {
                return false;
            }
            job.chunks.push(done.records.clone().into_boxed_slice());
            job.failed.extend(&done.failed_at);
            let counts = &mut job.meta.counts;
            counts.succeeded += done.succeeded;
            counts.failed += done.failed;
            counts.done += done.succeeded + done.failed;
            job.meta.vendor_calls += done.vendor_calls;
            job.meta.next_chunk += 1;
            job.meta.labels = done.labels.clone();
            job.meta.eta_seconds = done.eta_seconds;
            let weight = job.weight();
            job.held.force(weight);
            true
        }))
    }

    async fn finish(&self, meta: &Meta, _owner: &str, finish: Finish) -> Result<bool> {
        Ok(self.update(meta, |job| {
            job.meta.state = finish.state;
            job.meta.problem = finish.problem;
            job.meta.finished_at = Some(finish.at);
            job.meta.eta_seconds = None;
            true
        }))
    }
}

fn active(jobs: &BTreeMap<(String, String), Job>, tenant: &str) -> usize {
    jobs.range(key(tenant, "")..key(tenant, "\u{10ffff}"))
        .filter(|(_, job)| !job.meta.state.is_final())
        .count()
}

fn key(tenant: &str, id: &str) -> (String, String) {
    (tenant.to_owned(), id.to_owned())
}

/// Finished jobs older than `RETENTION` go.
fn forget_old(jobs: &mut BTreeMap<(String, String), Job>) {
    let cutoff = now_ms().saturating_sub(RETENTION.as_millis() as u64);
    jobs.retain(|_, job| job.meta.finished_at.is_none_or(|at| at >= cutoff));
}
