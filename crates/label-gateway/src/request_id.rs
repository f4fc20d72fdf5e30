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
fn fresh_id() -> String {
    let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    // Encoded directly: `to_string` goes through the formatting machinery.
    let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
    uuid.hyphenated().encode_lower(&mut text).to_owned()
}

/// The client's id when it is sane, else a fresh one.
pub fn of(headers: &HeaderMap) -> String {
    headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map(str::to_owned)
        .unwrap_or_else(fresh_id)
}

/// The request's id, kept in its extensions for the handlers ([`RequestId`]) and returned for
/// the request's span and [`echo`].
pub fn assign(request: &mut Request) -> String {
    let id = of(request.headers());
    request.extensions_mut().insert(RequestId(id.clone()));
    id
}

/// The id on the answer, whatever the answer is.
pub fn echo(response: &mut Response, id: &str) {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(HEADER, value);
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(fresh_id())))
    }
}
