//! A request body as the write routes take it: JSON by its `Content-Type` (else 415), at most
//! `max_body_bytes` (else 413), all of it within `body_read_timeout_ms` of the head and at
//! `min_body_bytes_per_second` (else 408: a client trickling a byte at a time holds nothing for
//! long).

use std::convert::Infallible;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use futures::StreamExt;

use crate::contract::{Code, Error};
use crate::http::listener;
use crate::http::state::RequestLimits;

/// A request's body and the headers that say what it is, read only when the handler asks: after
/// the checks that cost nothing (a provider that cannot do it answers 405 unread).
pub struct Unread {
    pub headers: HeaderMap,
    pub body: Body,
}

impl<S: Send + Sync> FromRequest<S> for Unread {
    type Rejection = Infallible;

    async fn from_request(request: Request, _: &S) -> Result<Self, Infallible> {
        let (parts, body) = request.into_parts();
        let headers = parts.headers;
        Ok(Self { headers, body })
    }
}

impl Unread {
    /// The body as JSON ([`json`]); the headers stay.
    pub async fn json(&mut self, limits: RequestLimits) -> Result<Bytes, Error> {
        json(&self.headers, std::mem::take(&mut self.body), limits).await
    }

    /// The body whatever its type ([`raw`]).
    pub async fn raw(self, limits: RequestLimits) -> Result<Bytes, Error> {
        raw(self.body, limits).await
    }
}

pub async fn json(headers: &HeaderMap, body: Body, limits: RequestLimits) -> Result<Bytes, Error> {
    if !is_json(headers) {
        return Err(not_json());
    }
    let read = to_bytes(body, limits.max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, read).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => Err(read_failed(&err)),
        Err(_) => Err(late(limits)),
    }
}

/// Any body, whatever its type, held to the same size and time limits as [`json`]'s.
pub async fn raw(body: Body, limits: RequestLimits) -> Result<Bytes, Error> {
    let read = to_bytes(body, limits.max_body_bytes);
    match tokio::time::timeout(limits.body_read_timeout, read).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => Err(read_failed(&err)),
        Err(_) => Err(late(limits)),
    }
}

/// Like [`json`], handing each piece of the body to `each` as it arrives instead of keeping it:
/// `each` may refuse (then the rest is left unread).
pub async fn json_stream(
    headers: &HeaderMap,
    body: Body,
    limits: RequestLimits,
    mut each: impl FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    if !is_json(headers) {
        return Err(not_json());
    }
    let read = async {
        let mut stream = body.into_data_stream();
        let mut total = 0;
        while let Some(frame) = stream.next().await {
            let frame = frame.map_err(|err| read_failed(&err))?;
            total += frame.len();
            if total > limits.max_body_bytes {
                return Err(too_large());
            }
            each(&frame)?;
        }
        Ok(())
    };
    match tokio::time::timeout(limits.body_read_timeout, read).await {
        Ok(read) => read,
        Err(_) => Err(late(limits)),
    }
}

/// Why reading a body failed: stopped by its pace (408), else over the limit or cut short.
fn read_failed(err: &(dyn std::error::Error + 'static)) -> Error {
    match listener::body_stopped(err) {
        Some(stopped) => Error::new(Code::RequestTimeout, stopped.to_string()),
        None => too_large(),
    }
}

fn not_json() -> Error {
    Error::new(
        Code::UnsupportedMediaType,
        "the request body must be JSON: `Content-Type: application/json`",
    )
}

fn too_large() -> Error {
    Error::new(
        Code::PayloadTooLarge,
        "the request body is over the configured limit, or was cut short",
    )
}

fn late(limits: RequestLimits) -> Error {
    Error::new(
        Code::RequestTimeout,
        format!(
            "the request body did not arrive within {} ms",
            limits.body_read_timeout.as_millis()
        ),
    )
}

/// `application/json`, or any `+json` type (`application/merge-patch+json`), parameters aside.
fn is_json(headers: &HeaderMap) -> bool {
    let mut types = headers.get_all(header::CONTENT_TYPE).iter();
    let (Some(value), None) = (types.next(), types.next()) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let subtype = subtype.to_ascii_lowercase();
    kind.eq_ignore_ascii_case("application") && (subtype == "json" || subtype.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(types: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in types {
            headers.append(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn only_json_media_types_are_json() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(is_json(&with(&[json])), "{json}");
        }
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "json",
            "application/jsonp",
            "",
        ] {
            assert!(!is_json(&with(&[other])), "{other}");
        }
        assert!(!is_json(&with(&[])));
        assert!(!is_json(&with(&["application/json", "application/json"])));
    }
}
