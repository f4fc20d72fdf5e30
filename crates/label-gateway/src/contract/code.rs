//! Every error code of the contract, in one list, each with its HTTP status and title.
//!
//! label-core's [`ErrorKind`] is the part a provider, a layer or the model can raise; the rest
//! are the gateway's own (keys, limits, idempotency, jobs, shared state). [`Error`] is
//! label-core's error with this longer list: a provider's error becomes one by `?`.

use std::fmt;

use label_core::{ErrorKind, Widens};
use serde::Serialize;
use utoipa::ToSchema;

/// The gateway's error: label-core's, with any [`Code`] of the contract as its kind.
pub type Error = label_core::Error<Code>;

/// What may fail with the gateway's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One kind per error code of the contract; the HTTP layer maps each to its status once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ErrorKind)]
pub enum Code {
    Unauthorized,
    Forbidden,
    TenantNotFound,
    CustomerNotFound,
    JobNotFound,
    JobLost,
    InvalidCustomerId,
    InvalidRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    RequestTimeout,
    TooManyConnections,
    RateLimited,
    IdempotencyKeyReused,
    IdempotencyInProgress,
    LabelNotFound,
    LabelExists,
    LabelLimitReached,
    UnsupportedOperation,
    UpstreamRateLimited,
    UpstreamAuthFailed,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
    UpstreamBusy,
    StateUnavailable,
    TooManyJobs,
    JobsFull,
    PassthroughNotAllowed,
    InvalidPath,
    CursorExpired,
    EventNotFound,
}

