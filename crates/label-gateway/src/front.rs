//! What every connection is served by: a read of a customer's labels that the cache can answer
//! is answered here, before the router; everything else goes through the router.
//!
//! A cache hit is the gateway's most frequent request and its cheapest one: here it costs a
//! key check, a cache lookup and the answer's headers, without the router's extractors,
//! middleware and allocations, which cost as much again (BENCHMARKS.md). Anything that is not
//! a plain hit (another route, a query, an escape in the path, a missing or wrong key, an
//! invalid id, `no-cache`, a miss, a kept error) is left to the router untouched, so it is
//! answered, checked and counted exactly as before.

use std::convert::Infallible;
use std::future::{ready, Future};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::Method;
use axum::response::Response;
use axum::Router;
use futures::future::Either;
use hyper::body::Incoming;
use label_core::{CustomerId, Served};
use tower::ServiceExt;

use crate::auth;
use crate::request_id;
use crate::routes::customer_labels;
use crate::routes::representation::{respond, wants_fresh};
use crate::state::{AppState, Gateway, TenantRuntime};
use crate::telemetry::Exchange;

/// The gateway's service: cache hits first, then the router. A connection holds a clone; a hit
/// is answered without cloning anything shared, any other request clones the router (each
/// clone and drop of a shared `Arc` is an atomic write that both CPUs contend for, and tower's
/// adapter would clone the whole service per request).
#[derive(Clone)]
pub struct Front {
    state: AppState,
    router: Router,
}

impl Front {
    pub fn new(state: AppState, router: Router) -> Self {
        Self { state, router }
    }

    pub fn answer(
        &self,
        request: Request<Incoming>,
    ) -> impl Future<Output = Result<Response, Infallible>> + Send + 'static {
        let (head, body) = request.into_parts();
        // A hit is answered here and now, with nothing cloned for a future to own.
        if let Some(response) = cache_hit(&self.state, &head) {
            return Either::Left(ready(Ok(response)));
        }
        let request = Request::from_parts(head, Body::new(body));
        Either::Right(self.router.clone().oneshot(request))
    }
}

/// The answer to a `GET` of a customer's labels that the cache holds, or `None`.
fn cache_hit(state: &Gateway, request: &Parts) -> Option<Response> {
    let started = Instant::now();
    if request.method != Method::GET || request.uri.query().is_some() {
        return None;
    }
    let (named, customer) = customer_labels_path(request.uri.path())?;
    let headers = &request.headers;
    if wants_fresh(headers) {
        return None;
    }
    let presented = auth::presented_key(headers.get(AUTHORIZATION)).ok()?;
    let answer_from = |tenant: &Arc<TenantRuntime>| {
        if tenant.id != named {
            return None;
        }
        let format = tenant.provider.capabilities().customer_id_format;
        let customer = CustomerId::parse(customer, format).ok()?;
        let (answer, age) = tenant.cached_answer(&customer, started)?;
        let exchange = Exchange {
            request_id: request_id::of(headers),
            method: &Method::GET,
            route: customer_labels::ROUTE,
            tenant: &tenant.id,
            provider: Some(tenant.provider.name()),
        };
        let span = exchange.span();
        let _in_span = span.enter();
        let mut response = respond(answer, headers, Some(Served::Hit { age }));
        exchange.answered(&mut response, started);
        Some(response)
    };
    state.with_key_owner(&presented, answer_from).flatten()
}

/// The tenant and customer of `/v1/tenants/{tenant}/customers/{customer_id}/labels`, when no
/// segment is percent-encoded (the router decodes those).
fn customer_labels_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/v1/tenants/")?;
    let (tenant, rest) = rest.split_once('/')?;
    let customer = rest.strip_prefix("customers/")?.strip_suffix("/labels")?;
    let plain =
        |segment: &str| !segment.is_empty() && !segment.bytes().any(|b| b == b'/' || b == b'%');
    (plain(tenant) && plain(customer)).then_some((tenant, customer))
}

#[cfg(test)]
mod tests {
    use super::customer_labels_path;

    #[test]
    fn only_plain_customer_label_paths_are_taken() {
        let taken = customer_labels_path("/v1/tenants/acme/customers/564663098/labels");
        assert_eq!(taken, Some(("acme", "564663098")));
        for left in [
            "/v1/tenants/acme/customers/564663098/labels/",
            "/v1/tenants/acme/customers/5646%2F63098/labels",
            "/v1/tenants/ac%6De/customers/564663098/labels",
            "/v1/tenants/acme/customers/a/b/labels",
            "/v1/tenants/acme/customers//labels",
            "/v1/tenants//customers/1/labels",
            "/v1/tenants/acme/labels",
            "/v1/tenants/acme/customers/1/label",
            "/v2/tenants/acme/customers/1/labels",
        ] {
            assert_eq!(customer_labels_path(left), None, "{left}");
        }
    }
}
