//! What every connection is served by: a `GET` of a customer's labels, the gateway's most
//! frequent request (and a passthrough read, whose vendor call costs less than the router), is
//! answered here, before the router, through the same steps the router and its handler take
//! ([`Start`] and [`Exchange`], [`auth::owner`], the key's limit ([`rate_limit`]),
//! [`auth::admit`], [`customer_labels::read`]); everything else goes through the router.
//!
//! Here a kept answer costs a key check, a lookup and the answer's headers, without the
//! router's extractors, middleware and allocations, which cost as much again
//! (BENCHMARKS.md); it is answered under the tenants' read lock, cloning nothing shared. A path
//! with an escaped segment is left to the router, which decodes it and answers alike. With
//! `cors_allowed_origins`, its answers get the CORS headers the router's layer would give
//! (`cors::Cors::decorate`).

use std::convert::Infallible;
use std::future::{ready, Future};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::ORIGIN;
use axum::http::request::Parts;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::future::Either;
use label_core::BoxFuture;
use tower::ServiceExt;
use tracing::{Instrument, Span};

use crate::http::auth::{self, Refusal};
use crate::http::exchange::{Exchange, Named, Start};
use crate::http::rate_limit;
use crate::http::routes::customer_labels::{self, Answer, ROUTE};
use crate::http::routes::passthrough;
use crate::http::routes::template::Template;
use crate::http::state::{AppState, TenantRuntime};

/// The gateway's service: customers' labels first, then the router. A connection holds a
/// clone; a kept answer clones nothing shared, any other request clones the router (each clone
/// and drop of a shared `Arc` is an atomic write that both CPUs contend for, and tower's
/// adapter would clone the whole service per request).
#[derive(Clone)]
pub struct Front {
    state: AppState,
    router: Router,
    customer_labels: Template,
}

impl Front {
    pub fn new(state: AppState, router: Router) -> Self {
        Self {
            state,
            router,
            customer_labels: Template::parse(ROUTE),
        }
    }

    pub fn answer(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Response, Infallible>> + Send + 'static {
        let (head, body) = request.into_parts();
        match self
            .customer_labels(&head)
            .or_else(|| self.passthrough(&head))
        {
            Some(Answer::Now(mut response)) => {
                if let Some(cors) = &self.state.cors {
                    cors.decorate(head.headers.get(ORIGIN), &mut response);
                }
                Either::Left(ready(Ok(response)))
            }
            Some(Answer::Later(response)) => {
                let cors = self.state.cors.clone();
                let origin = cors
                    .as_ref()
                    .and_then(|_| head.headers.get(ORIGIN).cloned());
                Either::Right(Either::Left(async move {
                    let mut response = response.await;
                    if let Some(cors) = cors {
                        cors.decorate(origin.as_ref(), &mut response);
                    }
                    Ok(response)
                }))
            }
            None => {
                let request = Request::from_parts(head, body);
                Either::Right(Either::Right(self.router.clone().oneshot(request)))
            }
        }
    }

    /// The answer to a `GET` of a customer's labels on a plain path, or `None`.
    fn customer_labels(&self, request: &Parts) -> Option<Answer> {
        if request.method != Method::GET {
            return None;
        }
        let [named, customer] = self.customer_labels.capture(request.uri.path())?;
        self.serve(request, ROUTE, named, |owner, id| {
            customer_labels::read(owner, id, customer, &request.uri, &request.headers)
        })
    }

    /// The answer to a passthrough `GET` or `HEAD` without a body, or `None`: it would cost the
    /// router's extractors more than the vendor call it passes on costs the gateway.
    fn passthrough(&self, request: &Parts) -> Option<Answer> {
        let named = passthrough::plain_read(request)?;
        self.serve(request, passthrough::ROUTE, named, |owner, id| {
            passthrough::read(owner, id, request)
        })
    }

    /// `answer` for the tenant the key opens, once its limit lets it and it may use the tenant
    /// `named`; the request's exchange (its span and series under `route`) around it, as the
    /// router's middleware does. `None` for a key whose replica holds none of its fleet-wide
    /// cells: the router waits for them.
    fn serve(
        &self,
        request: &Parts,
        route: &'static str,
        named: &str,
        answer: impl FnOnce(&Arc<TenantRuntime>, &str) -> Answer,
    ) -> Option<Answer> {
        let headers = &request.headers;
        let start = Start::now(headers);
        self.state.with_tenants(|tenants| {
            let holder = auth::owner(tenants, headers);
            // A key whose replica holds none of its fleet-wide cells goes to the router, which
            // waits for them.
            let verdict = match holder {
                Ok((_, Some(limit))) => Some(limit.check()?),
                _ => None,
            };
            let owner = holder.map(|(owner, _)| owner);
            let caller = Named::caller(owner.ok().map(Arc::as_ref));
            let (mut exchange, span) = start.exchange(request.method.clone(), route, caller);
            exchange.limited(verdict);
            let in_span = span.enter();
            let id = exchange.request_id();
            let refused = verdict.and_then(|verdict| rate_limit::refusal(&verdict, id));
            let admitted = owner
                .map_err(Refusal::NoKey)
                .and_then(|owner| auth::admit(tenants, owner, named).map(|()| owner));
            let answer = match (refused, admitted) {
                (Some(refused), _) => Answer::Now(refused),
                (None, Ok(owner)) => answer(owner, id),
                (None, Err(refusal)) => Answer::Now(refusal.error(id).into_response()),
            };
            Some(match answer {
                Answer::Now(mut response) => {
                    exchange.answered(&mut response);
                    Answer::Now(response)
                }
                Answer::Later(response) => {
                    drop(in_span);
                    Answer::Later(later(response, exchange.into_owned(), span))
                }
            })
        })
    }
}

/// A read that waits on the vendor, counted and traced like one answered at once.
fn later(
    response: BoxFuture<'static, Response>,
    exchange: Exchange<'static>,
    span: Span,
) -> BoxFuture<'static, Response> {
    Box::pin(
        async move {
            let mut response = response.await;
            exchange.answered(&mut response);
            response
        }
        .instrument(span),
    )
}