impl Code {
    pub const ALL: &[Code] = &[
        Code::Unauthorized,
        Code::Forbidden,
        Code::TenantNotFound,
        Code::CustomerNotFound,
        Code::JobNotFound,
        Code::JobLost,
        Code::InvalidCustomerId,
        Code::InvalidRequest,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::RequestTimeout,
        Code::TooManyConnections,
        Code::RateLimited,
        Code::IdempotencyKeyReused,
        Code::IdempotencyInProgress,
        Code::LabelNotFound,
        Code::LabelExists,
        Code::LabelLimitReached,
        Code::UnsupportedOperation,
        Code::UpstreamRateLimited,
        Code::UpstreamAuthFailed,
        Code::UpstreamError,
        Code::UpstreamTimeout,
        Code::UpstreamUnavailable,
        Code::UpstreamBusy,
        Code::StateUnavailable,
        Code::TooManyJobs,
        Code::JobsFull,
        Code::PassthroughNotAllowed,
        Code::InvalidPath,
        Code::CursorExpired,
        Code::EventNotFound,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::TenantNotFound => "tenant_not_found",
            Code::CustomerNotFound => "customer_not_found",
            Code::JobNotFound => "job_not_found",
            Code::JobLost => "job_lost",
            Code::InvalidCustomerId => "invalid_customer_id",
            Code::InvalidRequest => "invalid_request",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::RequestTimeout => "request_timeout",
            Code::TooManyConnections => "too_many_connections",
            Code::RateLimited => "rate_limited",
            Code::IdempotencyKeyReused => "idempotency_key_reused",
            Code::IdempotencyInProgress => "idempotency_in_progress",
            Code::LabelNotFound => "label_not_found",
            Code::LabelExists => "label_exists",
            Code::LabelLimitReached => "label_limit_reached",
            Code::UnsupportedOperation => "unsupported_operation",
            Code::UpstreamRateLimited => "upstream_rate_limited",
            Code::UpstreamAuthFailed => "upstream_auth_failed",
            Code::UpstreamError => "upstream_error",
            Code::UpstreamTimeout => "upstream_timeout",
            Code::UpstreamUnavailable => "upstream_unavailable",
            Code::UpstreamBusy => "upstream_busy",
            Code::StateUnavailable => "state_unavailable",
            Code::TooManyJobs => "too_many_jobs",
            Code::JobsFull => "jobs_full",
            Code::PassthroughNotAllowed => "passthrough_not_allowed",
            Code::InvalidPath => "invalid_path",
            Code::CursorExpired => "cursor_expired",
            Code::EventNotFound => "event_not_found",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Code::Unauthorized => 401,
            Code::Forbidden => 403,
            Code::TenantNotFound
            | Code::CustomerNotFound
            | Code::JobNotFound
            | Code::LabelNotFound => 404,
            Code::JobLost => 410,
            Code::CursorExpired => 410,
            Code::EventNotFound => 404,
            Code::InvalidCustomerId => 400,
            Code::InvalidRequest | Code::IdempotencyKeyReused => 422,
            Code::PayloadTooLarge => 413,
            Code::UnsupportedMediaType => 415,
            Code::RequestTimeout => 408,
            Code::IdempotencyInProgress | Code::LabelExists | Code::LabelLimitReached => 409,
            Code::UnsupportedOperation => 405,
            Code::UpstreamRateLimited | Code::TooManyConnections | Code::TooManyJobs => 429,
            Code::RateLimited => 429,
            Code::UpstreamAuthFailed | Code::UpstreamError => 502,
            Code::UpstreamTimeout => 504,
            Code::UpstreamUnavailable
            | Code::UpstreamBusy
            | Code::StateUnavailable
            | Code::JobsFull => 503,
            Code::PassthroughNotAllowed => 403,
            Code::InvalidPath => 400,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Code::Unauthorized => "Unauthorized",
            Code::Forbidden => "Forbidden",
            Code::TenantNotFound => "Tenant not found",
            Code::CustomerNotFound => "Customer not found",
            Code::JobNotFound => "Job not found",
            Code::JobLost => "Job lost",
            Code::InvalidCustomerId => "Invalid customer id",
            Code::InvalidRequest => "Invalid request",
            Code::PayloadTooLarge => "Payload too large",
            Code::UnsupportedMediaType => "Unsupported media type",
            Code::RequestTimeout => "Request timeout",
            Code::TooManyConnections => "Too many connections",
            Code::RateLimited => "Rate limited",
            Code::IdempotencyKeyReused => "Idempotency key reused",
            Code::IdempotencyInProgress => "Idempotency key in progress",
            Code::LabelNotFound => "Label not found",
            Code::LabelExists => "Label exists",
            Code::LabelLimitReached => "Label limit reached",
            Code::UnsupportedOperation => "Unsupported operation",
            Code::UpstreamRateLimited => "Upstream rate limited",
            Code::UpstreamAuthFailed => "Upstream authentication failed",
            Code::UpstreamError => "Upstream error",
            Code::UpstreamTimeout => "Upstream timeout",
            Code::UpstreamUnavailable => "Upstream unavailable",
            Code::UpstreamBusy => "Upstream busy",
            Code::StateUnavailable => "Shared state unavailable",
            Code::TooManyJobs => "Too many jobs",
            Code::JobsFull => "Jobs full",
            Code::PassthroughNotAllowed => "Passthrough not allowed",
            Code::InvalidPath => "Invalid path",
            Code::CursorExpired => "Cursor expired",
            Code::EventNotFound => "Event not found",
        }
    }
}

impl From<ErrorKind> for Code {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::CustomerNotFound => Code::CustomerNotFound,
            ErrorKind::InvalidCustomerId => Code::InvalidCustomerId,
            ErrorKind::InvalidRequest => Code::InvalidRequest,
            ErrorKind::LabelNotFound => Code::LabelNotFound,
            ErrorKind::LabelExists => Code::LabelExists,
            ErrorKind::LabelLimitReached => Code::LabelLimitReached,
            ErrorKind::UnsupportedOperation => Code::UnsupportedOperation,
            ErrorKind::UpstreamRateLimited => Code::UpstreamRateLimited,
            ErrorKind::UpstreamAuthFailed => Code::UpstreamAuthFailed,
            ErrorKind::UpstreamError => Code::UpstreamError,
            ErrorKind::UpstreamTimeout => Code::UpstreamTimeout,
            ErrorKind::UpstreamUnavailable => Code::UpstreamUnavailable,
            ErrorKind::UpstreamBusy => Code::UpstreamBusy,
        }
    }
}

impl Widens for Code {}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_kind_keeps_its_code() {
        for kind in ErrorKind::ALL {
            assert_eq!(Code::from(*kind).code(), kind.code());
        }
    }

    #[test]
    fn all_lists_every_code_once() {
        let codes: std::collections::BTreeSet<&str> = Code::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), Code::ALL.len());
    }
}
