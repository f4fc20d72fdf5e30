use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::api::TenantResponse;
use crate::auth::TenantAccess;
use crate::routes::errors::TenantErrors;
use crate::routes::params::TenantPath;

/// The tenant's provider and what it can do.
#[utoipa::path(
    get,
    path = "/v1/tenants/{tenant}",
    operation_id = "getTenant",
    tag = "tenants",
    params(TenantPath),
    responses((status = 200, description = "The tenant", body = TenantResponse), TenantErrors),
    security(("bearer" = []))
)]
pub async fn get_tenant(access: TenantAccess) -> Response {
    let provider = &access.tenant.provider;
    let body = TenantResponse {
        tenant: &access.tenant.id,
        provider: provider.name(),
        capabilities: provider.capabilities(),
    };
    Json(body).into_response()
}
