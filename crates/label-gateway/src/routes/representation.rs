//! A JSON answer with a strong `ETag`, `Cache-Status` and `Age`; a matching `If-None-Match`
//! gets 304.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use label_core::Served;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Room for a typical answer up front: growing the buffer from empty copies it several times.
const TYPICAL_BODY: usize = 1024;

pub fn respond<T: Serialize>(body: &T, request: &HeaderMap, served: Option<Served>) -> Response {
    let mut bytes = Vec::with_capacity(TYPICAL_BODY);
    if serde_json::to_writer(&mut bytes, body).is_err() {
        // Our own types always serialize; should one not, a 500 beats a wrong answer.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let digest = Sha256::digest(&bytes);
    let mut tag = [b'"'; 34];
    let encoded = hex::encode_to_slice(&digest[..16], &mut tag[1..33]);
    let (Ok(()), Ok(etag)) = (encoded, std::str::from_utf8(&tag)) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let status = if not_modified(request, etag) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let body = if status == StatusCode::OK {
        Body::from(bytes)
    } else {
        Body::empty()
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if status == StatusCode::OK {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    add_cache_headers(&mut response, served);
    response
}

/// RFC 9211 `Cache-Status`, and `Age` for an answer from the cache. Without a cache in the way
/// (the tenant's TTL is 0) the request bypassed it.
pub fn add_cache_headers(response: &mut Response, served: Option<Served>) {
    let (status, age) = match served {
        None => ("label-gateway; fwd=bypass", None),
        Some(Served::Miss) => ("label-gateway; fwd=miss", None),
        Some(Served::Collapsed) => ("label-gateway; fwd=miss; collapsed", None),
        Some(Served::Refreshed) => ("label-gateway; fwd=request", None),
        Some(Served::Hit { age }) => ("label-gateway; hit", Some(age)),
        Some(Served::Stale { age }) => ("label-gateway; hit; detail=stale", Some(age)),
    };
    let headers = response.headers_mut();
    headers.insert("cache-status", HeaderValue::from_static(status));
    if let Some(age) = age {
        headers.insert(header::AGE, HeaderValue::from(age));
    }
}

/// RFC 9110 §13.1.2: `*` or any listed tag, compared weakly.
fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

/// `Cache-Control: no-cache` from the client: answer from the vendor and refresh the cache.
pub fn wants_fresh(request: &HeaderMap) -> bool {
    request
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|directive| {
            let directive = directive.trim();
            directive.eq_ignore_ascii_case("no-cache") || directive.eq_ignore_ascii_case("no-store")
        })
}
