use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::{
    apply_change, invalid_request, CallContext, ChangeRequest, CustomerId, Error, ErrorKind,
};

use crate::api::{ChangeLabelsRequest, ChangeLabelsResponse};
use crate::auth::TenantAccess;
use crate::problem::ApiError;
use crate::routes::errors::ChangeErrors;

/// Attach and detach labels; one result per reference, in request order.
#[utoipa::path(
    patch,
    path = "/v1/tenants/{tenant}/customers/{customer_id}/labels",
    operation_id = "changeCustomerLabels",
    tag = "labels",
    params(
        ("tenant" = String, Path, description = "Tenant id", pattern = "^[a-z0-9][a-z0-9_-]{0,62}$"),
        ("customer_id" = String, Path, description = "The customer's id at the vendor", min_length = 1, max_length = 256),
    ),
    request_body = ChangeLabelsRequest,
    responses(
        (status = 200, description = "What happened to each reference", body = ChangeLabelsResponse),
        ChangeErrors,
    ),
    security(("bearer" = []))
)]
pub async fn change_customer_labels(
    access: TenantAccess,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let provider = &access.tenant.provider;
    let capabilities = provider.capabilities();
    if !capabilities.can_write() {
        let mut error = access.error(Error::new(
            ErrorKind::UnsupportedOperation,
            format!(
                "provider {} is read-only: labels cannot be changed",
                provider.name()
            ),
        ));
        error.allow = Some("GET, HEAD");
        return Err(error);
    }
    let Path((_, raw_customer)) = path.map_err(|_| {
        access.error(Error::new(
            ErrorKind::InvalidCustomerId,
            "the customer id is not valid UTF-8",
        ))
    })?;
    let customer = CustomerId::parse(&raw_customer, capabilities.customer_id_format)
        .map_err(|e| access.error(e))?;
    let body = body.map_err(|rejection| access.error(body_error(&rejection)))?;
    let request =
        ChangeRequest::parse(&body).map_err(|problems| access.error(invalid_request(&problems)))?;
    let ctx = CallContext {
        request_id: access.request_id.clone(),
        fresh: false,
        include_raw: false,
        ..CallContext::default()
    };
    let results = apply_change(provider.as_ref(), &ctx, &customer, &request)
        .await
        .map_err(|e| access.error(e))?;
    let response = ChangeLabelsResponse {
        tenant: &access.tenant.id,
        customer_id: customer.as_str(),
        provider: provider.name(),
        results: &results,
    };
    Ok(Json(response).into_response())
}

fn body_error(rejection: &BytesRejection) -> Error {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::new(
            ErrorKind::PayloadTooLarge,
            "the request body is over the configured limit",
        )
    } else {
        invalid_request(&[label_core::FieldProblem {
            pointer: String::new(),
            detail: format!("the body could not be read: {}", rejection.body_text()),
        }])
    }
}
