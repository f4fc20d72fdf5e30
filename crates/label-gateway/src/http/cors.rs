//! CORS for browser apps on other origins (`[server] cors_allowed_origins`): tower-http's
//! `CorsLayer` on the router, and the same headers on the answers the front gives without the
//! router ([`Cors::decorate`]). A listed origin's preflight is 204 with the methods, headers and
//! max-age; its other answers carry `Access-Control-Allow-Origin` and expose the headers a
//! client reads. An unlisted origin, or none, gets no CORS header at all, only `Vary: Origin`
//! (the answer depends on it). Preflights need no key: the layer answers them before routing.

use std::time::Duration;

use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What a browser may send beyond the CORS-safelisted headers.
const ALLOW_HEADERS: [HeaderName; 5] = [
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    HeaderName::from_static("idempotency-key"),
    header::IF_NONE_MATCH,
    HeaderName::from_static("x-request-id"),
];
/// What a browser's script may read of an answer (beyond the safelisted ones).
const EXPOSE_HEADERS: [HeaderName; 9] = [
    header::ETAG,
    HeaderName::from_static("cache-status"),
    header::RETRY_AFTER,
    HeaderName::from_static("ratelimit"),
    HeaderName::from_static("ratelimit-policy"),
    HeaderName::from_static("x-request-id"),
    header::LOCATION,
    HeaderName::from_static("x-upstream-status"),
    HeaderName::from_static("idempotent-replayed"),
];
const ALLOW_METHODS: [Method; 6] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];
/// How long a browser may keep a preflight's answer: Chromium keeps at most two hours.
pub const MAX_AGE: Duration = Duration::from_secs(7200);

/// The allowed origins, and the headers the front adds for them.
#[derive(Debug, Clone)]
pub struct Cors {
    origins: Vec<HeaderValue>,
    expose: HeaderValue,
}

impl Cors {
    /// `None` without origins: then nothing about CORS is added anywhere.
    pub fn new(origins: &[String]) -> Option<Self> {
        let origins: Vec<HeaderValue> = origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        if origins.is_empty() {
            return None;
        }
        let names = EXPOSE_HEADERS;
        let expose = names
            .iter()
            .map(HeaderName::as_str)
            .collect::<Vec<_>>()
            .join(",");
        Some(Self {
            origins,
            expose: HeaderValue::from_str(&expose).expect("header names join into a value"),
        })
    }

    /// The router's layer.
    pub fn layer(&self) -> CorsLayer {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(self.origins.clone()))
            .allow_methods(ALLOW_METHODS)
            .allow_headers(ALLOW_HEADERS)
            .expose_headers(EXPOSE_HEADERS)
            .max_age(MAX_AGE)
            .vary([header::ORIGIN])
    }

    /// The headers the layer gives an answer that is not a preflight, for one the front gave to
    /// a request from `origin`.
    pub fn decorate(&self, origin: Option<&HeaderValue>, response: &mut Response) {
        let headers = response.headers_mut();
        headers.append(header::VARY, HeaderValue::from_static("origin"));
        let Some(origin) = origin else {
            return;
        };
        if self.origins.iter().any(|allowed| allowed == origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, self.expose.clone());
        }
    }
}

/// What the layer leaves to be done: a preflight it allowed is 204 (it answers 200), and an
/// answer to an origin it did not allow keeps no CORS header (it adds the exposed headers and
/// the preflight's whatever the origin).
pub async fn settle(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        for name in [
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::ACCESS_CONTROL_MAX_AGE,
        ] {
            headers.remove(name);
        }
    } else if headers.contains_key(header::ACCESS_CONTROL_ALLOW_METHODS)
        && response.status() == StatusCode::OK
    {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}
