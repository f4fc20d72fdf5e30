//! A limited key's answers (CONTRACT §12): every one carries `RateLimit-Policy` and
//! `RateLimit` in the structured-field form of the IETF httpapi RateLimit header fields draft,
//! `"default";q=<burst>;w=<burst / rate, in seconds>` and `"default";r=<requests left at
//! once>;t=<seconds until the bucket is full again>`; a request over the limit is answered 429
//! `rate_limited` with `Retry-After`, and its handler never runs. The verdict is reached where
//! the request's key is found, by the front and the router alike ([`crate::http::exchange`]).

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::contract::{Code, Error};
use crate::engine::limits::{ClientLimit, Verdict};
use crate::http::problem::ApiError;

pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// The verdict on a request of a limited key, leasing from the fleet first when this replica
/// holds none of its cells.
pub async fn verdict(limit: Arc<ClientLimit>) -> Verdict {
    match limit.check() {
        Some(verdict) => verdict,
        None => limit.check_waiting().await,
    }
}

/// The 429 for a request over its key's limit; `None` for one within it.
pub fn refusal(verdict: &Verdict, request_id: &str) -> Option<Response> {
    let seconds = verdict.retry_after?;
    let policy = verdict.policy;
    let detail = format!(
        "this api key may send {} requests in {} s: try again after Retry-After",
        policy.quota, policy.window
    );
    let error =
        Error::new(Code::RateLimited, detail).with_retry_after(Some(Duration::from_secs(seconds)));
    Some(ApiError::new(error, request_id).into_response())
}

/// Writes both headers into a limited key's answer: both values in one allocation, since this
/// is on every cache hit of a limited key.
pub fn annotate(verdict: &Verdict, response: &mut Response) {
    use std::fmt::Write;
    let policy = verdict.policy;
    let mut text = String::with_capacity(64);
    let _ = write!(
        text,
        "\"default\";q={};w={}\"default\";r={};t={}",
        policy.quota, policy.window, verdict.remaining, verdict.reset
    );
    let split = text.rfind("\"default\"").unwrap_or(0);
    let text = Bytes::from(text);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_maybe_shared(text.slice(..split)) {
        headers.insert(RATELIMIT_POLICY, value);
    }
    if let Ok(value) = HeaderValue::from_maybe_shared(text.slice(split..)) {
        headers.insert(RATELIMIT, value);
    }
}
