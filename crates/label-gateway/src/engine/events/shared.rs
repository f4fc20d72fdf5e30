//! The event log in the fleet's Redis (`[state]`): a stream per tenant,
//! `{prefix}:events:{tenant}`, one entry per event (`id`, `type`, `key`, `at`, `json`), added
//! and trimmed by count and age in one script ([`APPEND`]), which also keeps the newest id it
//! trimmed (`…:trimmed`): Redis's own `max-deleted-entry-id` does not move when a stream is
//! trimmed. Positions are the stream's entry ids; one before the newest trimmed id has missed
//! events and is `cursor_expired`. Every replica reads and writes the same streams; webhooks
//! read them through consumer groups ([`super::webhooks::group`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::streams::StreamRangeReply;
use redis::Value;

use super::event::Recorded;
use super::log::{expired, not_a_position, EventLog, Page, Read};
use crate::config::EventsConfig;
use crate::contract::{Code, Error, EventType};
use crate::engine::clock::now_ms;
use crate::engine::fleet::Link;

/// KEYS: stream, trimmed. ARGV: max events, the oldest ms kept, then 5 fields per event (id,
/// type, key, at, json). Adds the events, trims what is past the count and the age, exactly,
/// and remembers the newest id it trimmed.
const APPEND: &str = r"
local i = 3
while i <= #ARGV do
  redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'type', ARGV[i+1], 'key', ARGV[i+2],
    'at', ARGV[i+3], 'json', ARGV[i+4])
  i = i + 5
end
local last = nil
local over = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[1])
if over > 0 then
  local old = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', over)
  last = old[#old][1]
end
-- Only when the oldest entry is past the age: a reverse range that finds nothing walks the
-- whole stream.
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local aged = {}
if #oldest > 0 and tonumber(string.match(oldest[1][1], '(%d+)-')) < tonumber(ARGV[2]) then
  aged = redis.call('XREVRANGE', KEYS[1], '(' .. ARGV[2], '-', 'COUNT', 1)
end
if #aged > 0 then
  local ms, seq = string.match(aged[1][1], '(%d+)-(%d+)')
  local lms, lseq = 0, 0
  if last then lms, lseq = string.match(last, '(%d+)-(%d+)') end
  if last == nil or tonumber(ms) > tonumber(lms) or (ms == lms and tonumber(seq) > tonumber(lseq)) then
    last = aged[1][1]
  end
end
if last then
  local ms, seq = string.match(last, '(%d+)-(%d+)')
  redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. (tonumber(seq) + 1))
  redis.call('SET', KEYS[2], last)
end
return 0
";
static APPEND_SCRIPT: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(APPEND));

/// Entries read at once while looking for a page's events.
const BATCH: usize = 1000;
/// Batches a read looks through for events its filter admits before it answers with what it
/// found (and a cursor past what it looked at).
const MAX_BATCHES: usize = 20;
/// How far around an event id's time a look-up by id searches (replicas' clocks and Redis's
/// differ a little).
const FIND_WINDOW_MS: u64 = 10_000;

pub struct SharedLog {
    link: Arc<Link>,
    retention: Duration,
    max_events: usize,
}

/// A stream entry id, `ms-seq`, compared as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryId(u64, u64);

impl EntryId {
    pub fn parse(text: &str) -> Option<Self> {
        let (ms, seq) = text.split_once('-')?;
        Some(Self(ms.parse().ok()?, seq.parse().ok()?))
    }
}

impl std::fmt::Display for EntryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.0, self.1)
    }
}

/// A tenant's stream: the newest id given out and the newest trimmed (both `0-0` for a stream
/// that does not exist yet, or never trimmed).
struct Bounds {
    last: EntryId,
    deleted: EntryId,
}

impl SharedLog {
    pub fn new(link: Arc<Link>, config: &EventsConfig) -> Self {
        Self {
            link,
            retention: config.retention,
            max_events: config.max_events,
        }
    }

    pub fn stream(&self, tenant: &str) -> String {
        self.link.key(&["events", tenant])
    }

    pub fn link(&self) -> &Arc<Link> {
        &self.link
    }

    fn trimmed(&self, tenant: &str) -> String {
        self.link.key(&["events", tenant, "trimmed"])
    }

    async fn bounds(&self, tenant: &str) -> Result<Bounds, Error> {
        let mut commands = self.link.commands().ok_or_else(unavailable)?;
        let mut get = redis::cmd("GET");
        get.arg(self.trimmed(tenant));
        let trimmed: Option<String> = within(&self.link, get.query_async(&mut commands))
            .await?
            .map_err(|_| unavailable())?;
        let mut cmd = redis::cmd("XINFO");
        cmd.arg("STREAM").arg(self.stream(tenant));
        let reply: redis::RedisResult<HashMap<String, Value>> =
            within(&self.link, cmd.query_async(&mut commands)).await?;
        let info = match reply {
            Ok(info) => info,
            // No stream yet: nothing was ever recorded for the tenant.
            Err(error) if error.to_string().contains("no such key") => HashMap::new(),
            Err(_) => return Err(unavailable()),
        };
        let id = |field: &str| {
            info.get(field)
                .and_then(|value| redis::from_redis_value::<String>(value).ok())
                .and_then(|text| EntryId::parse(&text))
                .unwrap_or(EntryId(0, 0))
        };
        Ok(Bounds {
            last: id("last-generated-id"),
            deleted: trimmed
                .as_deref()
                .and_then(EntryId::parse)
                .unwrap_or(EntryId(0, 0)),
        })
    }

