//! The request span and its series: one [`Exchange`] per request, which every answer (the
//! router's and the front's) goes through, and `GET /metrics`, which renders the process-wide
//! recorder ([`recorder`]) on the admin listener.
//!
//! Cardinality is bounded by construction: label values are tenant ids from the config (the
//! caller's, from its key: `unauthenticated` without an accepted key, `none` on routes that
//! name no tenant), route templates (never raw paths), methods, status codes, provider names,
//! operation names and error kinds. No customer id or label name is ever a label value.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::{Instrument, Span};

use crate::contract::Code;
use crate::http::auth::{self, Caller};
use crate::http::listener::BodyReader;
use crate::http::problem::ApiError;
use crate::http::request_id;
use crate::http::state::AppState;
use crate::telemetry::recorder::{self, names};
use crate::telemetry::series;

/// The tenant label of requests on routes that name no tenant.
const NO_TENANT: &str = "none";

/// Prometheus metrics in the text exposition format: requests, vendor calls, retries, circuits.
///
/// Answered requests by tenant, route, method and status; every vendor call attempt and its
/// outcome; retries; whether each tenant's circuit is open; the cache's hits, misses and
/// entries. Label values are bounded: no customer id or label name is ever one. Needs no key.
#[utoipa::path(get, path = "/metrics", operation_id = "getMetrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format 0.0.4",
        content_type = "text/plain; version=0.0.4; charset=utf-8", body = String)))]
pub async fn render(State(state): State<AppState>) -> Response {
    // The cache keeps its own atomic counters (one process-wide cache, no tenant label); they
    // are copied in here rather than counted twice on the hit path.
    let counts = state.cache.stats();
    let values = [
        counts.hits,
        counts.misses,
        counts.stale,
        counts.coalesced,
        counts.evictions,
    ];
    for ((name, _), value) in names::CACHE_COUNTERS.iter().zip(values) {
        metrics::counter!(*name).absolute(value);
    }
    metrics::gauge!(names::CACHE_ENTRIES).set(state.cache.entry_count() as f64);
    let mut text = recorder::handle().render();
    series::render(&mut text);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Every routed request's id, caller, span and series: the id is assigned (or the client's
/// kept) and echoed; on the `/v1` routes the caller is authenticated here, once, and left in
/// the request for the handlers; the span carries the id, route, caller and provider; the
/// answer is counted by caller, route template, method and status. One middleware rather
/// than several: each `from_fn` layer costs a boxed future and a clone of the router.
pub async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request_id::assign(&mut request);
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let caller = route
        .starts_with("/v1/")
        .then(|| auth::authenticate(&state, request.headers()));
    let method = request.method().clone();
    let exchange = Exchange {
        request_id,
        method: &method,
        route,
        tenant: caller.as_ref().map_or(NO_TENANT, Caller::label),
        provider: caller.as_ref().and_then(Caller::provider),
    };
    let span = exchange.span();
    let crowded = caller
        .as_ref()
        .is_some_and(|caller| !body_allowed(&state, caller, &request));
    if let Some(caller) = caller.clone() {
        request.extensions_mut().insert(caller);
    }
    let answer = async move {
        let mut response = if crowded {
            too_many_connections(&exchange)
        } else {
            next.run(request).await
        };
        exchange.answered(&mut response, started);
        response
    };
    answer.instrument(span).await
}

/// Whether a request's body may be read: a key may have only so many connections sending
/// one at a time, so that its slow bodies cannot take the connections other tenants need.
fn body_allowed(state: &AppState, caller: &Caller, request: &Request) -> bool {
    let (Caller::Tenant(_), Some(reader)) = (caller, request.extensions().get::<Arc<BodyReader>>())
    else {
        return true;
    };
    let Ok(key) = auth::presented_key(request.headers()) else {
        return true;
    };
    reader.claim(key, state.connection_limits.max_connections_per_key)
}

/// Answered before the body is read, so the connection closes after it ([`crate::http::listener`]).
fn too_many_connections(exchange: &Exchange) -> Response {
    let error = label_core::Error::new(
        Code::TooManyConnections,
        "this api key already has max_connections_per_key connections sending a request body",
    )
    .with_retry_after(Some(Duration::from_secs(1)));
    ApiError::new(error, request_id::as_str(&exchange.request_id)).into_response()
}

/// One request as its span, log line and series see it.
pub struct Exchange<'a> {
    pub request_id: HeaderValue,
    pub method: &'a Method,
    /// The route template, never the raw path.
    pub route: &'a str,
    /// A label value: the caller's tenant id, `unauthenticated` or `none`.
    pub tenant: &'a str,
    pub provider: Option<&'static str>,
}

impl Exchange<'_> {
    pub fn span(&self) -> Span {
        tracing::info_span!("request", request_id = request_id::as_str(&self.request_id),
            method = %self.method,
            route = self.route, tenant = self.tenant, provider = self.provider)
    }

    /// Logs, counts and times the answer (from `started`) and gives it the request's id.
    pub fn answered(self, response: &mut Response, started: Instant) {
        let elapsed = started.elapsed();
        // An access log at debug: at info it would be a line per request, too much at full load.
        tracing::debug!(
            status = response.status().as_u16(),
            elapsed_us = elapsed.as_micros() as u64,
            "request answered"
        );
        let method = method_label(self.method);
        series::record_request(self.tenant, self.route, method, response.status(), elapsed);
        request_id::echo(response, self.request_id);
    }
}

/// Any method, even an invented one, is a client-chosen string: only the known ones are kept.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
