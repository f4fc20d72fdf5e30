use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;

/// The document `/openapi.json` serves, made once by the router that serves it
/// (`crate::http::router`): it is derived from the routes, this one among them.
pub static DOCUMENT: OnceLock<String> = OnceLock::new();

/// This OpenAPI document, the same bytes `label-gateway openapi` prints.
///
/// The OpenAPI 3.1 description of every route, generated from the gateway's code; generate
/// clients from it. Needs no key. `/docs` shows it as an interactive page.
#[utoipa::path(get, path = "/openapi.json", operation_id = "getOpenApiDocument",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
    security())]
pub async fn openapi_json() -> impl IntoResponse {
    // A static body: served without a copy. Always made: only the router routes here.
    let document = DOCUMENT.get().map_or("", String::as_str);
    ([(header::CONTENT_TYPE, "application/json")], document)
}
