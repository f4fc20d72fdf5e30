//! Jobs in Redis, for a fleet. Under `{prefix}:job:{tenant}:{id}`: the meta (a hash, one field
//! per thing that changes, so that a cancel and a chunk's commit never overwrite each other),
//! `:customers` and `:results` (hashes, one field per chunk), `:failed` (a sorted set of the
//! failed customers' places) and `:lease` (`SET NX PX`, renewed by its runner's heartbeat).
//! `{prefix}:jobs:{tenant}` lists a tenant's ids (a sorted set read by lex order: ids sort by
//! time), `{prefix}:jobs-active` the unfinished jobs that schedulers look through. A chunk's
//! commit and a job's end are scripts that check the lease, so a replica that lost its job
//! never writes into it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::contract::{Code, Error, Result};
use async_trait::async_trait;
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};

use super::shared_meta::{read_meta, Head};
use super::{scripts, Finish, JobPage, JobStore, NewJob, LEASE};
use crate::engine::fleet::Link;
use crate::engine::jobs::clock::RETENTION;
use crate::engine::jobs::compact;
use crate::engine::jobs::model::{ChunkDone, Meta};
use crate::engine::jobs::packed::Packed;

/// Small commands; a chunk's customers or results are far under a megabyte.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// Chunks of customers written in one pipeline when a job is made.
const CHUNKS_PER_WRITE: usize = 64;

pub struct Shared {
    link: Arc<Link>,
    commit: Script,
    finish: Script,
    start: Script,
    lease: Script,
    cancel: Script,
    create: Script,
}

impl Shared {
    pub fn new(link: Arc<Link>) -> Self {
        Self {
            link,
            commit: Script::new(scripts::COMMIT),
            finish: Script::new(scripts::FINISH),
            start: Script::new(scripts::START),
            lease: Script::new(scripts::LEASE_SCRIPT),
            cancel: Script::new(scripts::CANCEL),
            create: Script::new(scripts::CREATE),
        }
    }

    fn key(&self, tenant: &str, id: &str, part: &str) -> String {
        match part {
            "" => self.link.key(&["job", tenant, id]),
            part => self.link.key(&["job", tenant, id, part]),
        }
    }

    fn commands(&self) -> Result<ConnectionManager> {
        self.link.commands().ok_or_else(unavailable)
    }
}

#[async_trait]
impl JobStore for Shared {
    fn durable(&self) -> bool {
        true
    }

    /// Makes the job unless its tenant has `max_active` unfinished ones (then nothing of it is
    /// left behind).
    async fn create(&self, new: NewJob<'_>) -> Result<()> {
        // `new.held` is dropped: in Redis, the job holds nothing of this process's memory.
        let (meta, max_active) = (new.meta, new.max_active);
        let mut commands = self.commands()?;
        let (tenant, id) = (&meta.tenant, &meta.id);
        let key = self.key(tenant, id, "customers");
        for (group, written) in new.customers.chunks().chunks(CHUNKS_PER_WRITE).enumerate() {
            let mut pipe = redis::pipe();
            for (i, bytes) in written.iter().enumerate() {
                pipe.hset(&key, group * CHUNKS_PER_WRITE + i, &bytes[..])
                    .ignore();
            }
            within(pipe.query_async::<()>(&mut commands)).await?;
        }
        let head = Head {
            id: id.clone(),
            tenant: tenant.clone(),
            spec: meta.spec.clone(),
            chunk_size: meta.chunk_size,
            created_at: meta.created_at,
        };
        let head = serde_json::to_string(&head).unwrap_or_default();
        let fields: [(&str, String); 8] = [
            ("head", head),
            ("state", meta.state.as_str().to_owned()),
            ("total", meta.counts.total.to_string()),
            ("done", "0".to_owned()),
            ("succeeded", "0".to_owned()),
            ("failed", "0".to_owned()),
            ("vendor_calls", "0".to_owned()),
            ("next_chunk", "0".to_owned()),
        ];
        let mut call = self.create.key(self.key(tenant, id, ""));
        call.key(self.link.key(&["jobs", tenant]))
            .key(self.link.key(&["jobs-active"]))
            .arg(format!("{tenant}/"))
            .arg(max_active)
            .arg(id)
            .arg(format!("{tenant}/{id}"));
        for (field, value) in &fields {
            call.arg(*field).arg(value);
        }
        if within(call.invoke_async::<i64>(&mut commands)).await? == 1 {
            return Ok(());
        }
        let _: Result<()> = within(commands.del(key)).await;
        Err(super::too_many(tenant, max_active))
    }

    /// The tenant's unfinished jobs, fleet-wide.
    async fn active(&self, tenant: &str) -> Result<usize> {
        let mut commands = self.commands()?;
        let members: Vec<String> =
            within(commands.smembers(self.link.key(&["jobs-active"]))).await?;
        let prefix = format!("{tenant}/");
        Ok(members.iter().filter(|m| m.starts_with(&prefix)).count())
    }

    async fn meta(&self, tenant: &str, id: &str) -> Result<Option<Meta>> {
        let mut commands = self.commands()?;
        let fields: HashMap<String, String> =
            within(commands.hgetall(self.key(tenant, id, ""))).await?;
        Ok(read_meta(&fields))
    }

