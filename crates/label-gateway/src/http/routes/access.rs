//! What a handler is handed besides its own input: the tenant's access and the gateway
//! ([`TenantCall`]), with the one place its errors become the tenant's problems
//! ([`TenantAccess::answer`]) and its provider's refusals ([`TenantAccess::require`]); and for
//! the job routes the job the path names, loaded before the handler runs ([`JobAccess`]).

use std::future::Future;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use label_core::Capabilities;

use crate::contract::{Code, Error};
use crate::engine::idempotency::Claim;
use crate::engine::jobs::model::Meta;
use crate::http::auth::TenantAccess;
use crate::http::params::JobPath;
use crate::http::problem::ApiError;
use crate::http::routes::needs::{Cannot, Needs};
use crate::http::state::AppState;

impl TenantAccess {
    /// A handler's work, its errors answered as this tenant's problems: the work says `?`
    /// and nothing more.
    pub async fn answer<T, E: Into<Error>>(
        &self,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, ApiError> {
        work.await.map_err(|e| self.error(e))
    }

    /// What the tenant's provider can do, if it can take the action; else 405
    /// `unsupported_operation`, with the methods the resource does allow it.
    pub fn require(&self, action: Needs) -> Result<Capabilities, ApiError> {
        let provider = &self.tenant.provider;
        let capabilities = provider.capabilities();
        let Err(Cannot { why, allow }) = action.check(&capabilities) else {
            return Ok(capabilities);
        };
        let why = format!("provider {} {why}", provider.name());
        let mut error = self.error(Error::new(Code::UnsupportedOperation, why));
        error.allow = Some(allow);
        Err(error)
    }

    /// A write under an `Idempotency-Key`: the answer the key kept, sent again as it is; or
    /// `run`'s (an error too), kept for the key. `run` runs only if the key is this request's.
    pub async fn once<E: Into<Error>>(
        &self,
        claim: impl Future<Output = Result<Claim, E>>,
        run: impl Future<Output = Result<Response, ApiError>>,
    ) -> Result<Response, ApiError> {
        match self.answer(claim).await? {
            Claim::Replay(response) => Ok(response),
            Claim::Execute(guard) => {
                let response = run.await.unwrap_or_else(IntoResponse::into_response);
                Ok(guard.finish(response).await)
            }
        }
    }
}

/// A request let into its tenant, and the gateway that serves it.
pub struct TenantCall {
    pub access: TenantAccess,
    pub state: AppState,
}

impl FromRequestParts<AppState> for TenantCall {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let access = TenantAccess::from_request_parts(parts, state).await?;
        let state = state.clone();
        Ok(Self { access, state })
    }
}

/// A request let into its tenant, the gateway, and the tenant's job its path names
/// (`{job_id}`).
pub struct JobAccess {
    pub access: TenantAccess,
    pub state: AppState,
    pub job: Meta,
}

impl FromRequestParts<AppState> for JobAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let TenantCall { access, state } = TenantCall::from_request_parts(parts, state).await?;
        // A path that does not decode names no job.
        let path = Path::<JobPath>::from_request_parts(parts, &state).await;
        let id = path.map(|Path(path)| path.job_id.0).unwrap_or_default();
        let job = job(&state, &access, &id).await?;
        Ok(Self { access, state, job })
    }
}

/// The job `id`, if it is this tenant's; `job_lost` for a job this replica knew whose record
/// has vanished.
async fn job(state: &AppState, access: &TenantAccess, id: &str) -> Result<Meta, ApiError> {
    let not_found = || {
        access.error(Error::new(
            Code::JobNotFound,
            "this tenant has no job with this id (finished jobs are kept 7 days)",
        ))
    };
    if uuid::Uuid::try_parse(id).is_err() || id.len() != 36 {
        return Err(not_found());
    }
    let (tenant, id) = (&access.tenant.id, id.to_ascii_lowercase());
    match state.jobs.store.meta(tenant, &id).await {
        Ok(Some(meta)) => {
            state.jobs.known.saw(&meta);
            Ok(meta)
        }
        Ok(None) if state.jobs.known.lost(tenant, &id) => Err(access.error(Error::new(
            Code::JobLost,
            "this job existed, but its record is gone from the shared state (Redis restarted \
             without persistence, or evicted it); what the job had changed at the vendor stays \
             changed",
        ))),
        Ok(None) => Err(not_found()),
        Err(error) => Err(access.error(error)),
    }
}
