use axum::http::Uri;
use axum::Json;
use serde_json::Value;

use crate::contract::Error;
use crate::engine::jobs::results::page;
use crate::engine::jobs::view::ResultsPage;
use crate::http::params::JobPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::JobAccess;
use crate::http::routes::cursor;
use crate::http::routes::errors::JobResultsErrors;
use crate::http::routes::job_params::{Page, Results, ResultsQuery};

/// A job's results: one item per customer done, in submission order.
///
/// Each item names the customer (for a copy, the target customer, and the source as `from`)
/// and either its `results` (one per label reference: `applied`, `unchanged`, `not_found`,
/// `created`, or in a dry run `would_apply`) or the `problem` it failed with. `status` keeps
/// only the customers that `succeeded` or that `failed`; `next_cursor` fetches the next page,
/// and is null when no more results are ready (a running job's results grow as it goes).
#[utoipa::path(get, path = "/v1/tenants/{tenant}/jobs/{job_id}/results",
    operation_id = "listJobResults",
    params(JobPath, ResultsQuery, Page<Results>),
    responses((status = 200, description = "A page of the job's results", body = ResultsPage), JobResultsErrors)
)]
pub async fn job_results(
    JobAccess { access, state, job }: JobAccess,
    uri: Uri,
) -> Result<Json<ResultsPage>, ApiError> {
    let work = async {
        let query = ResultsQuery::read(&uri)?;
        let filter = query.filter();
        let scope = format!("results/{}/{}", job.id, filter.name());
        let from = cursor::offset(query.page.cursor.as_deref(), &scope)?;
        let size = query.page.size();
        let (items, next) = page(&state.jobs.store, &job, filter, from, size).await?;
        let next_cursor = next.map(|place| cursor::encode(&scope, &Value::from(place)));
        Ok::<_, Error>(Json(ResultsPage { items, next_cursor }))
    };
    access.answer(work).await
}
