use axum::http::StatusCode;
use axum::Json;

use crate::engine::jobs::view::Job;
use crate::http::params::JobPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::JobAccess;
use crate::http::routes::errors::JobErrors;

/// Cancel a job: no new customer is started; what is done stays done.
///
/// Answers 202 with the job, `cancel_requested` set: the customers in flight finish, then the
/// job ends `cancelled` (or `succeeded`, if every customer had already run). A job that has
/// already ended is answered 200 as it is. Works on any replica: the one running the job
/// learns of it within its heartbeat.
#[utoipa::path(delete, path = "/v1/tenants/{tenant}/jobs/{job_id}", operation_id = "cancelJob",
    params(JobPath),
    responses(
        (status = 200, description = "The job had already ended; nothing changed", body = Job),
        (status = 202, description = "The job will stop starting customers", body = Job),
        JobErrors,
    )
)]
pub async fn cancel_job(
    JobAccess { access, state, job }: JobAccess,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    if job.state.is_final() {
        return Ok((StatusCode::OK, Json(Job::of(&job))));
    }
    let cancelled = access
        .answer(state.jobs.cancel(&job.tenant, &job.id))
        .await?;
    let job = cancelled.unwrap_or(job);
    Ok((StatusCode::ACCEPTED, Json(Job::of(&job))))
}
