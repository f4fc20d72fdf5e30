use crate::contract::{Code, Error};
use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::engine::idempotency::{self, Fingerprinting};
use crate::engine::jobs::memory::Held;
use crate::engine::jobs::stream::{Split, Splitter};
use crate::engine::jobs::view::Job;
use crate::engine::jobs::{spec, Jobs};
use crate::http::auth::TenantAccess;
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::body::{self, Unread};
use crate::http::routes::errors::SubmitJobErrors;
use crate::http::routes::needs::Needs;
use crate::http::state::{AppState, RequestLimits};

/// Submit a job: change many customers, or copy labels from another tenant.
///
/// `"kind": "change"` applies the same `add` and `remove` references (as in a customer's
/// change) to every customer listed; `create_missing` creates an added name the catalog lacks
/// once, first. `"kind": "copy"` reads each `from` customer's labels in `from_tenant` (which
/// the tenant's `copy_from` must name, else 403) and attaches them to the `to` customer here,
/// names mapped through `labels` (`unmapped`: `skip`, or `same_name`); `mode: "mirror"` also
/// detaches the mapped-to labels the source customer lacks. `dry_run` reads everything and
/// writes nothing. Every item is checked first: a body with any problem is refused whole (422,
/// at most 100 problems listed) and no job is made. The job runs in the background, chunk by
/// chunk, with the vendor's batch calls where it has them, within the tenant's vendor budget
/// less `[jobs] interactive_share`; one failing customer is recorded and the job goes on.
/// A tenant with `[jobs] max_active_per_tenant` jobs queued or running is refused (429
/// `too_many_jobs`), and so is a submission that would take what this gateway's jobs hold past
/// `[jobs] max_memory_bytes` (503 `jobs_full`); both with `Retry-After`, and no job is made.
/// Answers 202 with the job and its `Location`; follow it with `getJob`. Send an
/// `Idempotency-Key` to make a retry safe: the same key and body give the first answer again,
/// and no second job.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/jobs", operation_id = "submitJob",
    params(
        TenantPath,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, description = "1 to 255 visible ASCII characters. The same key with the same body within 24 h gets the first answer again and makes no second job; with another body: 422 `idempotency_key_reused`; while the first is still being accepted: 409 `idempotency_in_progress`. Keys are scoped per tenant.", min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$"),
    ),
    request_body = crate::http::api::job_request::JobRequest,
    responses(
        (status = 202, description = "The job, accepted; it runs in the background", body = Job,
            headers(
                ("Location" = String, description = "The job: `/v1/tenants/{tenant}/jobs/{job_id}`"),
                ("Idempotent-Replayed" = String, description = "`true` on an answer replayed for a repeated `Idempotency-Key`"),
            )),
        SubmitJobErrors,
    )
)]
pub async fn submit_job(
    TenantCall { access, state }: TenantCall,
    sent: Unread,
) -> Result<Response, ApiError> {
    access.require(Needs::SubmitJob)?;
    let limits = RequestLimits {
        max_body_bytes: state.jobs.max_body_bytes,
        ..state.requests
    };
    let key = idempotency::key_of(&sent.headers);
    // A retry with an Idempotency-Key may be the replay of a job that is one of the active
    // ones: it is let through to the key's record, and the store's own check still holds.
    let work = async {
        if !matches!(key, Ok(Some(_))) {
            state.jobs.admit(&access.tenant.id).await?;
        }
        let mut held = state.jobs.memory.hold(0)?;
        let (body, fingerprint) = read_streamed(sent, limits, &mut held).await?;
        let read = spec::read(
            body,
            &state.tenants,
            &access.tenant,
            state.jobs.max_customers,
            state.jobs.chunk_size(&access.tenant),
        );
        let (spec, customers) = match (key.clone(), read) {
            (Ok(_), Ok(read)) => read,
            (Err(problem), Ok(_)) => return Err(label_core::invalid_request(&[problem]).into()),
            (Err(problem), Err(mut error)) if error.kind == Code::InvalidRequest => {
                error.problems.insert(0, problem);
                error.problems.truncate(label_core::MAX_PROBLEMS);
                return Err(error);
            }
            (_, Err(error)) => return Err(error),
        };
        // What the job goes on holding: its packed customers (the store resizes it as it
        // keeps it).
        let _ = held.resize(customers.weight());
        Ok::<_, Error>((spec, customers, held, fingerprint))
    };
    let (spec, customers, held, fingerprint) = access.answer(work).await?;
    let Ok(Some(key)) = key else {
        return accept(&state, &access, spec, customers, held).await;
    };
    let claim = state.idempotency.claim(&access.tenant.id, key, fingerprint);
    let run = accept(&state, &access, spec, customers, held);
    let response = access.once(claim, run).await?;
    Ok(with_location(response, &access.tenant.id).await)
}

async fn accept(
    state: &AppState,
    access: &TenantAccess,
    spec: crate::engine::jobs::model::Spec,
    customers: crate::engine::jobs::compact::CompactList,
    held: Held,
) -> Result<Response, ApiError> {
    let submit = Jobs::submit(&state.jobs, &access.tenant, spec, customers, held);
    let meta = access.answer(submit).await?;
    let mut response = (StatusCode::ACCEPTED, Json(Job::of(&meta))).into_response();
    if let Ok(location) = HeaderValue::from_str(&location(&meta.tenant, &meta.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Reads the body as it streams in (see `jobs::stream`), holding what it keeps of the jobs'
/// memory: `jobs_full` the moment that would pass the maximum, the rest left unread. Its
/// fingerprint (for an `Idempotency-Key`) is taken on the way.
async fn read_streamed(
    sent: Unread,
    limits: RequestLimits,
    held: &mut Held,
) -> Result<(Split, [u8; 32]), Error> {
    let mut splitter = Splitter::new();
    let mut fingerprint = Fingerprinting::new("jobs");
    body::json_stream(&sent.headers, sent.body, limits, |piece| {
        fingerprint.update(piece);
        splitter.feed(piece);
        held.resize(splitter.weight())
    })
    .await?;
    let split = splitter.finish();
    // Checking the entries adds a hash of 8 bytes each and the checked list, about the size of
    // the raw one.
    let walk = split.entries.len() * 8 + split.entries.weight();
    held.resize(held.bytes() + walk)?;
    Ok((split, fingerprint.finish()))
}

pub fn location(tenant: &str, id: &str) -> String {
    format!("/v1/tenants/{tenant}/jobs/{id}")
}

/// A replayed answer keeps only its status and body: its `Location` is made again from the
/// job it names. An answer made just now has its own.
async fn with_location(response: Response, tenant: &str) -> Response {
    if response.headers().contains_key(header::LOCATION) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let id = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|job| job["id"].as_str().map(str::to_owned));
    if let Some(location) = id.and_then(|id| HeaderValue::from_str(&location(tenant, &id)).ok()) {
        parts.headers.insert(header::LOCATION, location);
    }
    Response::from_parts(parts, Body::from(bytes))
}
