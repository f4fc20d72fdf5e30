//! One exchange per request, begun alike by the front and by the router's middleware
//! ([`track`]): a [`Start`] (the clock and the request's id) becomes an [`Exchange`] once the
//! route and the caller are known, which opens the request's span; every answer closes it,
//! counted in the series and given the id. Also `GET /metrics`, which renders the
//! process-wide recorder ([`recorder`]) on the admin listener.
//!
//! Cardinality is bounded by construction: label values are tenant ids from the config (the
//! caller's, from its key: `unauthenticated` without an accepted key, `none` on routes that
//! name no tenant), route templates (never raw paths), methods, status codes, provider names,
//! operation names and error kinds. No customer id or label name is ever a label value.

use std::borrow::Cow;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::{Instrument, Span};

use crate::engine::limits::Verdict;
use crate::http::auth::{self, UNAUTHENTICATED};
use crate::http::problem::ApiError;
use crate::http::rate_limit;
use crate::http::request_id;
use crate::http::state::{AppState, TenantRuntime};
use crate::telemetry::recorder::{self, names};
use crate::telemetry::series;

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

/// Every routed request's exchange, composed of its steps: it starts; on the `/v1` routes its
/// caller is authenticated, once, and left in the request for the handlers ([`auth::identify`]);
/// a caller's body is admitted or refused ([`auth::admit_body`]); the handler answers, within
/// the request's span, and the answer closes the exchange. One middleware rather than several:
/// each `from_fn` layer costs a boxed future and a clone of the router.
pub async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let start = Start::now(request.headers());
    request_id::keep(&mut request, start.request_id());
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let identified = auth::identify(&state, route, &mut request);
    let named = identified
        .as_ref()
        .map_or(Named::NO_TENANT, |(c, _)| Named::caller(c.tenant()));
    let (mut exchange, span) = start.exchange(request.method().clone(), route, named);
    // A limited key's verdict comes first, and may wait for a lease: its body is admitted
    // after it, in the answer. Any other caller's is admitted here, as it comes.
    let (limited, admitted) = match &identified {
        Some((caller, Some(limit))) => (Some((limit.clone(), caller.clone())), Ok(())),
        Some((caller, None)) => (None, auth::admit_body(&state, caller, &request)),
        None => (None, Ok(())),
    };
    let answer = async move {
        let (refused, admitted) = match limited {
            Some((limit, caller)) => {
                let verdict = rate_limit::verdict(limit).await;
                exchange.limited(Some(verdict));
                match rate_limit::refusal(&verdict, exchange.request_id()) {
                    Some(refused) => (Some(refused), Ok(())),
                    None => (None, auth::admit_body(&state, &caller, &request)),
                }
            }
            None => (None, admitted),
        };
        let mut response = match (refused, admitted) {
            // Answered before the body is read, so the connection closes after it
            // ([`crate::http::listener`]).
            (Some(refused), _) => refused,
            (None, Ok(())) => next.run(request).await,
            (None, Err(error)) => ApiError::new(error, exchange.request_id()).into_response(),
        };
        exchange.answered(&mut response);
        response
    };
    answer.instrument(span).await
}

/// Who a request's span and series name as its caller: a label value, so only a configured
/// tenant's id, `unauthenticated` or `none`.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    tenant: &'a str,
    provider: Option<&'static str>,
}

impl<'a> Named<'a> {
    /// On the routes that name no tenant.
    pub const NO_TENANT: Named<'static> = Named {
        tenant: "none",
        provider: None,
    };

    /// The tenant the request's key opens, or `unauthenticated` (never the tenant its path
    /// names: nobody learns from the series which tenants exist).
    pub fn caller(tenant: Option<&'a TenantRuntime>) -> Self {
        match tenant {
            Some(tenant) => Named {
                tenant: &tenant.id,
                provider: Some(tenant.provider_name),
            },
            None => Named {
                tenant: UNAUTHENTICATED,
                provider: None,
            },
        }
    }
}

/// A request as it begins, before its route and caller are known: its clock, and its id (the
/// client's when it is sane, else a fresh one).
pub struct Start {
    started: Instant,
    request_id: HeaderValue,
}

impl Start {
    pub fn now(headers: &HeaderMap) -> Self {
        Self {
            started: Instant::now(),
            request_id: request_id::of(headers),
        }
    }

    pub fn request_id(&self) -> &str {
        request_id::as_str(&self.request_id)
    }

    /// The request's exchange, and its span (for the caller to enter or instrument with).
    pub fn exchange<'a>(
        self,
        method: Method,
        route: &'a str,
        caller: Named<'a>,
    ) -> (Exchange<'a>, Span) {
        let exchange = Exchange {
            start: self,
            method,
            route: Cow::Borrowed(route),
            tenant: Cow::Borrowed(caller.tenant),
            provider: caller.provider,
            limit: None,
        };
        let span = tracing::info_span!("request",
            request_id = exchange.request_id(), method = %exchange.method,
            route = &*exchange.route, tenant = &*exchange.tenant, provider = exchange.provider);
        (exchange, span)
    }
}

/// One request as its span, log line and series see it.
pub struct Exchange<'a> {
    start: Start,
    method: Method,
    /// The route template, never the raw path.
    route: Cow<'a, str>,
    /// A label value: see [`Named`].
    tenant: Cow<'a, str>,
    provider: Option<&'static str>,
    /// The verdict of the caller's key's limit, for a limited key: its answer says where the
    /// key stands ([`rate_limit::annotate`]).
    limit: Option<Verdict>,
}

impl Exchange<'_> {
    pub fn limited(&mut self, verdict: Option<Verdict>) {
        self.limit = verdict;
    }

    pub fn request_id(&self) -> &str {
        self.start.request_id()
    }

    /// The exchange of an answer that comes after what it borrows is gone (the front's read
    /// that waits on the vendor, once the tenants' lock is let go).
    pub fn into_owned(self) -> Exchange<'static> {
        Exchange {
            start: self.start,
            method: self.method,
            route: Cow::Owned(self.route.into_owned()),
            tenant: Cow::Owned(self.tenant.into_owned()),
            provider: self.provider,
            limit: self.limit,
        }
    }

    /// Logs, counts and times the answer and gives it the request's id.
    pub fn answered(self, response: &mut Response) {
        let elapsed = self.start.started.elapsed();
        // An access log at debug: at info it would be a line per request, too much at full load.
        tracing::debug!(
            status = response.status().as_u16(),
            elapsed_us = elapsed.as_micros() as u64,
            "request answered"
        );
        let method = method_label(&self.method);
        series::record_request(
            &self.tenant,
            &self.route,
            method,
            response.status(),
            elapsed,
        );
        if let Some(verdict) = &self.limit {
            rate_limit::annotate(verdict, response);
        }
        request_id::echo(response, self.start.request_id);
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
