use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use label_core::{CustomerId, Error, ErrorKind};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::CustomerLabelsResponse;
use crate::auth::TenantAccess;
use crate::problem::ApiError;
use crate::routes::errors::ReadErrors;
use crate::routes::params::{CacheHeaders, CustomerPath};
use crate::routes::representation::{answer_read, read_context};

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

/// The route's template, as the router matches it and the metrics name it.
pub const ROUTE: &str = "/v1/tenants/{tenant}/customers/{customer_id}/labels";

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
#[utoipa::path(
    get,
    path = "/v1/tenants/{tenant}/customers/{customer_id}/labels",
    operation_id = "getCustomerLabels",
    tag = "labels",
    params(CustomerPath, LabelsQuery, CacheHeaders),
    responses(
        (status = 200, description = "The customer's labels", body = CustomerLabelsResponse,
            headers(
                ("ETag" = String, description = "Strong validator of the body"),
                ("Cache-Status" = String, description = "RFC 9211: `label-gateway; hit`, `label-gateway; fwd=miss`, `fwd=request` after `Cache-Control: no-cache`, `hit; detail=stale` when the vendor failed"),
                ("Age" = u64, description = "Seconds since the answer was fetched from the vendor; on hits only"),
            )),
        (status = 304, description = "Not modified: the `If-None-Match` tag still matches",
            headers(("ETag" = String), ("Cache-Status" = String))),
        ReadErrors,
    ),
    security(("bearer" = []))
)]
pub async fn get_customer_labels(
    access: TenantAccess,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<LabelsQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let provider = &access.tenant.provider;
    let Path((_, raw_customer)) = path.map_err(|_| {
        access.error(Error::new(
            ErrorKind::InvalidCustomerId,
            "the customer id is not valid UTF-8",
        ))
    })?;
    let customer = CustomerId::parse(&raw_customer, provider.capabilities().customer_id_format)
        .map_err(|e| access.error(e))?;
    let Query(query) = query.map_err(|e| access.error(invalid_query(e)))?;
    let ctx = read_context(&access, &headers, query.include == Some(Include::Raw));
    let result = access.tenant.customer_answer(&ctx, &customer).await;
    Ok(answer_read(&access, &ctx, result, &headers))
}

pub fn invalid_query(rejection: QueryRejection) -> Error {
    let mut error = Error::new(ErrorKind::InvalidRequest, rejection.body_text());
    error.problems = vec![label_core::FieldProblem {
        pointer: String::new(),
        detail: format!("query: {}", rejection.body_text()),
    }];
    error
}
