//! A JSON answer with a strong `ETag`, `Cache-Status` and `Age`; a matching `If-None-Match`
//! gets 304.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use label_core::{CallContext, Error, Served};

use crate::auth::TenantAccess;
use crate::rendered::Rendered;

/// RFC 9211. Built once: a header named by a string is parsed and checked on every use.
const CACHE_STATUS: HeaderName = HeaderName::from_static("cache-status");

pub fn respond(answer: Rendered, request: &HeaderMap, served: Option<Served>) -> Response {
    let unchanged = not_modified(request, answer.etag());
    let (etag, body) = answer.into_etag_and_body();
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Body::from(body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    response.headers_mut().insert(header::ETAG, etag);
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
    headers.insert(CACHE_STATUS, HeaderValue::from_static(status));
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

/// The context of a cacheable read: the client's `no-cache` decides whether the vendor is asked.
pub fn read_context(access: &TenantAccess, request: &HeaderMap, include_raw: bool) -> CallContext {
    CallContext {
        request_id: access.request_id.clone(),
        fresh: wants_fresh(request),
        include_raw,
        ..CallContext::default()
    }
}

/// The answer to a cacheable read, or the problem; both say how the cache served them (a kept
/// `customer_not_found` is a hit too).
pub fn answer_read(
    access: &TenantAccess,
    ctx: &CallContext,
    result: Result<Rendered, Error>,
    request: &HeaderMap,
) -> Response {
    let served = ctx.served.get();
    match result {
        Ok(answer) => respond(answer, request, served),
        Err(error) => {
            let mut response = access.error(error).into_response();
            add_cache_headers(&mut response, served);
            response
        }
    }
}