    async fn list(&self, tenant: &str, after: Option<&str>, limit: usize) -> Result<JobPage> {
        let mut commands = self.commands()?;
        let max = after.map_or("+".to_owned(), |after| format!("({after}"));
        let ids: Vec<String> = within(commands.zrevrangebylex_limit(
            self.link.key(&["jobs", tenant]),
            max,
            "-",
            0,
            limit as isize + 1,
        ))
        .await?;
        let more = ids.len() > limit;
        let mut jobs = Vec::with_capacity(limit);
        for id in ids.iter().take(limit) {
            match self.meta(tenant, id).await? {
                Some(meta) => jobs.push(meta),
                // Its keys expired: forget it from the listing too.
                None => {
                    let _: Result<()> =
                        within(commands.zrem(self.link.key(&["jobs", tenant]), id)).await;
                }
            }
        }
        let next_after = more
            .then(|| ids.get(limit.saturating_sub(1)).cloned())
            .flatten();
        Ok(JobPage { jobs, next_after })
    }

    async fn customers(&self, tenant: &str, id: &str, chunk: u64) -> Result<Packed> {
        let mut commands = self.commands()?;
        let kept: Option<Vec<u8>> =
            within(commands.hget(self.key(tenant, id, "customers"), chunk)).await?;
        Ok(kept.map_or_else(Packed::default, |kept| compact::unpack_customers(&kept)))
    }

    async fn records(&self, tenant: &str, id: &str, chunk: u64) -> Result<Option<Vec<u8>>> {
        let mut commands = self.commands()?;
        let kept: Option<Vec<u8>> =
            within(commands.hget(self.key(tenant, id, "results"), chunk)).await?;
        Ok(kept.map(compact::unpack_records))
    }

    async fn failed_from(&self, meta: &Meta, from: u64, limit: usize) -> Result<Vec<u64>> {
        let mut commands = self.commands()?;
        let key = self.key(&meta.tenant, &meta.id, "failed");
        within(commands.zrangebyscore_limit(key, from, "+inf", 0, limit as isize)).await
    }

    async fn request_cancel(&self, tenant: &str, id: &str) -> Result<Option<Meta>> {
        let mut commands = self.commands()?;
        let call = self.cancel.key(self.key(tenant, id, ""));
        within(call.invoke_async::<i64>(&mut commands)).await?;
        self.meta(tenant, id).await
    }

    async fn lease(&self, tenant: &str, id: &str, owner: &str) -> Result<bool> {
        let mut commands = self.commands()?;
        let mut call = self.lease.key(self.key(tenant, id, "lease"));
        call.arg(owner).arg(LEASE.as_millis() as u64);
        Ok(within(call.invoke_async::<i64>(&mut commands)).await? == 1)
    }

    async fn unfinished(&self) -> Result<Vec<(String, String)>> {
        let mut commands = self.commands()?;
        let members: Vec<String> =
            within(commands.smembers(self.link.key(&["jobs-active"]))).await?;
        Ok(members
            .iter()
            .filter_map(|m| m.split_once('/'))
            .map(|(t, i)| (t.to_owned(), i.to_owned()))
            .collect())
    }

    async fn start(&self, meta: &Meta, owner: &str, now: u64) -> Result<bool> {
        let mut commands = self.commands()?;
        let mut call = self.start.key(self.key(&meta.tenant, &meta.id, ""));
        call.key(self.key(&meta.tenant, &meta.id, "lease"))
            .arg(owner)
            .arg(now);
        Ok(within(call.invoke_async::<i64>(&mut commands)).await? == 1)
    }

    async fn commit(&self, meta: &Meta, owner: &str, done: &ChunkDone) -> Result<bool> {
        let mut commands = self.commands()?;
        let (t, i) = (&meta.tenant, &meta.id);
        let mut call = self.commit.key(self.key(t, i, ""));
        call.key(self.key(t, i, "results"))
            .key(self.key(t, i, "failed"))
            .key(self.key(t, i, "lease"))
            .arg(owner)
            .arg(done.chunk)
            .arg(done.records.as_slice())
            .arg(done.succeeded)
            .arg(done.failed)
            .arg(done.vendor_calls)
            .arg(serde_json::to_string(&done.labels).unwrap_or_default())
            .arg(
                done.eta_seconds
                    .map_or(String::new(), |eta| eta.to_string()),
            );
        for at in &done.failed_at {
            call.arg(at);
        }
        Ok(within(call.invoke_async::<i64>(&mut commands)).await? == 1)
    }

    async fn finish(&self, meta: &Meta, owner: &str, finish: Finish) -> Result<bool> {
        let Finish { state, problem, at } = finish;
        let mut commands = self.commands()?;
        let (t, i) = (&meta.tenant, &meta.id);
        let mut call = self.finish.key(self.key(t, i, ""));
        for part in ["lease", "customers", "results", "failed"] {
            call.key(self.key(t, i, part));
        }
        call.key(self.link.key(&["jobs-active"]))
            .arg(owner)
            .arg(state.as_str())
            .arg(problem.map_or(String::new(), |p| {
                serde_json::to_string(&p).unwrap_or_default()
            }))
            .arg(at)
            .arg(format!("{t}/{i}"))
            .arg(RETENTION.as_millis() as u64);
        Ok(within(call.invoke_async::<i64>(&mut commands)).await? == 1)
    }
}

async fn within<T>(command: impl std::future::Future<Output = redis::RedisResult<T>>) -> Result<T> {
    match tokio::time::timeout(COMMAND_TIMEOUT, command).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "a job command failed in the shared state");
            Err(unavailable())
        }
        Err(_) => Err(unavailable()),
    }
}

fn unavailable() -> Error {
    Error::new(
        Code::StateUnavailable,
        "the shared state that keeps jobs cannot be reached; try again shortly",
    )
    .with_retry_after(Some(Duration::from_secs(1)))
}
