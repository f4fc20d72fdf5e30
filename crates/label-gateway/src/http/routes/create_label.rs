use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::invalid_request;

use crate::contract::parse_new_label;

use crate::http::api::bulk::{CreateLabelRequest, CreateLabelResponse};
use crate::http::auth::TenantAccess;
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::body;
use crate::http::routes::errors::CreateLabelErrors;
use crate::http::state::AppState;

/// Create a label in the tenant's vendor catalog.
///
/// The name is checked against the vendor's limit (Trybe 20 characters, Capillary 100) before
/// any vendor call; fields the vendor has no place for are listed in `ignored`. A name the
/// catalog has already is 409 `label_exists`, a full catalog 409 `label_limit_reached`; a
/// provider that cannot create labels (ActionHub) answers 405 and calls nothing.
#[utoipa::path(
    post,
    path = "/v1/tenants/{tenant}/labels",
    operation_id = "createLabel",
    tag = "labels",
    params(TenantPath),
    request_body = CreateLabelRequest,
    responses(
        (status = 201, description = "The label, as the vendor created it", body = CreateLabelResponse),
        CreateLabelErrors,
    )
)]
pub async fn create_label(
    access: TenantAccess,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let provider = &access.tenant.provider;
    let capabilities = provider.capabilities();
    if !capabilities.create_labels {
        let why = format!("provider {} cannot create labels", provider.name());
        let allow = if capabilities.catalog {
            "GET, HEAD"
        } else {
            ""
        };
        return Err(access.unsupported(why, allow));
    }
    let body = body::json(&headers, body, state.requests)
        .await
        .map_err(|e| access.error(e))?;
    let new = parse_new_label(&body, capabilities.max_label_name_chars)
        .map_err(|problems| access.error(invalid_request(&problems)))?;
    let ctx = access.context();
    let created = provider
        .create_label(&ctx, &new)
        .await
        .map_err(|e| access.error(e))?;
    let answer = CreateLabelResponse {
        tenant: &access.tenant.id,
        provider: provider.name(),
        label: &created.label,
        ignored: &created.ignored,
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}
