use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;

use crate::http::openapi;

/// The document, made once: it is derived from the router's routes, this one among them.
static DOCUMENT: LazyLock<String> = LazyLock::new(openapi::document_json);

/// The document as `/openapi.json` serves it.
pub fn document() -> &'static str {
    &DOCUMENT
}

/// This OpenAPI document, the same bytes `label-gateway openapi` prints.
///
/// The OpenAPI 3.1 description of every route, generated from the gateway's code; generate
/// clients from it. Needs no key. `/docs` shows it as an interactive page.
#[utoipa::path(get, path = "/openapi.json", operation_id = "getOpenApiDocument", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn openapi_json() -> impl IntoResponse {
    // A static body: served without a copy.
    ([(header::CONTENT_TYPE, "application/json")], document())
}
