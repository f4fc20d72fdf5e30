//! A job passed from one replica to another without sending a customer twice, or reporting one
//! wrongly. Two cases:
//!
//! - **A replica that stops** (SIGTERM) finishes and commits the chunk in flight, then releases
//!   the job's lease and bumps `{prefix}:jobs-handoffs`; every replica's scheduler watches that
//!   counter (a GET every [`POLL`]) and looks for jobs to take at once, so another replica goes
//!   on within about [`POLL`], not after the lease lapses.
//! - **A replica that dies** mid-chunk leaves that chunk uncommitted, and the replica taking the
//!   job over sends it again. Before a chunk is sent its number is recorded (`…:intent`), so the
//!   new runner knows the chunk was started by this job: a reference whose vendor state already
//!   is what the job wants there is what this job did, and it keeps the outcome it first got,
//!   `applied`, not `unchanged`.
//!
//! Without `[state]` there is no other replica: none of this applies.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::{AsyncCommands, Script};

use super::clock::RETENTION;
use super::record::{Outcome, RefStatus};
use crate::contract::{Code, Error};
use crate::engine::fleet::Link;

/// How often a scheduler looks whether a replica handed jobs off.
pub const POLL: Duration = Duration::from_millis(250);

/// KEYS: lease, handoffs. ARGV: owner. Frees the lease if `owner` holds it, and says so.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
return 1
";

static RELEASE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RELEASE));

pub struct Handoff {
    link: Option<Arc<Link>>,
}

impl Handoff {
    pub fn new(link: Option<&Arc<Link>>) -> Self {
        Self {
            link: link.cloned(),
        }
    }

    /// The lease key is the job store's (`job:{tenant}:{id}:lease`).
    fn key(link: &Link, tenant: &str, id: &str, part: &str) -> String {
        link.key(&["job", tenant, id, part])
    }

    /// Frees the job's lease for another replica, if `owner` still holds it.
    pub async fn release(&self, tenant: &str, id: &str, owner: &str) -> Result<bool, Error> {
        let Some(link) = &self.link else {
            return Ok(true);
        };
        let mut commands = link.commands().ok_or_else(unavailable)?;
        let mut call = RELEASE_SCRIPT.key(Self::key(link, tenant, id, "lease"));
        call.key(link.key(&["jobs-handoffs"])).arg(owner);
        let released: i64 = within(link, call.invoke_async(&mut commands)).await?;
        Ok(released == 1)
    }

    /// How many hand-offs the fleet has made; `None` without `[state]` or while Redis is away.
    pub async fn count(&self) -> Option<u64> {
        let link = self.link.as_ref()?;
        let mut commands = link.commands()?;
        let count: Option<u64> = within(link, commands.get(link.key(&["jobs-handoffs"])))
            .await
            .ok()?;
        Some(count.unwrap_or(0))
    }

    /// Records that `chunk` is about to be sent: a replica taking the job over then knows it.
    pub async fn intend(&self, tenant: &str, id: &str, chunk: u64) -> Result<(), Error> {
        let Some(link) = &self.link else {
            return Ok(());
        };
        let mut commands = link.commands().ok_or_else(unavailable)?;
        let key = Self::key(link, tenant, id, "intent");
        let ttl = RETENTION.as_millis() as u64;
        within(link, commands.pset_ex::<_, _, ()>(key, chunk, ttl)).await
    }

    /// The chunk a runner of this job last started, if any.
    pub async fn intended(&self, tenant: &str, id: &str) -> Result<Option<u64>, Error> {
        let Some(link) = &self.link else {
            return Ok(None);
        };
        let mut commands = link.commands().ok_or_else(unavailable)?;
        within(link, commands.get(Self::key(link, tenant, id, "intent"))).await
    }
}

/// A chunk this job had started sending before its replica died: a reference found already as
/// the job wants it was (as far as anyone can tell) made so by this job, and reads `applied`.
pub fn as_first_sent(outcomes: &mut [Outcome]) {
    for outcome in outcomes {
        if let Outcome::Succeeded(refs) = outcome {
            for result in refs.iter_mut() {
                if result.status == RefStatus::Unchanged {
                    result.status = RefStatus::Applied;
                }
            }
        }
    }
}

async fn within<T>(
    link: &Link,
    command: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Result<T, Error> {
    match tokio::time::timeout(link.command_timeout(), command).await {
        Ok(Ok(value)) => Ok(value),
        _ => Err(unavailable()),
    }
}

fn unavailable() -> Error {
    Error::new(
        Code::StateUnavailable,
        "the shared state that keeps jobs cannot be reached; try again shortly",
    )
    .with_retry_after(Some(Duration::from_secs(1)))
}
