use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::engine::jobs::view::Job;
use crate::http::auth::TenantAccess;
use crate::http::params::JobPath;
use crate::http::problem::ApiError;
use crate::http::routes::errors::JobErrors;
use crate::http::routes::job_params::{job, job_id};
use crate::http::state::AppState;

/// Cancel a job: no new customer is started; what is done stays done.
///
/// Answers 202 with the job, `cancel_requested` set: the customers in flight finish, then the
/// job ends `cancelled` (or `succeeded`, if every customer had already run). A job that has
/// already ended is answered 200 as it is. Works on any replica: the one running the job
/// learns of it within its heartbeat.
#[utoipa::path(
    delete,
    path = "/v1/tenants/{tenant}/jobs/{job_id}",
    operation_id = "cancelJob",
    tag = "jobs",
    params(JobPath),
    responses(
        (status = 200, description = "The job had already ended; nothing changed", body = Job),
        (status = 202, description = "The job will stop starting customers", body = Job),
        JobErrors,
    )
)]
pub async fn cancel_job(
    access: TenantAccess,
    State(state): State<AppState>,
    path: Result<Path<JobPath>, PathRejection>,
) -> Result<Response, ApiError> {
    let meta = job(&state, &access, &job_id(path)).await?;
    if meta.state.is_final() {
        return Ok(Json(Job::of(&meta)).into_response());
    }
    let meta = state
        .jobs
        .cancel(&meta.tenant, &meta.id)
        .await
        .map_err(|e| access.error(e))?
        .unwrap_or(meta);
    Ok((StatusCode::ACCEPTED, Json(Job::of(&meta))).into_response())
}
