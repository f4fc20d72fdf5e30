use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;

/// This OpenAPI document, the same bytes `label-gateway openapi` prints.
///
/// The OpenAPI 3.1 description of every route, generated from the gateway's code; generate
/// clients from it. Needs no key. `/docs` shows it as an interactive page.
// The router hands the document in, made once: the document lists this route, so building it
// here would tie the route and the document to each other.
#[utoipa::path(get, path = "/openapi.json", operation_id = "getOpenApiDocument", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json(document: Arc<str>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.to_string(),
    )
}
