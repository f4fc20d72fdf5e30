use axum::http::header;
use axum::response::IntoResponse;

use crate::openapi;

/// The OpenAPI document, the same bytes `label-gateway openapi` prints.
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document_json(),
    )
}
