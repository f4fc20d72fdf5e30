use axum::Json;

use crate::engine::jobs::view::Job;
use crate::http::params::JobPath;
use crate::http::routes::access::JobAccess;
use crate::http::routes::errors::JobErrors;

/// A job: its state, counts, times and how long it has left.
///
/// `state` is `queued`, `running`, `succeeded` (every customer ran, even if some failed),
/// `failed` (the job could not go on: its tenant removed, its source no longer allowed; see
/// `problem`) or `cancelled`. `counts` say how many customers are done, and of those how many
/// succeeded and failed; `eta_seconds` is the time left at the recent rate. `durable` says
/// whether the job survives its replica (`[state]`). Calls no vendor. Poll it until the state
/// is final, then read the results.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/jobs/{job_id}", operation_id = "getJob",
    params(JobPath),
    responses((status = 200, description = "The job", body = Job), JobErrors)
)]
pub async fn get_job(JobAccess { job, .. }: JobAccess) -> Json<Job> {
    Json(Job::of(&job))
}
