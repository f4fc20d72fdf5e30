//! `Idempotency-Key` on label changes, as Stripe and Merge do it: the first request with a key
//! runs and its final answer is kept for 24 h; a repeat with the same request gets that answer
//! again without any vendor call, a repeat with another request is refused, and a repeat while
//! the first still runs is told so. Keys are scoped per tenant. The records are the fleet's
//! (Redis, with `[state]`: the same key on two replicas at once runs once) or the process's.

mod key;
mod local;
mod shared;

use std::sync::Arc;
use std::time::Duration;

use crate::contract::{Code, Error};
use async_trait::async_trait;
use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::engine::fleet::Fleet;
pub use key::{fingerprint, key_of, Fingerprinting, KEY_HEADER};

pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long a key's answer is kept.
const TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// A tenant's key: keys are scoped per tenant, so two tenants may use the same one.
pub type Scoped = (String, String);

/// A final answer as it went out.
#[derive(Clone)]
pub struct Kept {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// Where the records are kept: in the process (`local::Local`) or in the fleet's Redis
/// (`shared::Shared`), chosen once at start.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// The first request's answer to replay, or the key, now this request's to run;
    /// `idempotency_key_reused` or `idempotency_in_progress` when it is another's.
    async fn claim(&self, key: Scoped, fingerprint: [u8; 32]) -> Result<Claimed, Error>;
}

/// What a claim found.
pub enum Claimed {
    Kept(Kept),
    /// The key is held for this request until it keeps an answer or lets the key go.
    Held(Box<dyn HeldKey>),
}

/// A key held by a running request, in the store that holds it.
#[async_trait]
pub trait HeldKey: Send + Sync {
    /// Keeps `answer` as the key's for a day.
    async fn keep(&self, answer: Kept);
    /// Frees the key: its request left no answer to keep.
    fn release(&self);
}

/// Every key of every tenant; cloning shares it.
#[derive(Clone)]
pub struct Idempotency {
    store: Arc<dyn IdempotencyStore>,
}

/// What a request with a key may do.
pub enum Claim {
    /// Run it; then hand its answer to the guard.
    Execute(Guard),
    /// The first request's answer, to be sent again as it is.
    Replay(Response),
}

/// The right to run the request for a key. Dropped without an answer (the client went away),
/// it frees the key, so that a retry can run.
pub struct Guard {
    held: Box<dyn HeldKey>,
    finished: bool,
}

impl Idempotency {
    /// In Redis when the fleet has `[state]`; else in the process, kept answers weighing at most
    /// `max_bytes` of its memory.
    pub fn new(fleet: &Fleet, max_bytes: u64) -> Self {
        let store: Arc<dyn IdempotencyStore> = match fleet.link() {
            Some(link) => Arc::new(shared::Shared::new(link.clone())),
            None => Arc::new(local::Local::new(max_bytes)),
        };
        Self { store }
    }

    pub async fn claim(
        &self,
        tenant: &str,
        key: String,
        fingerprint: [u8; 32],
    ) -> Result<Claim, Error> {
        let scoped = (tenant.to_owned(), key);
        Ok(match self.store.claim(scoped, fingerprint).await? {
            Claimed::Kept(kept) => Claim::Replay(kept.replay()),
            Claimed::Held(held) => Claim::Execute(Guard {
                held,
                finished: false,
            }),
        })
    }
}

impl Guard {
    /// Keeps `response` for the key if it is a final answer, and passes it on.
    pub async fn finish(mut self, response: Response) -> Response {
        self.finished = true;
        if !is_final(response.status()) {
            self.held.release();
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(body) = to_bytes(body, usize::MAX).await else {
            self.held.release();
            let mut response = Response::from_parts(parts, Body::empty());
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return response;
        };
        let kept = Kept {
            status: parts.status,
            content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
            body: body.clone(),
        };
        self.held.keep(kept).await;
        Response::from_parts(parts, Body::from(body))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.finished {
            self.held.release();
        }
    }
}

impl Kept {
    fn replay(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if let Some(content_type) = &self.content_type {
            headers.insert(header::CONTENT_TYPE, content_type.clone());
        }
        headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        response
    }
}

/// Which answers are kept. Successes and the client errors that follow from running the change
/// (an unknown customer, two references to one label) are final: running it again would say the
/// same. A 429 or a 5xx is not: the client is meant to retry, and since every change starts
/// with a fresh read of the vendor, a retry finishes the work instead of repeating it.
fn is_final(status: StatusCode) -> bool {
    status.is_success() || (status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS)
}

fn reused() -> Error {
    Error::new(
        Code::IdempotencyKeyReused,
        "this Idempotency-Key was used for another request (customer or body)",
    )
}

/// A change usually ends within a second; a client told to come back then gets the replay
/// rather than a second 409 at once.
const IN_PROGRESS_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

fn in_progress() -> Error {
    Error::new(
        Code::IdempotencyInProgress,
        "the first request with this Idempotency-Key is still running",
    )
    .with_retry_after(Some(IN_PROGRESS_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_final_answers_are_kept() {
        for kept in [200, 404, 422] {
            assert!(is_final(StatusCode::from_u16(kept).unwrap()), "{kept}");
        }
        for retried in [429, 500, 502, 503, 504] {
            assert!(
                !is_final(StatusCode::from_u16(retried).unwrap()),
                "{retried}"
            );
        }
    }
}
