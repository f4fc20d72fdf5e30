use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use crate::engine::jobs::results::page;
use crate::engine::jobs::view::ResultsPage;
use crate::http::auth::TenantAccess;
use crate::http::params::JobPath;
use crate::http::problem::ApiError;
use crate::http::routes::cursor;
use crate::http::routes::errors::JobResultsErrors;
use crate::http::routes::job_params::{job, job_id, ResultsQuery};
use crate::http::state::AppState;

/// A job's results: one item per customer done, in submission order.
///
/// Each item names the customer (for a copy, the target customer, and the source as `from`)
/// and either its `results` (one per label reference: `applied`, `unchanged`, `not_found`,
/// `created`, or in a dry run `would_apply`) or the `problem` it failed with. `status` keeps
/// only the customers that `succeeded` or that `failed`; `next_cursor` fetches the next page,
/// and is null when no more results are ready (a running job's results grow as it goes).
#[utoipa::path(
    get,
    path = "/v1/tenants/{tenant}/jobs/{job_id}/results",
    operation_id = "listJobResults",
    tag = "jobs",
    params(JobPath, ResultsQuery),
    responses((status = 200, description = "A page of the job's results", body = ResultsPage), JobResultsErrors)
)]
pub async fn job_results(
    access: TenantAccess,
    State(state): State<AppState>,
    path: Result<Path<JobPath>, PathRejection>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let meta = job(&state, &access, &job_id(path)).await?;
    let query = ResultsQuery::read(&uri).map_err(|e| access.error(e))?;
    let filter = query.filter();
    let scope = format!("results/{}/{}", meta.id, filter.name());
    let from = cursor::offset(query.cursor.as_deref(), &scope).map_err(|e| access.error(e))?;
    let (items, next) = page(&state.jobs.store, &meta, filter, from, query.page_size())
        .await
        .map_err(|e| access.error(e))?;
    let body = ResultsPage {
        items,
        next_cursor: next.map(|place| cursor::encode(&scope, &Value::from(place))),
    };
    Ok(Json(body).into_response())
}
