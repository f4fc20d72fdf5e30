//! Prometheus metrics: one process-wide recorder, rendered by `GET /metrics` (no listener of the
//! exporter's own, so the endpoint shares the gateway's port, limits and shutdown).
//!
//! Cardinality is bounded by construction: label values are tenant ids from the config (an
//! unknown tenant in a path is `unknown`), route templates (never raw paths), methods, status
//! codes, provider names, operation names and error kinds. No customer id or label name is
//! ever a label value.

mod series;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::{Instrument, Span};

use crate::request_id;
use crate::state::{AppState, TenantRuntime};

pub const HTTP_REQUESTS: &str = "label_gateway_http_requests_total";
pub const HTTP_DURATION: &str = "label_gateway_http_request_duration_seconds";
pub const VENDOR_CALLS: &str = "label_gateway_vendor_calls_total";
pub const VENDOR_DURATION: &str = "label_gateway_vendor_call_duration_seconds";
pub const VENDOR_RETRIES: &str = "label_gateway_vendor_retries_total";
pub const CIRCUIT_OPEN: &str = "label_gateway_circuit_open";
/// The cache's own counters (`layers::cache::CacheCounts`), copied in at each scrape.
const CACHE_COUNTERS: [(&str, &str); 5] = [
    (
        "label_gateway_cache_hits_total",
        "reads answered from a live entry",
    ),
    (
        "label_gateway_cache_misses_total",
        "reads answered by a vendor call of their own",
    ),
    (
        "label_gateway_cache_stale_total",
        "reads answered from an expired entry as the vendor failed",
    ),
    (
        "label_gateway_cache_coalesced_total",
        "reads that waited for another read's vendor call",
    ),
    (
        "label_gateway_cache_evictions_total",
        "entries dropped to stay within max_entries",
    ),
];
const CACHE_ENTRIES: &str = "label_gateway_cache_entries";

/// Loopback vendor calls take ~100 µs, real ones tens to hundreds of ms: buckets span both.
const BUCKETS: [f64; 15] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0,
];

/// How often histogram samples are folded into their buckets when nobody scrapes, so that an
/// unscraped gateway does not keep every sample.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use. Several gateways in one process (the tests)
/// share it; their series differ by tenant.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (an embedding program's); then ours still
        // renders, only empty, which beats refusing to start.
        if let Err(err) = metrics::set_global_recorder(recorder) {
            tracing::warn!(%err, "a metrics recorder was already installed; /metrics stays empty");
        }
        describe();
        handle
    })
}

fn describe() {
    // The request series are not the recorder's: `series` keeps and renders them.
    metrics::describe_counter!(
        VENDOR_CALLS,
        "vendor calls (each attempt), by tenant, provider, operation and outcome"
    );
    metrics::describe_histogram!(
        VENDOR_DURATION,
        metrics::Unit::Seconds,
        "time of one vendor call attempt"
    );
    metrics::describe_counter!(VENDOR_RETRIES, "vendor calls repeated after a failure");
    for (name, help) in CACHE_COUNTERS {
        metrics::describe_counter!(name, help);
    }
    metrics::describe_gauge!(CACHE_ENTRIES, "entries in the cache (moka's estimate)");
    metrics::describe_gauge!(
        CIRCUIT_OPEN,
        "1 while the tenant's circuit to its vendor is open, else 0"
    );
}

/// Folds histogram samples periodically; runs until the task is dropped.
pub async fn upkeep() {
    let mut every = tokio::time::interval(UPKEEP_EVERY);
    loop {
        every.tick().await;
        handle().run_upkeep();
    }
}

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
    for ((name, _), value) in CACHE_COUNTERS.iter().zip(values) {
        metrics::counter!(*name).absolute(value);
    }
    metrics::gauge!(CACHE_ENTRIES).set(state.cache.entry_count() as f64);
    let mut text = handle().render();
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

/// Every request's id, span and series: the id is assigned (or the client's kept) and echoed,
/// the span carries the id, route, tenant and provider, and the answer is counted by tenant,
/// route template, method and status. One middleware rather than two: each `from_fn` layer
/// costs a boxed future and a clone of the router per request.
pub async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request_id::assign(&mut request);
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let tenant = NamedTenant::of(&state, route, request.uri().path());
    let method = request.method().clone();
    let exchange = Exchange {
        request_id,
        method: &method,
        route,
        tenant: tenant.label(),
        provider: match &tenant {
            NamedTenant::Known(runtime) => Some(runtime.provider.name()),
            _ => None,
        },
    };
    let span = exchange.span();
    let answer = async move {
        let mut response = next.run(request).await;
        exchange.answered(&mut response, started);
        response
    };
    answer.instrument(span).await
}

/// One request as its span, log line and series see it: also what `front` answers a cache hit
/// with, so that a hit answered before the router is traced and counted like any other.
pub struct Exchange<'a> {
    pub request_id: HeaderValue,
    pub method: &'a Method,
    /// The route template, never the raw path.
    pub route: &'a str,
    /// A label value: a configured tenant's id, `unknown` or `none`.
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

/// The tenant of a `/v1/tenants/{tenant}` path as a label value: its id when the config knows
/// it, `unknown` for any other name, so a client cannot mint series; `none` where no tenant is
/// named.
enum NamedTenant {
    Known(Arc<TenantRuntime>),
    Unknown,
    None,
}

impl NamedTenant {
    fn of(state: &AppState, route: &str, path: &str) -> Self {
        if !route.starts_with("/v1/tenants/{tenant}") {
            return Self::None;
        }
        match path.split('/').nth(3).and_then(|named| state.tenant(named)) {
            Some(runtime) => Self::Known(runtime),
            None => Self::Unknown,
        }
    }

    fn label(&self) -> &str {
        match self {
            Self::Known(runtime) => &runtime.id,
            Self::Unknown => "unknown",
            Self::None => "none",
        }
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
