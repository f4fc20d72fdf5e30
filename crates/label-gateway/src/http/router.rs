//! Every route of the gateway, in two lists: the public listener's, and the admin listener's
//! (metrics and probes, apart from clients: `/metrics` names every tenant).

use axum::http::{header, StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::Router;
use label_core::ErrorKind;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::exchange;
use crate::http::openapi::{self, ApiDoc};
use crate::http::problem::ApiError;
use crate::http::request_id::RequestId;
use crate::http::routes::{
    batch_get, cancel_job, catalog, change_labels, create_label, customer_labels, docs, get_job,
    health, job_results, label_customers, list_jobs, submit_job, tenant,
};
use crate::http::state::AppState;

/// The public listener's routes and their document, both from each handler's own
/// `#[utoipa::path]`: its method and path are written there and nowhere else. One `routes!`
/// per path.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(tenant::get_tenant))
        .routes(routes!(
            customer_labels::get_customer_labels,
            change_labels::change_customer_labels
        ))
        .routes(routes!(catalog::list_catalog, create_label::create_label))
        .routes(routes!(list_jobs::list_jobs, submit_job::submit_job))
        .routes(routes!(get_job::get_job, cancel_job::cancel_job))
        .routes(routes!(job_results::job_results))
        // After the jobs: the jobs' `ItemProblem` and these routes' share a schema name, and
        // the one registered last is the one the document keeps.
        .routes(routes!(
            label_customers::list_label_customers,
            label_customers::change_label_customers
        ))
        .routes(routes!(batch_get::batch_get_customer_labels))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(docs::openapi_json))
}

pub fn router(state: AppState) -> Router {
    // Made now rather than on its first request: `/openapi.json` answers with it.
    docs::document();
    let (api, _) = api().split_for_parts();
    api.merge(openapi::docs_page())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Applied to every route and the fallbacks, after routing: it reads the matched route.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            exchange::track,
        ))
        .with_state(state)
}

/// The admin listener's routes: metrics and the probes. Not in the public document.
pub fn admin_router(state: AppState) -> Router {
    let (admin, _) = OpenApiRouter::new()
        .routes(routes!(exchange::render))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .split_for_parts();
    admin
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
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
        ErrorKind::UnsupportedOperation,
        "this method is not allowed on this resource",
        &id,
    )
    .into_response()
}
