//! The request series' handles, kept per thread. Registering a series with the recorder clones
//! its labels and takes the registry's lock: on a cache hit that cost as much as the lookup of
//! the answer itself. The handles stay valid for the life of the process, as the recorder does.

use std::cell::RefCell;
use std::time::Duration;

use axum::http::StatusCode;
use metrics::{Counter, Histogram};
use rustc_hash::FxHashMap;

use super::{HTTP_DURATION, HTTP_REQUESTS};

struct RequestSeries {
    requests: Counter,
    duration: Histogram,
}

/// Tenant, then route template, then method and status: a lookup borrows every part and
/// allocates nothing. Bounded as the labels are: tenants of the config, the router's routes.
type ByTenant = FxHashMap<String, FxHashMap<String, FxHashMap<(&'static str, u16), RequestSeries>>>;

thread_local! {
    static SERIES: RefCell<ByTenant> = RefCell::new(FxHashMap::default());
}

pub fn record_request(
    tenant: &str,
    route: &str,
    method: &'static str,
    status: StatusCode,
    elapsed: Duration,
) {
    SERIES.with_borrow_mut(|series| {
        let by_route = match series.get_mut(tenant) {
            Some(by_route) => by_route,
            None => series.entry(tenant.to_owned()).or_default(),
        };
        let by_answer = match by_route.get_mut(route) {
            Some(by_answer) => by_answer,
            None => by_route.entry(route.to_owned()).or_default(),
        };
        let handles = by_answer
            .entry((method, status.as_u16()))
            .or_insert_with(|| register(tenant, route, method, status));
        handles.requests.increment(1);
        handles.duration.record(elapsed);
    });
}

fn register(tenant: &str, route: &str, method: &'static str, status: StatusCode) -> RequestSeries {
    let labels = [
        ("tenant", tenant.to_owned()),
        ("route", route.to_owned()),
        ("method", method.to_owned()),
        ("status", status.as_str().to_owned()),
    ];
    RequestSeries {
        requests: metrics::counter!(HTTP_REQUESTS, &labels),
        duration: metrics::histogram!(HTTP_DURATION, &labels[..3]),
    }
}
