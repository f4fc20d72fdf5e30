//! The error answers each operation documents, all `application/problem+json`.

use utoipa::IntoResponses;

use crate::problem::Problem;

#[derive(IntoResponses)]
#[allow(dead_code)] // documentation only
pub enum TenantErrors {
    /// `unauthorized`: no or unknown api key.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// `forbidden`: the key belongs to another tenant.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// `tenant_not_found`: no such tenant.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

#[derive(IntoResponses)]
#[allow(dead_code)] // documentation only
pub enum ReadErrors {
    /// `invalid_customer_id`: the id fails the provider's format.
    #[response(status = 400, content_type = "application/problem+json")]
    InvalidCustomerId(Problem),
    /// `unauthorized`: no or unknown api key.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// `forbidden`: the key belongs to another tenant.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// `tenant_not_found` or `customer_not_found`.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// `unsupported_operation`: the provider cannot do it.
    #[response(status = 405, content_type = "application/problem+json",
        headers(("Allow" = String, description = "The methods the resource allows")))]
    Unsupported(Problem),
    /// `invalid_request`: a query parameter breaks the rules.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// `upstream_rate_limited`: the vendor said 429 and retries ran out.
    #[response(status = 429, content_type = "application/problem+json",
        headers(("Retry-After" = String, description = "Seconds to wait, passed on from the vendor")))]
    RateLimited(Problem),
    /// `upstream_error` or `upstream_auth_failed`.
    #[response(status = 502, content_type = "application/problem+json")]
    BadGateway(Problem),
    /// `upstream_unavailable`: the circuit for the tenant's vendor is open.
    #[response(status = 503, content_type = "application/problem+json",
        headers(("Retry-After" = String, description = "Seconds until the circuit lets a probe through")))]
    Unavailable(Problem),
    /// `upstream_timeout`: no vendor answer in `timeout_ms`.
    #[response(status = 504, content_type = "application/problem+json")]
    Timeout(Problem),
}

#[derive(IntoResponses)]
#[allow(dead_code)] // documentation only
pub enum ChangeErrors {
    /// `invalid_customer_id`: the id fails the provider's format.
    #[response(status = 400, content_type = "application/problem+json")]
    InvalidCustomerId(Problem),
    /// `unauthorized`: no or unknown api key.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// `forbidden`: the key belongs to another tenant.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// `tenant_not_found` or `customer_not_found`.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// `unsupported_operation`: the provider is read-only.
    #[response(status = 405, content_type = "application/problem+json",
        headers(("Allow" = String, description = "The methods the resource allows")))]
    Unsupported(Problem),
    /// `idempotency_in_progress`: the first request with this `Idempotency-Key` is still running.
    #[response(status = 409, content_type = "application/problem+json")]
    InProgress(Problem),
    /// `payload_too_large`: the body is over `max_body_bytes`.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// `invalid_request` (with `errors`) or `idempotency_key_reused`.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// `upstream_rate_limited`: the vendor said 429 and retries ran out.
    #[response(status = 429, content_type = "application/problem+json",
        headers(("Retry-After" = String, description = "Seconds to wait, passed on from the vendor")))]
    RateLimited(Problem),
    /// `upstream_error` or `upstream_auth_failed`; `results` says what was already applied.
    #[response(status = 502, content_type = "application/problem+json")]
    BadGateway(Problem),
    /// `upstream_unavailable`: the circuit for the tenant's vendor is open.
    #[response(status = 503, content_type = "application/problem+json",
        headers(("Retry-After" = String, description = "Seconds until the circuit lets a probe through")))]
    Unavailable(Problem),
    /// `upstream_timeout`: no vendor answer in `timeout_ms`.
    #[response(status = 504, content_type = "application/problem+json")]
    Timeout(Problem),
}
