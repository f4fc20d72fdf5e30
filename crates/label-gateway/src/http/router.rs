//! The two listeners' routers: the public one (the API of [`routes::api`], its document and
//! reference page, the fallbacks, and [`exchange::track`] around all of them), and the admin
//! one (metrics and probes, apart from clients: `/metrics` names every tenant).

use crate::contract::Code;
use axum::http::{header, StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::cors;
use crate::http::exchange;
use crate::http::openapi;
use crate::http::problem::ApiError;
use crate::http::request_id::RequestId;
use crate::http::routes::{self, docs, health};
use crate::http::state::AppState;

pub fn router(state: AppState) -> Router {
    // Made now rather than on its first request: `/openapi.json` answers with it.
    docs::DOCUMENT.get_or_init(openapi::document_json);
    let (api, _) = routes::api().split_for_parts();
    let cors = state.cors.clone();
    let router = served(api.merge(openapi::docs_page()), state);
    // Outside the exchange: a preflight is answered before any key is asked for.
    match cors {
        Some(cors) => router
            .layer(cors.layer())
            .layer(middleware::map_response(cors::settle)),
        None => router,
    }
}

/// The admin listener's routes: metrics and the probes. Not in the public document.
pub fn admin_router(state: AppState) -> Router {
    let (admin, _) = OpenApiRouter::new()
        .routes(routes!(exchange::render))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .split_for_parts();
    served(admin, state)
}

/// `routes` as a listener serves them: the fallbacks for what they do not match, each request
/// tracked ([`exchange::track`]), the state handed in.
fn served(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Applied to every route and the fallbacks, after routing: it reads the matched route.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            exchange::track,
        ))
        .with_state(state)
}

/// No route at all: not one of the contract's codes, since no tenant or customer was named.
async fn not_found(RequestId(id): RequestId, uri: Uri) -> Response {
    let body = serde_json::json!({
        "type": "about:blank", "title": "Not found", "status": 404, "code": "not_found",
        "detail": format!("no such resource: {}", uri.path()), "request_id": id,
    });
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

async fn method_not_allowed(RequestId(id): RequestId) -> Response {
    ApiError::kind(
        Code::UnsupportedOperation,
        "this method is not allowed on this resource",
        &id,
    )
    .into_response()
}
