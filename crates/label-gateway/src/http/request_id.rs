//! `X-Request-Id`: the client's when it is sane, else a fresh UUID; echoed on every response
//! and sent to the vendor.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;

/// Built once: a header named by a string is parsed and checked again on every use.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");
const MAX_LEN: usize = 128;

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client id is echoed into our logs, our answers and the vendor's requests, so only a short
/// run of characters that cannot break a header or a log line is accepted.
fn sane(value: &str) -> bool {
    (1..=MAX_LEN).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b))
}

/// A UUID v4 from the thread's CSPRNG: `Uuid::new_v4` asks the kernel for every id, a system
/// call on every request.
fn fresh_id() -> HeaderValue {
    let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    // Encoded directly: `to_string` goes through the formatting machinery.
    let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
    let text = uuid.hyphenated().encode_lower(&mut text);
    HeaderValue::from_str(text).expect("hex digits and hyphens")
}

/// The client's id when it is sane, else a fresh one, as the header value it is echoed as
/// (the client's is then shared, not copied).
pub fn of(headers: &HeaderMap) -> HeaderValue {
    headers
        .get(HEADER)
        .filter(|v| v.to_str().is_ok_and(sane))
        .cloned()
        .unwrap_or_else(fresh_id)
}

/// The id as text: every id [`of`] gives is printable ASCII.
pub fn as_str(id: &HeaderValue) -> &str {
    id.to_str().unwrap_or_default()
}

/// The request's id, kept in its extensions for the handlers ([`RequestId`]).
pub fn keep(request: &mut Request, id: &str) {
    request.extensions_mut().insert(RequestId(id.to_owned()));
}

/// The id on the answer, whatever the answer is.
pub fn echo(response: &mut Response, id: HeaderValue) {
    response.headers_mut().insert(HEADER, id);
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(as_str(&fresh_id()).to_owned())))
    }
}
