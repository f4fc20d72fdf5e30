use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::api::TenantResponse;
use crate::auth::TenantAccess;
use crate::routes::errors::TenantErrors;

/// The tenant's provider and what it can do.
#[utoipa::path(
    get,
    path = "/v1/tenants/{tenant}",
    operation_id = "getTenant",
    tag = "tenants",
    params(("tenant" = String, Path, description = "Tenant id", pattern = "^[a-z0-9][a-z0-9_-]{0,62}$")),
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
