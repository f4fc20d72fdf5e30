use axum::http::HeaderMap;
use axum::response::Response;
use label_core::{Error, ErrorKind};

use crate::api::CatalogResponse;
use crate::auth::TenantAccess;
use crate::problem::ApiError;
use crate::rendered::Rendered;
use crate::routes::errors::CatalogErrors;
use crate::routes::params::{CacheHeaders, TenantPath};
use crate::routes::representation::{answer_read, read_context};

/// Every label of the tenant's vendor account, all pages walked.
///
/// The vendor's whole catalog (Capillary's active org labels, Trybe's labels that are not
/// archived, ActionHub's labels with their weights), fetched page by page by the gateway. It is
/// what a change's names and ids are resolved against. Cached like a customer's labels, with
/// the same `ETag`, `If-None-Match`, `Cache-Control: no-cache` and `Cache-Status`. A provider
/// without a catalog answers 405.
#[utoipa::path(
    get,
    path = "/v1/tenants/{tenant}/labels",
    operation_id = "listCatalogLabels",
    tag = "labels",
    params(TenantPath, CacheHeaders),
    responses(
        (status = 200, description = "The tenant's label catalog", body = CatalogResponse,
            headers(
                ("ETag" = String, description = "Strong validator of the body"),
                ("Cache-Status" = String, description = "RFC 9211: `label-gateway; hit`, `label-gateway; fwd=miss`, `fwd=request` after `Cache-Control: no-cache`, `hit; detail=stale` when the vendor failed"),
                ("Age" = u64, description = "Seconds since the answer was fetched from the vendor; on hits only"),
            )),
        (status = 304, description = "Not modified: the `If-None-Match` tag still matches",
            headers(("ETag" = String), ("Cache-Status" = String))),
        CatalogErrors,
    ),
    security(("bearer" = []))
)]
pub async fn list_catalog(access: TenantAccess, headers: HeaderMap) -> Result<Response, ApiError> {
    let provider = &access.tenant.provider;
    if !provider.capabilities().catalog {
        let mut error = access.error(Error::new(
            ErrorKind::UnsupportedOperation,
            format!("provider {} has no label catalog", provider.name()),
        ));
        error.allow = Some("");
        return Err(error);
    }
    let ctx = read_context(&access, &headers, false);
    let result = provider.catalog(&ctx).await.and_then(|labels| {
        Rendered::new(&CatalogResponse {
            tenant: &access.tenant.id,
            provider: provider.name(),
            labels: &labels,
        })
    });
    Ok(answer_read(&access, &ctx, result, &headers))
}
