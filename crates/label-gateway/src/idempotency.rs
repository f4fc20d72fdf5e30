//! `Idempotency-Key` on label changes, as Stripe and Merge do it: the first request with a key
//! runs and its final answer is kept for 24 h; a repeat with the same request gets that answer
//! again without any vendor call, a repeat with another request is refused, and a repeat while
//! the first still runs is told so.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use label_core::{Error, ErrorKind, FieldProblem};
use moka::future::Cache;
use sha2::{Digest, Sha256};

pub const KEY_HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
const MAX_KEY_LEN: usize = 255;
/// How long a key's answer is kept.
const TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// What an entry costs in the process's memory besides its key and body: moka's own slot,
/// queue and timer nodes, the key's two strings, the slot's lock and state, the kept headers
/// and the body's handle (measured: `tests/tests/memory_bounds.rs`).
const ENTRY_OVERHEAD: usize = 640;

/// A tenant's key: keys are scoped per tenant, so two tenants may use the same one.
type Scoped = (String, String);

/// Every kept key, for every tenant.
#[derive(Clone)]
pub struct IdempotencyStore {
    slots: Cache<Scoped, Arc<Slot>>,
}

struct Slot(Mutex<SlotState>);

#[derive(Clone)]
enum SlotState {
    /// Nobody holds the key: never used, or its last use left no answer to keep.
    Vacant,
    Running {
        fingerprint: [u8; 32],
    },
    Done {
        fingerprint: [u8; 32],
        answer: Kept,
    },
}

/// A final answer as it went out.
#[derive(Clone)]
struct Kept {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
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
    store: IdempotencyStore,
    key: Scoped,
    slot: Arc<Slot>,
    fingerprint: [u8; 32],
    finished: bool,
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

/// What makes two requests "the same": the customer they change and their exact body.
pub fn fingerprint(customer: &str, body: &[u8]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update((customer.len() as u64).to_be_bytes());
    hash.update(customer.as_bytes());
    hash.update(body);
    hash.finalize().into()
}

impl IdempotencyStore {
    /// Kept answers weigh at most `max_bytes` in all; the least useful go first past it.
    pub fn new(max_bytes: u64) -> Self {
        let slots = Cache::builder()
            .time_to_live(TTL)
            .max_capacity(max_bytes)
            .weigher(|(tenant, key): &Scoped, slot: &Arc<Slot>| {
                let body = match &*slot.state() {
                    SlotState::Done { answer, .. } => answer.body.len(),
                    _ => 0,
                };
                let weight = tenant.len() + key.len() + body + ENTRY_OVERHEAD;
                u32::try_from(weight).unwrap_or(u32::MAX)
            })
            .build();
        Self { slots }
    }

    pub async fn claim(
        &self,
        tenant: &str,
        key: String,
        fingerprint: [u8; 32],
    ) -> Result<Claim, Error> {
        let scoped = (tenant.to_owned(), key);
        let slot = self
            .slots
            .entry(scoped.clone())
            .or_insert_with(async { Arc::new(Slot(Mutex::new(SlotState::Vacant))) })
            .await
            .into_value();
        let mut state = slot.state();
        match &*state {
            SlotState::Vacant => {}
            SlotState::Running { fingerprint: first }
            | SlotState::Done {
                fingerprint: first, ..
            } if *first != fingerprint => {
                return Err(Error::new(
                    ErrorKind::IdempotencyKeyReused,
                    "this Idempotency-Key was used for another request (customer or body)",
                ));
            }
            SlotState::Running { .. } => {
                return Err(Error::new(
                    ErrorKind::IdempotencyInProgress,
                    "the first request with this Idempotency-Key is still running",
                ));
            }
            SlotState::Done { answer, .. } => return Ok(Claim::Replay(answer.replay())),
        }
        *state = SlotState::Running { fingerprint };
        drop(state);
        Ok(Claim::Execute(Guard {
            store: self.clone(),
            key: scoped,
            slot,
            fingerprint,
            finished: false,
        }))
    }
}

impl Slot {
    /// A poisoned lock only means a panic elsewhere mid-update; the state is still a state.
    fn state(&self) -> MutexGuard<'_, SlotState> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Guard {
    /// Keeps `response` for the key if it is a final answer, and passes it on.
    pub async fn finish(mut self, response: Response) -> Response {
        self.finished = true;
        if !is_final(response.status()) {
            *self.slot.state() = SlotState::Vacant;
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match to_bytes(body, usize::MAX).await {
            Ok(body) => body,
            Err(_) => {
                *self.slot.state() = SlotState::Vacant;
                let mut response = Response::from_parts(parts, Body::empty());
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                return response;
            }
        };
        let answer = Kept {
            status: parts.status,
            content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
            body: body.clone(),
        };
        let done = SlotState::Done {
            fingerprint: self.fingerprint,
            answer,
        };
        *self.slot.state() = done.clone();
        // Inserted anew so that the cache weighs the entry with its body.
        let fresh = Arc::new(Slot(Mutex::new(done)));
        self.store.slots.insert(self.key.clone(), fresh).await;
        Response::from_parts(parts, Body::from(body))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.finished {
            *self.slot.state() = SlotState::Vacant;
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