    async fn range(&self, tenant: &str, start: &str, end: &str) -> Result<Vec<Recorded>, Error> {
        let mut commands = self.link.commands().ok_or_else(unavailable)?;
        let mut cmd = redis::cmd("XRANGE");
        cmd.arg(self.stream(tenant))
            .arg(start)
            .arg(end)
            .arg("COUNT")
            .arg(BATCH);
        let reply: StreamRangeReply = within(&self.link, cmd.query_async(&mut commands))
            .await?
            .map_err(|_| unavailable())?;
        Ok(reply.ids.iter().filter_map(entry).collect())
    }
}

/// An entry as the log reads it back; one it cannot read (not written by a gateway) is skipped.
pub fn entry(entry: &redis::streams::StreamId) -> Option<Recorded> {
    let text = |field: &str| entry.get::<String>(field);
    let key = text("key").filter(|key| !key.is_empty());
    Some(Recorded {
        at_ms: text("at").and_then(|at| at.parse().ok()).unwrap_or(0),
        id: text("id")?.into(),
        kind: EventType::parse(&text("type")?)?,
        key: key.map(Into::into),
        json: text("json")?.into(),
        position: entry.id.as_str().into(),
    })
}

#[async_trait]
impl EventLog for SharedLog {
    async fn append(&self, tenant: &str, events: Vec<Recorded>) -> Result<(), Error> {
        let mut commands = self.link.commands().ok_or_else(unavailable)?;
        let oldest = now_ms().saturating_sub(self.retention.as_millis() as u64);
        let mut call = APPEND_SCRIPT.key(self.stream(tenant));
        call.key(self.trimmed(tenant))
            .arg(self.max_events)
            .arg(oldest);
        for event in &events {
            call.arg(event.id.as_ref())
                .arg(event.kind.as_str())
                .arg(event.key.as_deref().unwrap_or(""))
                .arg(event.at_ms)
                .arg(event.json.as_ref());
        }
        within(&self.link, call.invoke_async::<i64>(&mut commands))
            .await?
            .map(|_| ())
            .map_err(|_| unavailable())
    }

    async fn read(&self, tenant: &str, read: Read<'_>) -> Result<Page, Error> {
        let (filter, limit) = (read.types, read.limit);
        let after = read
            .after
            .map(|text| EntryId::parse(text).ok_or_else(not_a_position))
            .transpose()?;
        let bounds = self.bounds(tenant).await?;
        if let Some(after) = after {
            if after > bounds.last {
                return Err(not_a_position());
            }
            if after < bounds.deleted {
                return Err(expired());
            }
        }
        let mut page = Page {
            items: Vec::new(),
            next: after.unwrap_or(bounds.last.max(bounds.deleted)).to_string(),
        };
        let mut start = match after {
            Some(after) => format!("({after}"),
            None => "-".to_owned(),
        };
        for _ in 0..MAX_BATCHES {
            let batch = self.range(tenant, &start, "+").await?;
            let full = batch.len() == BATCH;
            for event in batch {
                if page.items.len() == limit {
                    return Ok(page);
                }
                page.next = event.position.to_string();
                if filter.admits(event.kind) {
                    page.items.push(event);
                }
            }
            if !full {
                break;
            }
            start = format!("({}", page.next);
        }
        Ok(page)
    }

    async fn end(&self, tenant: &str) -> Result<String, Error> {
        Ok(self.bounds(tenant).await?.last.to_string())
    }

    async fn find(&self, tenant: &str, id: &str) -> Result<Option<Recorded>, Error> {
        let Some(at) = uuid_ms(id) else {
            return Ok(None);
        };
        let mut start = at.saturating_sub(FIND_WINDOW_MS).to_string();
        let end = (at + FIND_WINDOW_MS).to_string();
        loop {
            let batch = self.range(tenant, &start, &end).await?;
            if let Some(found) = batch.iter().find(|event| &*event.id == id) {
                return Ok(Some(found.clone()));
            }
            match batch.last() {
                Some(last) if batch.len() == BATCH => start = format!("({}", last.position),
                _ => return Ok(None),
            }
        }
    }

    fn durable(&self) -> bool {
        true
    }
}

/// The milliseconds a UUIDv7 event id (`evt_<uuid>`) was made at.
fn uuid_ms(id: &str) -> Option<u64> {
    let uuid = uuid::Uuid::parse_str(id.strip_prefix("evt_")?).ok()?;
    let (secs, nanos) = uuid.get_timestamp()?.to_unix();
    Some(secs * 1000 + u64::from(nanos) / 1_000_000)
}

pub async fn within<T>(
    link: &Link,
    command: impl std::future::Future<Output = T>,
) -> Result<T, Error> {
    tokio::time::timeout(link.command_timeout(), command)
        .await
        .map_err(|_| unavailable())
}

pub fn unavailable() -> Error {
    Error::new(
        Code::StateUnavailable,
        "the shared state that keeps events cannot be reached; try again shortly",
    )
    .with_retry_after(Some(Duration::from_secs(1)))
}
