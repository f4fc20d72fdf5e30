use axum::http::HeaderMap;
use axum::response::Response;
use label_core::{CallContext, Error, ErrorKind};

use crate::api::CatalogResponse;
use crate::auth::TenantAccess;
use crate::problem::ApiError;
use crate::routes::errors::CatalogErrors;
use crate::routes::params::{CacheHeaders, TenantPath};
use crate::routes::representation::{respond, wants_fresh};

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
                ("Cache-Status" = String, description = "RFC 9211: `label-gateway; hit` or `label-gateway; fwd=miss`"),
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
    };
    let labels = provider.catalog(&ctx).await.map_err(|e| access.error(e))?;
    let body = CatalogResponse {
        tenant: &access.tenant.id,
        provider: provider.name(),
        labels: &labels,
    };
    Ok(respond(&body, &headers, "label-gateway; fwd=miss"))
}
