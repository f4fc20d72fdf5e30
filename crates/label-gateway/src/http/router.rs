//! Every route of the gateway, in two lists: the public listener's, and the admin listener's
//! (metrics and probes, apart from clients: `/metrics` names every tenant).

use axum::http::{header, StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

use crate::contract::Code;
use crate::http::exchange;
use crate::http::openapi;
use crate::http::problem::ApiError;
use crate::http::request_id::RequestId;
use crate::http::routes::{
    batch_get, cancel_job, catalog, change_labels, create_label, customer_labels, docs, get_job,
    health, job_results, label_customers, list_jobs, submit_job, tenant,
};
use crate::http::state::AppState;

pub fn router(state: AppState) -> Router {
    let document: Arc<str> = openapi::document_json().into();
    let v1 = Router::new()
        .route("/v1/tenants/{tenant}", get(tenant::get_tenant))
        .route(
            customer_labels::ROUTE,
            get(customer_labels::get_customer_labels).patch(change_labels::change_customer_labels),
        )
        .route(
            "/v1/tenants/{tenant}/labels",
            get(catalog::list_catalog).post(create_label::create_label),
        )
        .route(
            "/v1/tenants/{tenant}/labels/{label_id}/customers",
            get(label_customers::list_label_customers)
                .patch(label_customers::change_label_customers),
        )
        .route(
            "/v1/tenants/{tenant}/customers/labels:batchGet",
            post(batch_get::batch_get_customer_labels),
        )
        .route(
            "/v1/tenants/{tenant}/jobs",
            get(list_jobs::list_jobs).post(submit_job::submit_job),
        )
        .route(
            "/v1/tenants/{tenant}/jobs/{job_id}",
            get(get_job::get_job).delete(cancel_job::cancel_job),
        )
        .route(
            "/v1/tenants/{tenant}/jobs/{job_id}/results",
            get(job_results::job_results),
        );
    Router::new()
        .merge(v1)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/openapi.json",
            get(move || docs::openapi_json(document.clone())),
        )
        .merge(crate::http::openapi::docs_page())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Applied to every route and the fallbacks, after routing: it reads the matched route.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            exchange::track,
        ))
        .with_state(state)
}

/// The admin listener's routes: metrics and the probes.
pub fn admin_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(exchange::render))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
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
        Code::UnsupportedOperation,
        "this method is not allowed on this resource",
        &id,
    )
    .into_response()
}
