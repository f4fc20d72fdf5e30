//! With `[state]`: a webhook's deliveries from its tenant's stream through a consumer group of
//! its own (`XREADGROUP`; `XACK` once a delivery ended, delivered or failed), run by the one
//! replica that holds the webhook's lease (`SET NX PX`, renewed every beat), so that one
//! customer's events still go one after another. A replica that dies stops renewing; once the
//! lease lapses another replica takes it and first claims what the dead one had read and not
//! finished (`XAUTOCLAIM`), in stream order: nothing is lost, and a delivery in flight at the
//! kill is sent again (at least once; receivers de-duplicate by `webhook-id`).

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use redis::streams::{StreamAutoClaimReply, StreamReadReply};
use redis::Script;

use super::lanes::{Acknowledge, Hook, MAX_PENDING};
use crate::engine::clock::now_ms;
use crate::engine::events::event::Recorded;
use crate::engine::events::feed::Feed;
use crate::engine::events::shared::{entry, within};
use crate::engine::fleet::Link;

/// A webhook's lease lapses this long after its holder's last renewal.
pub const LEASE: Duration = Duration::from_secs(6);
const BEAT: Duration = Duration::from_secs(2);
const BATCH: usize = 500;

/// KEYS: lease. ARGV: owner, ms. Takes or renews the lease for `owner`; 1 if it holds it.
const TAKE: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";
static TAKE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(TAKE));

/// Where a webhook's group is, and who this replica is in it.
pub struct Group {
    link: Arc<Link>,
    stream: String,
    name: String,
    lease: String,
    owner: String,
    /// When this process was configured with the webhook (Unix ms): where its group starts.
    since_ms: u64,
}

impl Group {
    pub fn new(link: Arc<Link>, stream: String, tenant: &str, name: &str, owner: &str) -> Self {
        Self {
            lease: link.key(&["webhook", tenant, name, "lease"]),
            link,
            stream,
            name: name.to_owned(),
            owner: owner.to_owned(),
            since_ms: now_ms(),
        }
    }

    async fn hold(&self) -> bool {
        let Some(mut commands) = self.link.commands() else {
            return false;
        };
        let mut call = TAKE_SCRIPT.key(&self.lease);
        call.arg(&self.owner).arg(LEASE.as_millis() as u64);
        matches!(
            within(&self.link, call.invoke_async::<i64>(&mut commands)).await,
            Ok(Ok(1))
        )
    }

    /// Makes the group, reading from when the webhook was configured: a new webhook gets what
    /// came since, even if Redis could not be reached, or another replica held the lease, until
    /// later (a group made at the stream's end then would skip what was recorded meanwhile).
    /// Stream ids are milliseconds; a group that exists already keeps its place.
    async fn create(&self) {
        let Some(mut commands) = self.link.commands() else {
            return;
        };
        let mut cmd = redis::cmd("XGROUP");
        cmd.arg("CREATE")
            .arg(&self.stream)
            .arg(&self.name)
            .arg(format!("{}-0", self.since_ms))
            .arg("MKSTREAM");
        // BUSYGROUP: it exists already, as it should after the first time.
        let _ = within(&self.link, cmd.query_async::<()>(&mut commands)).await;
    }

    /// Everything the group has handed out and nobody finished (a dead replica's, or this
    /// one's from before it lost the lease), now this replica's, in stream order.
    async fn claim(&self) -> Option<Vec<Recorded>> {
        let mut claimed = Vec::new();
        let mut start = "0-0".to_owned();
        loop {
            let mut commands = self.link.commands()?;
            let mut cmd = redis::cmd("XAUTOCLAIM");
            cmd.arg(&self.stream)
                .arg(&self.name)
                .arg(&self.owner)
                .arg(0)
                .arg(&start)
                .arg("COUNT")
                .arg(BATCH);
            let reply: StreamAutoClaimReply = within(&self.link, cmd.query_async(&mut commands))
                .await
                .ok()?
                .ok()?;
            claimed.extend(reply.claimed.iter().filter_map(entry));
            if reply.next_stream_id == "0-0" {
                return Some(claimed);
            }
            start = reply.next_stream_id;
        }
    }

    /// New entries for this replica; `None` when Redis did not answer.
    async fn read(&self) -> Option<Vec<Recorded>> {
        let mut commands = self.link.commands()?;
        let mut cmd = redis::cmd("XREADGROUP");
        cmd.arg("GROUP")
            .arg(&self.name)
            .arg(&self.owner)
            .arg("COUNT")
            .arg(BATCH)
            .arg("STREAMS")
            .arg(&self.stream)
            .arg(">");
        let reply: Option<StreamReadReply> = within(&self.link, cmd.query_async(&mut commands))
            .await
            .ok()?
            .ok()?;
        Some(
            reply
                .into_iter()
                .flat_map(|reply| reply.keys)
                .flat_map(|key| key.ids)
                .filter_map(|id| entry(&id))
                .collect(),
        )
    }
}

#[async_trait::async_trait]
impl Acknowledge for Group {
    /// The delivery of the entry at `position` ended: it leaves the group's pending list.
    async fn ack(&self, position: &str) {
        for _ in 0..5 {
            if let Some(mut commands) = self.link.commands() {
                let mut cmd = redis::cmd("XACK");
                cmd.arg(&self.stream).arg(&self.name).arg(position);
                if let Ok(Ok(())) = within(&self.link, cmd.query_async::<()>(&mut commands)).await {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        // Left pending: a later holder of the lease sends it again (at least once).
        tracing::warn!(stream = %self.stream, group = %self.name, "a delivery's end could not be acknowledged");
    }
}

/// Runs the webhook whenever this replica holds its lease: claims what is pending, then reads
/// what comes. Losing the lease stops the deliveries running here; another replica sends
/// them.
pub async fn follow(feed: Arc<Feed>, hook: Arc<Hook>, group: Arc<Group>) {
    loop {
        if !group.hold().await {
            tokio::time::sleep(BEAT).await;
            continue;
        }
        group.create().await;
        let Some(claimed) = group.claim().await else {
            tokio::time::sleep(BEAT).await;
            continue;
        };
        for event in claimed {
            take(&hook, &group, event).await;
        }
        let mut renewed = tokio::time::Instant::now();
        loop {
            if renewed.elapsed() >= BEAT {
                if !group.hold().await {
                    tracing::warn!(tenant = %hook.tenant, "webhook lease lost: another replica delivers");
                    hook.stop_lanes();
                    break;
                }
                renewed = tokio::time::Instant::now();
            }
            if hook.pending() >= MAX_PENDING {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            let appended = feed.appended.notified();
            let read = group.read().await.unwrap_or_default();
            let full = read.len() == BATCH;
            for event in read {
                take(&hook, &group, event).await;
            }
            if !full {
                // Another replica's appends are seen on the next poll; this one's at once.
                let _ = tokio::time::timeout(Duration::from_millis(100), appended).await;
            }
        }
    }
}

/// Queues an entry the webhook takes; one it does not take is finished at once.
async fn take(hook: &Arc<Hook>, group: &Group, event: Recorded) {
    if hook.types.admits(event.kind) {
        hook.queue(event).await;
    } else {
        group.ack(&event.position).await;
    }
}
