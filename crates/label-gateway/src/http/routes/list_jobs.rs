use axum::http::Uri;
use axum::Json;
use serde_json::Value;

use crate::contract::Error;
use crate::engine::jobs::view::{Job, JobList};
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::cursor;
use crate::http::routes::errors::ListJobsErrors;
use crate::http::routes::job_params::{Jobs, Page};

/// The tenant's jobs, newest first.
///
/// A page of at most `limit` jobs (default 20), each as `getJob` shows it; `next_cursor`
/// fetches the next page. Finished jobs are kept 7 days. Calls no vendor.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/jobs", operation_id = "listJobs",
    params(TenantPath, Page<Jobs>),
    responses((status = 200, description = "A page of the tenant's jobs", body = JobList), ListJobsErrors)
)]
pub async fn list_jobs(
    TenantCall { access, state }: TenantCall,
    uri: Uri,
) -> Result<Json<JobList>, ApiError> {
    let tenant = &access.tenant.id;
    let work = async {
        let query = Page::<Jobs>::read(&uri)?;
        let scope = format!("jobs/{tenant}");
        let after = cursor::key(query.cursor.as_deref(), &scope)?;
        let size = query.size();
        let page = state
            .jobs
            .store
            .list(tenant, after.as_deref(), size)
            .await?;
        Ok::<_, Error>(Json(JobList {
            jobs: page.jobs.iter().map(Job::of).collect(),
            next_cursor: page
                .next_after
                .map(|after| cursor::encode(&scope, &Value::String(after))),
        }))
    };
    access.answer(work).await
}
