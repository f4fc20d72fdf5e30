use axum::http::header;
use axum::response::IntoResponse;

use crate::openapi;

/// This OpenAPI document, the same bytes `label-gateway openapi` prints.
///
/// The OpenAPI 3.1 description of every route, generated from the gateway's code; generate
/// clients from it. Needs no key. `/docs` shows it as an interactive page.
#[utoipa::path(get, path = "/openapi.json", operation_id = "getOpenApiDocument", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document_json(),
    )
}
