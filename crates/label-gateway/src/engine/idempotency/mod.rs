//! `Idempotency-Key` on label changes, as Stripe and Merge do it: the first request with a key
//! runs and its final answer is kept for 24 h; a repeat with the same request gets that answer
//! again without any vendor call, a repeat with another request is refused, and a repeat while
//! the first still runs is told so. Keys are scoped per tenant. The records are the fleet's
//! (Redis, with `[state]`: the same key on two replicas at once runs once) or the process's.

mod local;
mod shared;

use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use label_core::FieldProblem;
use sha2::{Digest, Sha256};

use crate::contract::{Code, Error};
use crate::engine::fleet::Fleet;

pub const KEY_HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
const MAX_KEY_LEN: usize = 255;
/// How long a key's answer is kept.
const TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// A tenant's key: keys are scoped per tenant, so two tenants may use the same one.
type Scoped = (String, String);

/// A final answer as it went out.
#[derive(Clone)]
struct Kept {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// Where the records are kept.
#[derive(Clone)]
enum Records {
    Local(local::Local),
    Shared(shared::Shared),
}

/// Every key of every tenant; cloning shares it.
#[derive(Clone)]
pub struct IdempotencyStore {
    records: Records,
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
    records: Records,
    key: Scoped,
    fingerprint: [u8; 32],
    holding: Holding,
    finished: bool,
}

/// What a running request holds of its key.
enum Holding {
    Slot(std::sync::Arc<local::Slot>),
    /// Tells this request's record in Redis from another's with the same key.
    Owner(u64),
}

/// The key a request carries, if any: 1 to 255 visible ASCII characters.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, FieldProblem> {
    let Some(value) = headers.get(KEY_HEADER) else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    if (1..=MAX_KEY_LEN).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_graphic) {
        // Visible ASCII is valid UTF-8.
        return Ok(Some(String::from_utf8_lossy(bytes).into_owned()));
    }
    Err(FieldProblem::in_header(
        "Idempotency-Key",
        format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
    ))
}

/// What makes two requests "the same": what they change (the canonical customer, or any other
/// subject) and their exact body.
pub fn fingerprint(subject: &str, body: &[u8]) -> [u8; 32] {
    let mut hash = Fingerprinting::new(subject);
    hash.update(body);
    hash.finish()
}

/// [`fingerprint`] of a body read piece by piece (a job submission is never held whole).
pub struct Fingerprinting(Sha256);

impl Fingerprinting {
    pub fn new(subject: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update((subject.len() as u64).to_be_bytes());
        hash.update(subject.as_bytes());
        Self(hash)
    }

    pub fn update(&mut self, piece: &[u8]) {
        self.0.update(piece);
    }

    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl IdempotencyStore {
    /// In Redis when the fleet has `[state]`; else in the process, kept answers weighing at most
    /// `max_bytes` of its memory.
    pub fn new(fleet: &Fleet, max_bytes: u64) -> Self {
        let records = match fleet.link() {
            Some(link) => Records::Shared(shared::Shared::new(link.clone())),
            None => Records::Local(local::Local::new(max_bytes)),
        };
        Self { records }
    }

    pub async fn claim(
        &self,
        tenant: &str,
        key: String,
        fingerprint: [u8; 32],
    ) -> Result<Claim, Error> {
        let scoped = (tenant.to_owned(), key);
        let claimed = match &self.records {
            Records::Local(local) => local
                .claim(&scoped, fingerprint)
                .await?
                .map_err(Holding::Slot),
            Records::Shared(shared) => {
                let owner = rand::random();
                let kept = shared.claim(&scoped, fingerprint, owner).await?;
                kept.ok_or(Holding::Owner(owner))
            }
        };
        match claimed {
            Ok(kept) => Ok(Claim::Replay(kept.replay())),
            Err(holding) => Ok(Claim::Execute(Guard {
                records: self.records.clone(),
                key: scoped,
                fingerprint,
                holding,
                finished: false,
            })),
        }
    }
}

impl Guard {
    /// Keeps `response` for the key if it is a final answer, and passes it on.
    pub async fn finish(mut self, response: Response) -> Response {
        self.finished = true;
        if !is_final(response.status()) {
            self.release();
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(body) = to_bytes(body, usize::MAX).await else {
            self.release();
            let mut response = Response::from_parts(parts, Body::empty());
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return response;
        };
        let kept = Kept {
            status: parts.status,
            content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
            body: body.clone(),
        };
        match (&self.records, &self.holding) {
            (Records::Local(local), Holding::Slot(slot)) => {
                local.keep(&self.key, slot, self.fingerprint, kept).await;
            }
            (Records::Shared(shared), Holding::Owner(owner)) => {
                shared.keep(&self.key, *owner, kept).await;
            }
            _ => {}
        }
        Response::from_parts(parts, Body::from(body))
    }

    fn release(&self) {
        match (&self.records, &self.holding) {
            (_, Holding::Slot(slot)) => slot.release(),
            (Records::Shared(shared), Holding::Owner(owner)) => shared.release(&self.key, *owner),
            (Records::Local(_), Holding::Owner(_)) => {}
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.finished {
            self.release();
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

    fn headers(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            KEY_HEADER,
            HeaderValue::from_bytes(value).expect("a header"),
        );
        headers
    }

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters() {
        assert_eq!(key_of(&HeaderMap::new()).ok(), Some(None));
        assert_eq!(
            key_of(&headers(b"abc-123_~!")).ok(),
            Some(Some("abc-123_~!".into()))
        );
        assert!(key_of(&headers(&[b'k'; 255])).is_ok());
        for bad in [
            &b""[..],
            &[b'k'; 256],
            b"has space",
            b"tab\there",
            "é".as_bytes(),
        ] {
            let problem = key_of(&headers(bad)).expect_err("rejected");
            assert_eq!(problem.header.as_deref(), Some("Idempotency-Key"));
            assert_eq!(problem.pointer, None);
        }
    }

    #[test]
    fn the_fingerprint_covers_the_customer_and_the_body() {
        let a = fingerprint("1", b"{}");
        assert_eq!(a, fingerprint("1", b"{}"));
        assert_ne!(a, fingerprint("2", b"{}"));
        assert_ne!(a, fingerprint("1", b"{ }"));
        assert_ne!(fingerprint("12", b"3"), fingerprint("1", b"23"));
    }

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
