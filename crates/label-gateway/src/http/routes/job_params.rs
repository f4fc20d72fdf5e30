//! What the job routes share: their query parameters, documented once, and reading the job a
//! path names.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::http::Uri;
use label_core::{Error, ErrorKind, FieldProblem};
use utoipa::IntoParams;

use crate::engine::jobs::model::Meta;
use crate::http::auth::TenantAccess;
use crate::http::params::JobPath;
use crate::http::problem::ApiError;
use crate::http::state::Gateway;

/// `?cursor=&limit=` of the job listing.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `query`
pub struct ListQuery {
    /// `next_cursor` of the page before; absent for the first page.
    #[param(max_length = 512, nullable = false)]
    pub cursor: Option<String>,
    /// Jobs a page, 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100, nullable = false)]
    pub limit: Option<u32>,
}

/// `?status=&cursor=&limit=` of a job's results.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `query`
pub struct ResultsQuery {
    /// Only the customers that `succeeded`, or that `failed`; absent: both.
    #[param(inline, nullable = false)]
    pub status: Option<crate::engine::jobs::view::ItemStatus>,
    /// `next_cursor` of the page before; absent for the first page.
    #[param(max_length = 512, nullable = false)]
    pub cursor: Option<String>,
    /// Items a page, 1 to 1000; default 100.
    #[param(minimum = 1, maximum = 1000, nullable = false)]
    pub limit: Option<u32>,
}

/// The query's parameters by name; a parameter given twice, or not UTF-8, is a problem.
pub fn query(uri: &Uri, known: &[&str]) -> Result<Vec<(String, String)>, Error> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    for (name, value) in url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        if !known.contains(&name.as_ref()) {
            continue;
        }
        if pairs.iter().any(|(seen, _)| *seen == name) {
            problems.push(FieldProblem::at(
                "",
                format!("query: {name} is given more than once"),
            ));
        }
        pairs.push((name.into_owned(), value.into_owned()));
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(label_core::invalid_request(&problems))
    }
}

pub fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// `limit`: 1 to `max`, `default` when absent.
pub fn limit(pairs: &[(String, String)], default: usize, max: usize) -> Result<usize, Error> {
    match value(pairs, "limit") {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=max).contains(&limit) => Ok(limit),
            _ => {
                let detail = format!("query: limit must be an integer from 1 to {max}");
                Err(label_core::invalid_request(&[FieldProblem::at("", detail)]))
            }
        },
    }
}

/// The path's `{job_id}`; empty (no such job) when the path does not decode.
pub fn job_id(path: Result<Path<JobPath>, PathRejection>) -> String {
    path.map(|Path(path)| path.job_id.0).unwrap_or_default()
}

/// The job the path names, if it is this tenant's; `job_lost` for a job this replica knew
/// whose record has vanished.
pub async fn job(state: &Gateway, access: &TenantAccess, id: &str) -> Result<Meta, ApiError> {
    let not_found = || {
        access.error(Error::new(
            ErrorKind::JobNotFound,
            "this tenant has no job with this id (finished jobs are kept 7 days)",
        ))
    };
    if uuid::Uuid::try_parse(id).is_err() || id.len() != 36 {
        return Err(not_found());
    }
    match state
        .jobs
        .store
        .meta(&access.tenant.id, &id.to_ascii_lowercase())
        .await
    {
        Ok(Some(meta)) => {
            state.jobs.known.saw(&meta);
            Ok(meta)
        }
        Ok(None)
            if state
                .jobs
                .known
                .lost(&access.tenant.id, &id.to_ascii_lowercase()) =>
        {
            Err(access.error(Error::new(
                ErrorKind::JobLost,
                "this job existed, but its record is gone from the shared state (Redis \
                 restarted without persistence, or evicted it); what the job had changed at \
                 the vendor stays changed",
            )))
        }
        Ok(None) => Err(not_found()),
        Err(error) => Err(access.error(error)),
    }
}
