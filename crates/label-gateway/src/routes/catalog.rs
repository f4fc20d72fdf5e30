use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use label_core::{CallContext, Error, ErrorKind};

use crate::api::CatalogResponse;
use crate::auth::TenantAccess;
use crate::problem::ApiError;
use crate::routes::errors::CatalogErrors;
use crate::routes::params::{CacheHeaders, TenantPath};
use crate::routes::representation::{add_cache_headers, respond, wants_fresh};

/// Every label of the tenant's vendor account, all pages walked.
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
    let ctx = CallContext {
        request_id: access.request_id.clone(),
        fresh: wants_fresh(&headers),
        include_raw: false,
        ..CallContext::default()
    };
    let result = provider.catalog(&ctx).await;
    let served = ctx.served.get();
    let labels = match result {
        Ok(labels) => labels,
        // A kept `customer_not_found` is a cache hit too, and says so.
        Err(error) => {
            let mut response = access.error(error).into_response();
            add_cache_headers(&mut response, served);
            return Ok(response);
        }
    };
    let body = CatalogResponse {
        tenant: &access.tenant.id,
        provider: provider.name(),
        labels: &labels,
    };
    Ok(respond(&body, &headers, served))
}
