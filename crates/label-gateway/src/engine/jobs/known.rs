//! The jobs this replica knows existed, so that a job whose record vanished from the shared
//! state (a Redis restarted without persistence, or one that evicted it) is told apart from a
//! job that never was: 410 `job_lost` instead of 404 `job_not_found`, and "job record lost" in
//! the log instead of "job lost to another replica".
//!
//! The mark has to outlive the record it vouches for, so it cannot live where the record did:
//! a marker key in Redis goes with the rest of a flushed Redis. It lives in the memory of the
//! replicas that knew the job (accepted it, ran it, or answered for it), bounded, for as long
//! as the record should have been kept. A replica that never saw the job, or that restarted
//! since, cannot tell and answers 404. A job id (UUIDv7) does carry its creation time, but any
//! client can write a well-formed one: it cannot prove that a job existed.

use std::time::Duration;

use moka::sync::Cache;

use super::clock::{now_ms, RETENTION};
use super::model::Meta;

/// Jobs remembered at most: a replica accepts at most a few jobs a second, and an entry costs
/// about 150 bytes (under 2 MiB in all).
const KEPT: u64 = 10_000;

pub struct Known {
    /// `(tenant, id)` → until when (Unix ms) the job's record should exist.
    jobs: Cache<(String, String), u64>,
}

impl Default for Known {
    fn default() -> Self {
        Self {
            jobs: Cache::builder()
                .max_capacity(KEPT)
                .time_to_live(RETENTION + Duration::from_secs(60 * 60))
                .build(),
        }
    }
}

impl Known {
    /// The job exists now; its record should be kept until `RETENTION` after it ends.
    pub fn saw(&self, meta: &Meta) {
        let until = meta.finished_at.unwrap_or_else(now_ms) + RETENTION.as_millis() as u64;
        self.jobs
            .insert((meta.tenant.clone(), meta.id.clone()), until);
    }

    /// Whether a job whose record is missing existed, and should still be there.
    pub fn lost(&self, tenant: &str, id: &str) -> bool {
        self.jobs
            .get(&(tenant.to_owned(), id.to_owned()))
            .is_some_and(|until| until > now_ms())
    }
}
