use std::sync::Arc;

use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use label_core::{
    BoxFuture, CallContext, CustomerId, CustomerIdFormat, Error, ErrorKind, Fetched, LabelList,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::api::CustomerLabelsResponse;
use crate::http::auth::TenantAccess;
use crate::http::openapi::cached_reads::NotModified;
use crate::http::params::{CacheHeaders, CustomerPath, PathOf};
use crate::http::problem::ApiError;
use crate::http::routes::errors::ReadErrors;
use crate::http::routes::query;
use crate::http::routes::representation::{
    self, add_cache_headers, wants_fresh, Conditional, Fields,
};
use crate::http::state::TenantRuntime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Include {
    /// Add each label's vendor record as `raw`.
    Raw,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LabelsQuery {
    /// `raw` adds the provider's own record to every label.
    pub include: Option<Include>,
}

/// The route's template, as the router matches it, the front matches it and the metrics name it.
pub const ROUTE: &str = "/v1/tenants/{tenant}/customers/{customer_id}/labels";

/// A read's answer: ready now (a kept answer, a refusal), or once the vendor has answered.
pub enum Answer {
    Now(Response),
    Later(BoxFuture<'static, Response>),
}

/// The customer's labels, normalized.
///
/// Every label attached to the customer at the tenant's vendor, as `{id, name, weight}`, in the
/// provider's order (ActionHub: highest weight first, ties by name). A customer who exists but
/// has no labels gets `labels: []`. The customer id is checked against the provider's format
/// before any vendor call (400 `invalid_customer_id`).
///
/// Answers come from the gateway's cache when they can (`Cache-Status` says which, `Age` how old);
/// `Cache-Control: no-cache` asks the vendor and refreshes the cache. Every answer has an `ETag`:
/// send it back as `If-None-Match` and an unchanged answer is a 304 with no body.
/// `?include=raw` adds each label's record as the vendor sent it.
#[utoipa::path(get, path = ROUTE, operation_id = "getCustomerLabels",
    params(CustomerPath, LabelsQuery, CacheHeaders),
    responses(
        (status = 200, description = "The customer's labels", body = CustomerLabelsResponse),
        NotModified,
        ReadErrors,
    )
)]
pub async fn get_customer_labels(
    access: TenantAccess,
    PathOf(path): PathOf<CustomerPath>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(CustomerPath { customer_id, .. }) = path else {
        return access.error(not_utf8()).into_response();
    };
    match read(
        &access.tenant,
        &access.request_id,
        &customer_id.0,
        &uri,
        &headers,
    ) {
        Answer::Now(response) => response,
        Answer::Later(response) => response.await,
    }
}

/// The path's customer, in the provider's format (`invalid_customer_id` else).
pub fn customer(
    PathOf(path): PathOf<CustomerPath>,
    format: CustomerIdFormat,
) -> Result<CustomerId, Error> {
    let CustomerPath { customer_id, .. } = path.ok_or_else(not_utf8)?;
    CustomerId::parse(&customer_id.0, format)
}

fn not_utf8() -> Error {
    Error::new(
        ErrorKind::InvalidCustomerId,
        "the customer id is not valid UTF-8",
    )
}

/// A customer's labels once the caller is let into the tenant: the one read that the front
/// (plain paths) and the router (the rest) both answer with. A kept answer is answered now,
/// without waiting on anything.
pub fn read(
    tenant: &Arc<TenantRuntime>,
    request_id: &str,
    customer: &str,
    uri: &Uri,
    headers: &HeaderMap,
) -> Answer {
    let refuse = |error: Error| {
        let problem = ApiError::new(error, request_id).for_tenant(&tenant.id, tenant.provider_name);
        Answer::Now(problem.into_response())
    };
    let customer = match CustomerId::parse(customer, tenant.customer_ids) {
        Ok(customer) => customer,
        Err(error) => return refuse(error),
    };
    let include_raw = match uri.query().map(|_| query::read::<LabelsQuery>(uri)) {
        None => false,
        Some(Ok(query)) => query.include == Some(Include::Raw),
        Some(Err(error)) => return refuse(error),
    };
    let mut ctx = CallContext {
        request_id: String::new(),
        fresh: wants_fresh(headers),
        include_raw,
        job_id: None,
    };
    let conditional = Conditional::of(headers);
    if let Some(kept) = tenant.provider.customer_labels_at_hand(&ctx, &customer) {
        return Answer::Now(respond(tenant, &customer, kept, &conditional, request_id));
    }
    ctx.request_id = request_id.to_owned();
    let tenant = tenant.clone();
    Answer::Later(Box::pin(async move {
        let fetched = tenant.provider.customer_labels(&ctx, &customer).await;
        respond(&tenant, &customer, fetched, &conditional, &ctx.request_id)
    }))
}

fn respond(
    tenant: &TenantRuntime,
    customer: &CustomerId,
    fetched: Result<Fetched<LabelList>, Error>,
    conditional: &Conditional,
    request_id: &str,
) -> Response {
    let provider = tenant.provider_name;
    match fetched {
        Ok(Fetched { value, source }) => {
            let encoded = value.encoded();
            let fields = Fields(&[
                ("tenant", &tenant.id),
                ("customer_id", customer.as_str()),
                ("provider", provider),
            ]);
            let body = representation::body(fields, encoded);
            let etag = representation::etag(encoded, &tenant.etag_salt);
            representation::respond(body, etag, source, conditional)
        }
        Err(error) => {
            let origin = error.origin;
            let problem = ApiError::new(error, request_id).for_tenant(&tenant.id, provider);
            let mut response = problem.into_response();
            add_cache_headers(&mut response, origin);
            response
        }
    }
}
