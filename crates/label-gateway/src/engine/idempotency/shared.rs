//! The records in Redis, for a fleet: a key is claimed with one script ("set if absent, else
//! read"), so the same key sent to two replicas at once runs once. A running record is leased:
//! if its replica dies, the key frees itself after `RUNNING_LEASE`.

use std::sync::Arc;
use std::time::Duration;

use crate::contract::{Code, Error};
use async_trait::async_trait;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode};
use redis::Script;

use super::{in_progress, reused, Claimed, HeldKey, IdempotencyStore, Kept, Scoped, TTL};
use crate::engine::fleet::Link;

/// How long a claimed key stays claimed if its request never finishes (its replica died): far
/// longer than any change takes (four vendor exchanges of at most `timeout_ms` each).
const RUNNING_LEASE: Duration = Duration::from_secs(60);

const CLAIM: &str = r"
local record = redis.call('HMGET', KEYS[1], 'fp', 'state', 'status', 'ctype', 'body')
if not record[1] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'running', 'owner', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'run'}
end
if record[1] ~= ARGV[1] then return {'reused'} end
if record[2] == 'running' then return {'running'} end
return {'done', record[3], record[4] or '', record[5]}
";

const KEEP: &str = r"
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'ctype', ARGV[3], 'body', ARGV[4])
redis.call('HDEL', KEYS[1], 'owner')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
";

const RELEASE: &str = r"
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
";

#[derive(Clone)]
pub(super) struct Shared {
    inner: Arc<Inner>,
}

struct Inner {
    link: Arc<Link>,
    claim: Script,
    keep: Script,
    release: Script,
}

impl Shared {
    pub fn new(link: Arc<Link>) -> Self {
        Self {
            inner: Arc::new(Inner {
                link,
                claim: Script::new(CLAIM),
                keep: Script::new(KEEP),
                release: Script::new(RELEASE),
            }),
        }
    }

    fn key(&self, (tenant, key): &Scoped) -> String {
        self.inner.link.key(&["idempotency", tenant, key])
    }

    /// Keeps the answer for 24 h. A failure is logged: the client has its answer, and the key
    /// frees itself when its lease ends.
    async fn keep(&self, key: &Scoped, owner: u64, answer: Kept) {
        let Some(mut commands) = self.inner.link.commands() else {
            tracing::warn!(
                "an idempotent answer could not be kept: the shared state is unreachable"
            );
            return;
        };
        let content_type = answer
            .content_type
            .as_ref()
            .map_or(&b""[..], HeaderValue::as_bytes);
        let mut call = self.inner.keep.key(self.key(key));
        call.arg(owner)
            .arg(answer.status.as_u16())
            .arg(content_type)
            .arg(answer.body.as_ref())
            .arg(TTL.as_millis() as u64);
        let kept = tokio::time::timeout(
            self.inner.link.command_timeout(),
            call.invoke_async::<i64>(&mut commands),
        );
        if !matches!(kept.await, Ok(Ok(1))) {
            tracing::warn!("an idempotent answer could not be kept in the shared state");
        }
    }

    /// Frees the key, in the background (a guard is dropped outside any `await`).
    fn release(&self, key: &Scoped, owner: u64) {
        let (this, key) = (self.clone(), self.key(key));
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let Some(mut commands) = this.inner.link.commands() else {
                return;
            };
            let mut call = this.inner.release.key(key);
            call.arg(owner);
            let _ = tokio::time::timeout(
                this.inner.link.command_timeout(),
                call.invoke_async::<i64>(&mut commands),
            )
            .await;
        });
    }
}

#[async_trait]
impl IdempotencyStore for Shared {
    /// Without Redis, `state_unavailable`: a key's promise cannot be kept by one replica alone.
    async fn claim(&self, key: Scoped, fingerprint: [u8; 32]) -> Result<Claimed, Error> {
        // Tells this request's record in Redis from another's with the same key.
        let owner = rand::random();
        let mut commands = self.inner.link.commands().ok_or_else(unavailable)?;
        let mut call = self.inner.claim.key(self.key(&key));
        call.arg(hex::encode(fingerprint))
            .arg(owner)
            .arg(RUNNING_LEASE.as_millis() as u64);
        let answer = tokio::time::timeout(
            self.inner.link.command_timeout(),
            call.invoke_async::<Vec<Vec<u8>>>(&mut commands),
        )
        .await;
        let record = match answer {
            Ok(Ok(record)) => record,
            _ => return Err(unavailable()),
        };
        match record.first().map(Vec::as_slice) {
            Some(b"run") => Ok(Claimed::Held(Box::new(Held {
                shared: self.clone(),
                key,
                owner,
            }))),
            Some(b"reused") => Err(reused()),
            Some(b"running") => Err(in_progress()),
            Some(b"done") => kept(&record).map(Claimed::Kept).ok_or_else(unavailable),
            _ => Err(unavailable()),
        }
    }
}

/// A key held in Redis by one request of this replica's.
struct Held {
    shared: Shared,
    key: Scoped,
    owner: u64,
}

#[async_trait]
impl HeldKey for Held {
    async fn keep(&self, answer: Kept) {
        self.shared.keep(&self.key, self.owner, answer).await;
    }

    fn release(&self) {
        self.shared.release(&self.key, self.owner);
    }
}

fn kept(record: &[Vec<u8>]) -> Option<Kept> {
    let [_, status, content_type, body] = record else {
        return None;
    };
    let status = std::str::from_utf8(status).ok()?.parse().ok()?;
    Some(Kept {
        status: StatusCode::from_u16(status).ok()?,
        content_type: (!content_type.is_empty())
            .then(|| HeaderValue::from_bytes(content_type).ok())
            .flatten(),
        body: Bytes::copy_from_slice(body),
    })
}

fn unavailable() -> Error {
    Error::new(
        Code::StateUnavailable,
        "the shared state that keeps Idempotency-Key records cannot be reached; nothing was sent to the vendor",
    )
    .with_retry_after(Some(Duration::from_secs(1)))
}
