use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::invalid_request;

use crate::contract::{parse_new_label, Error};
use crate::http::api::bulk::{CreateLabelRequest, CreateLabelResponse};
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::body::Unread;
use crate::http::routes::errors::CreateLabelErrors;
use crate::http::routes::needs::Needs;

/// Create a label in the tenant's vendor catalog.
///
/// The name is checked against the vendor's limit (Trybe 20 characters, Capillary 100) before
/// any vendor call; fields the vendor has no place for are listed in `ignored`. A name the
/// catalog has already is 409 `label_exists`, a full catalog 409 `label_limit_reached`; a
/// provider that cannot create labels (ActionHub) answers 405 and calls nothing.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/labels", operation_id = "createLabel",
    params(TenantPath),
    request_body = CreateLabelRequest,
    responses((status = 201, description = "The label, as the vendor created it", body = CreateLabelResponse), CreateLabelErrors)
)]
pub async fn create_label(
    TenantCall { access, state }: TenantCall,
    mut sent: Unread,
) -> Result<Response, ApiError> {
    let provider = &access.tenant.provider;
    let capabilities = access.require(Needs::CreateLabel)?;
    let work = async {
        let body = sent.json(state.requests).await?;
        let new = parse_new_label(&body, capabilities.max_label_name_chars)
            .map_err(|problems| invalid_request(&problems))?;
        let created = provider.create_label(&access.context(), &new).await?;
        let answer = CreateLabelResponse {
            tenant: &access.tenant.id,
            provider: provider.name(),
            label: &created.label,
            ignored: &created.ignored,
        };
        Ok::<_, Error>((StatusCode::CREATED, Json(answer)).into_response())
    };
    access.answer(work).await
}
