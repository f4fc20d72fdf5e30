//! One file per endpoint action, each handler with its own `#[utoipa::path]`, and what they
//! share (bodies, cursors, representations, the errors they document); [`api`] lists them all.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::openapi::walk::operations;
use crate::http::state::AppState;

pub mod access;
pub mod batch_get;
pub mod body;
pub mod cancel_job;
pub mod catalog;
pub mod change_labels;
pub mod create_label;
pub mod cursor;
pub mod customer_labels;
pub mod deliveries;
pub mod docs;
pub mod errors;
pub mod events;
pub mod get_job;
pub mod health;
pub mod job_params;
pub mod job_results;
pub mod label_customers;
pub mod list_jobs;
pub mod needs;
pub mod passthrough;
pub mod query;
pub mod redeliver;
pub mod representation;
pub mod submit_job;
pub mod template;
pub mod tenant;

/// The public listener's routes and the document's paths, both from each handler's own
/// `#[utoipa::path]`: its method and path are written there and nowhere else. One `routes!`
/// per path; each group's tag is written once, here.
pub fn api() -> OpenApiRouter<AppState> {
    let tenants = OpenApiRouter::new().routes(routes!(tenant::get_tenant));
    let jobs = OpenApiRouter::new()
        .routes(routes!(list_jobs::list_jobs, submit_job::submit_job))
        .routes(routes!(get_job::get_job, cancel_job::cancel_job))
        .routes(routes!(job_results::job_results));
    let labels = OpenApiRouter::new()
        .routes(routes!(
            customer_labels::get_customer_labels,
            change_labels::change_customer_labels
        ))
        .routes(routes!(catalog::list_catalog, create_label::create_label))
        .routes(routes!(
            label_customers::list_label_customers,
            label_customers::change_label_customers
        ))
        .routes(routes!(batch_get::batch_get_customer_labels));
    let passthrough = OpenApiRouter::new()
        .routes(routes!(
            passthrough::passthrough_get,
            passthrough::passthrough_post,
            passthrough::passthrough_put,
            passthrough::passthrough_patch,
            passthrough::passthrough_delete
        ))
        // Any other method reaches the same handler (merged into the path's method router),
        // which refuses it; not in the document, which names the five an allow-list can.
        .route(
            passthrough::ROUTE,
            axum::routing::MethodRouter::new().fallback(passthrough::passthrough_other),
        );
    let events = OpenApiRouter::new()
        .routes(routes!(events::list_events))
        .routes(routes!(redeliver::redeliver_event))
        .routes(routes!(deliveries::list_deliveries));
    let operations = OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(docs::openapi_json));
    OpenApiRouter::new()
        .merge(tagged("tenants", tenants))
        .merge(tagged("jobs", jobs))
        // After the jobs: the jobs' `ItemProblem` and the label routes' share a schema name,
        // and the one registered last is the one the document keeps.
        .merge(tagged("labels", labels))
        .merge(tagged("passthrough", passthrough))
        .merge(tagged("events", events))
        .merge(tagged("operations", operations))
}

/// A group's routes, every operation they document tagged `tag` (one of `openapi::ApiDoc`'s
/// tags): the handlers do not restate it.
fn tagged(tag: &str, mut group: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for item in group.get_openapi_mut().paths.paths.values_mut() {
        for operation in operations(item) {
            operation.tags = Some(vec![tag.to_owned()]);
        }
    }
    group
}
