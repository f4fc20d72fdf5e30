use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::http::api::TenantResponse;
use crate::http::auth::TenantAccess;
use crate::http::params::TenantPath;
use crate::http::routes::errors::TenantErrors;

/// The tenant's provider and what it can do.
///
/// Which vendor serves the tenant (`capillary`, `trybe` or `actionhub`) and its capabilities:
/// whether labels can be read, attached and detached, whether the vendor account has a label
/// catalog, whether labels carry weights, and whether the provider natively names a label by
/// `name` or by `id`. Ask this before offering a change: a read-only provider answers every
/// change with 405. Calls no vendor. The api key is checked before the tenant, so a caller
/// without a valid key learns nothing about which tenants exist.
#[utoipa::path(get, path = "/v1/tenants/{tenant}", operation_id = "getTenant",
    params(TenantPath),
    responses((status = 200, description = "The tenant", body = TenantResponse), TenantErrors)
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
