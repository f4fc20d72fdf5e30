//! The process's metrics recorder and the names of its series. Nothing here knows a request:
//! the layers and the HTTP side both use it.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use names::*;

/// The series' names, for whoever writes to them.
pub mod names {
    pub const HTTP_REQUESTS: &str = "label_gateway_http_requests_total";
    pub const HTTP_DURATION: &str = "label_gateway_http_request_duration_seconds";
    pub const VENDOR_CALLS: &str = "label_gateway_vendor_calls_total";
    pub const VENDOR_DURATION: &str = "label_gateway_vendor_call_duration_seconds";
    pub const VENDOR_RETRIES: &str = "label_gateway_vendor_retries_total";
    pub const CIRCUIT_OPEN: &str = "label_gateway_circuit_open";
    pub const STATE_CONNECTED: &str = "label_gateway_state_connected";
    pub const BUDGET_WAITS: &str = "label_gateway_vendor_budget_waits_total";
    pub const WEBHOOK_DELIVERIES: &str = "label_gateway_webhook_deliveries_total";
    pub const WEBHOOK_BACKLOG: &str = "label_gateway_webhook_backlog";
    pub const WEBHOOK_LATENCY: &str = "label_gateway_webhook_delivery_seconds";
    /// The cache's own counters (`layers::cache::CacheCounts`), copied in at each scrape.
    pub const CACHE_COUNTERS: [(&str, &str); 5] = [
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
            "entries dropped to stay within max_entries and max_bytes",
        ),
    ];
    pub const CACHE_ENTRIES: &str = "label_gateway_cache_entries";
}

/// Loopback vendor calls take ~100 µs, real ones tens to hundreds of ms: buckets span both.
pub const BUCKETS: [f64; 15] = [
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
    metrics::describe_gauge!(
        STATE_CONNECTED,
        "1 while the shared state ([state], Redis) is reachable, else 0"
    );
    metrics::describe_counter!(
        BUDGET_WAITS,
        "vendor calls that waited for, or were refused by, the tenant's vendor budget"
    );
    for (name, help) in CACHE_COUNTERS {
        metrics::describe_counter!(name, help);
    }
    metrics::describe_gauge!(CACHE_ENTRIES, "entries in the cache (moka's estimate)");
    metrics::describe_counter!(
        WEBHOOK_DELIVERIES,
        "webhook delivery attempts by outcome: delivered, retried (failed, tried again later), \
         failed (the schedule ran out), disabled (the receiver answered 410)"
    );
    metrics::describe_gauge!(
        WEBHOOK_BACKLOG,
        "deliveries of the tenant's events not yet delivered or failed, on this replica"
    );
    metrics::describe_histogram!(
        WEBHOOK_LATENCY,
        metrics::Unit::Seconds,
        "time from an event being recorded to its delivery (a 2xx), retries included"
    );
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
