//! RFC 9457 problem details: the one place a `label_core::Error` becomes an HTTP answer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::{ChangeResult, FieldProblem, Upstream};
use serde::Serialize;
use utoipa::ToSchema;

use crate::contract::forms::TenantId;
use crate::contract::model;
use crate::contract::{Code, Error};

/// The longest wait a `Retry-After` names (a day): the config's durations are at most that, and
/// a vendor's own is clamped to `max_retry_after_seconds` first; the OpenAPI document says so.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 86_400;

/// An error on its way to the client, with what the request had established about it.
#[derive(Debug)]
pub struct ApiError {
    pub error: Error,
    pub request_id: String,
    pub tenant: Option<String>,
    pub provider: Option<&'static str>,
    /// The methods the resource does allow, for a 405.
    pub allow: Option<&'static str>,
}

impl ApiError {
    pub fn new(error: impl Into<Error>, request_id: &str) -> Self {
        Self {
            error: error.into(),
            request_id: request_id.to_owned(),
            tenant: None,
            provider: None,
            allow: None,
        }
    }

    pub fn kind(kind: Code, detail: impl Into<String>, request_id: &str) -> Self {
        Self::new(Error::new(kind, detail), request_id)
    }

    pub fn for_tenant(mut self, tenant: &str, provider: &'static str) -> Self {
        self.tenant = Some(tenant.to_owned());
        self.provider = Some(provider);
        self
    }
}

/// The problem body every error answers with (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: `code` carries the machine-readable kind.
    #[schema(example = "about:blank")]
    pub r#type: &'static str,
    #[schema(example = "Customer not found")]
    pub title: &'static str,
    #[schema(example = 404)]
    pub status: u16,
    pub code: Code,
    #[schema(example = "Customer not found for the given identifiers")]
    pub detail: String,
    // The rest are left out when they do not apply, never null: `nullable = false` says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = TenantId::field)]
    pub tenant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "capillary", nullable = false)]
    pub provider: Option<&'static str>,
    /// What the vendor answered, when the error came from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<model::Upstream>, nullable = false)]
    pub upstream: Option<Upstream>,
    /// For `invalid_request`: every problem of the request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<model::FieldProblem>>, nullable = false)]
    #[schema(max_items = 100)]
    pub errors: Option<Vec<FieldProblem>>,
    /// `true` when the request had more problems than `errors` lists (at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub errors_truncated: Option<bool>,
    /// For a change that failed part-way: what is known to be done at the vendor (at most one
    /// per reference of the request, so at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<model::ChangeResult>>, nullable = false, max_items = 100)]
    pub results: Option<Vec<ChangeResult>>,
    /// The request's id, as in the `X-Request-Id` header.
    #[schema(
        example = "0f8fad5b-d9cb-469f-a165-70867728950e",
        min_length = 1,
        max_length = 128,
        pattern = "^[A-Za-z0-9_.:/+=-]{1,128}$"
    )]
    pub request_id: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.error.into_details();
        let kind = error.kind;
        let status = StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        let retry_after = error.retry_after;
        let allow = self.allow;
        let problem = Problem {
            r#type: "about:blank",
            title: kind.title(),
            status: kind.status(),
            code: kind,
            detail: error.detail,
            tenant: self.tenant,
            provider: self.provider,
            upstream: error.upstream,
            errors: (kind == Code::InvalidRequest).then_some(error.problems),
            errors_truncated: error.problems_truncated.then_some(true),
            results: error.partial_results,
            request_id: self.request_id,
        };
        let mut response = (status, Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = retry_after {
            // Round up: a client told 0 would retry at once into the same refusal.
            let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            let seconds = seconds.clamp(1, MAX_RETRY_AFTER_SECONDS);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if kind == Code::Unauthorized {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(allow) = allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}
