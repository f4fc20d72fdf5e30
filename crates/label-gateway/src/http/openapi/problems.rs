//! The error answers of an operation, built from the error kinds it can return: one response per
//! status, each code of that status named in the description and given an example body. Built
//! from `Code` itself, so a status, title or code can never drift from what the server sends.

use std::collections::BTreeMap;

use label_core::{ChangeResult, ChangeStatus, FieldProblem, LabelIdentity, Op, Upstream};
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Response, ResponseBuilder, Type};

use crate::contract::Code;
use crate::http::problem::{Problem, MAX_RETRY_AFTER_SECONDS};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The documented responses for `kinds`, grouped by status.
pub fn responses(kinds: &[Code]) -> BTreeMap<String, RefOr<Response>> {
    let mut by_status: BTreeMap<u16, Vec<Code>> = BTreeMap::new();
    for &kind in kinds {
        by_status.entry(kind.status()).or_default().push(kind);
    }
    by_status
        .into_iter()
        .map(|(status, kinds)| (status.to_string(), response(&kinds).into()))
        .collect()
}

fn response(kinds: &[Code]) -> Response {
    let description = kinds
        .iter()
        .map(|&kind| format!("`{}`: {}", kind.code(), when(kind)))
        .collect::<Vec<_>>()
        .join("; ");
    let examples = kinds.iter().map(|&kind| {
        let example = ExampleBuilder::new()
            .summary(kind.title())
            .value(Some(example(kind)))
            .build();
        (kind.code(), example)
    });
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .examples_from_iter(examples)
        .build();
    let mut builder = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, content);
    for kind in kinds {
        if let Some((name, header)) = header(*kind) {
            builder = builder.header(name, header);
        }
    }
    builder.build()
}

/// When each code is answered, in the words of the contract's error table.
fn when(kind: Code) -> &'static str {
    match kind {
        Code::Unauthorized => "no or unknown api key",
        Code::Forbidden => "the api key belongs to another tenant",
        Code::TenantNotFound => "no such tenant",
        Code::CustomerNotFound => "the vendor does not know the customer",
        Code::JobNotFound => "the tenant has no job with this id (or it ended over 7 days ago)",
        Code::JobLost => {
            "the job existed, but its record is gone from the shared state (Redis restarted \
             without persistence); what it changed at the vendor stays changed"
        }
        Code::InvalidCustomerId => "the customer id fails the provider's format",
        Code::InvalidRequest => {
            "the request breaks the rules; `errors` lists every problem with a JSON Pointer"
        }
        Code::PayloadTooLarge => "the body is over the configured `max_body_bytes`",
        Code::UnsupportedMediaType => "a request body that is not JSON (`Content-Type`)",
        Code::RequestTimeout => {
            "the request body did not arrive within the configured `body_read_timeout_ms`, or \
             fell behind `min_body_bytes_per_second`"
        }
        Code::TooManyConnections => {
            "the api key already has `max_connections_per_key` connections sending a body"
        }
        Code::RateLimited => {
            "the api key sent more requests than its `requests_per_second` and `burst` allow \
             (cache hits count too); `RateLimit` says when it may send again"
        }
        Code::IdempotencyKeyReused => "an `Idempotency-Key` seen before with another body",
        Code::IdempotencyInProgress => {
            "the first request with this `Idempotency-Key` is still running"
        }
        Code::UnsupportedOperation => {
            "the tenant's provider cannot do this; `Allow` lists what it can"
        }
        Code::LabelNotFound => "the vendor's catalog has no label of this id",
        Code::LabelExists => "the vendor's catalog already has a label of this name",
        Code::LabelLimitReached => "the vendor's catalog is full (Capillary 33005)",
        Code::UpstreamRateLimited => "the vendor said 429 and retries ran out",
        Code::UpstreamAuthFailed => "the vendor rejected the gateway's credentials",
        Code::UpstreamError => "vendor 5xx, connection refused, or an answer that does not parse",
        Code::UpstreamTimeout => "no vendor answer within the tenant's `timeout_ms`",
        Code::UpstreamUnavailable => "the circuit for the tenant's vendor is open",
        Code::UpstreamBusy => {
            "the gateway holds `max_upstream_bytes_in_flight` of vendor answers already, and no \
             room came free within the tenant's `timeout_ms`"
        }
        Code::StateUnavailable => {
            "shared state this request needs (Redis, with `[state]`) cannot be reached"
        }
        Code::TooManyJobs => {
            "the tenant already has `[jobs] max_active_per_tenant` jobs queued or running"
        }
        Code::JobsFull => "the job would take the process's jobs past `[jobs] max_memory_bytes`",
        Code::PassthroughNotAllowed => {
            "the tenant's `passthrough` allow-list has no entry for this method and path; nothing was sent"
        }
        Code::InvalidPath => {
            "the vendor path has `..`, `//`, a backslash, an encoded slash or anything else that could leave the vendor's base URL; nothing was sent"
        }
        Code::CursorExpired => {
            "the cursor points before the oldest event kept (`[events] retention_seconds`, \
             `max_events`): events after it were dropped"
        }
        Code::EventNotFound => "the tenant has no kept event with this id",
    }
}

fn header(kind: Code) -> Option<(&'static str, Header)> {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let (name, schema, description) = match kind {
        Code::Unauthorized => (
            "WWW-Authenticate",
            string().enum_values(Some(["Bearer"])),
            "The scheme to authenticate with",
        ),
        Code::UnsupportedOperation => (
            "Allow",
            string()
                .examples(["GET, HEAD"])
                .max_length(Some(64))
                .pattern(Some("^([A-Z]+(, [A-Z]+)*)?$")),
            "The methods the resource allows (RFC 9110); empty when it allows none",
        ),
        Code::UpstreamRateLimited
        | Code::TooManyConnections
        | Code::RateLimited
        | Code::UpstreamUnavailable
        | Code::UpstreamBusy
        | Code::StateUnavailable
        | Code::IdempotencyInProgress
        | Code::TooManyJobs
        | Code::JobsFull => (
            "Retry-After",
            // Whole seconds (RFC 9110's delay-seconds, never an HTTP date), rounded up, at least 1.
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(1))
                .maximum(Some(MAX_RETRY_AFTER_SECONDS))
                .examples([30]),
            "Seconds to wait before trying again (whole seconds, never an HTTP date)",
        ),
        _ => return None,
    };
    let header = HeaderBuilder::new()
        .schema(schema)
        .description(Some(description))
        .build();
    Some((name, header))
}

/// An example body for `kind`, as the gateway would send it for the demo tenants.
fn example(kind: Code) -> serde_json::Value {
    // Auth failures are answered before a tenant is known, so they name none.
    let (tenant, provider) = match kind {
        Code::Unauthorized | Code::Forbidden | Code::TenantNotFound => (None, None),
        // Answered as the key is found, before its tenant is let in.
        Code::RateLimited => (None, None),
        Code::UnsupportedOperation => (Some("initech"), Some("actionhub")),
        _ => (Some("acme"), Some("capillary")),
    };
    let mut problem = Problem {
        r#type: "about:blank",
        title: kind.title(),
        status: kind.status(),
        code: kind,
        detail: detail(kind).to_owned(),
        tenant: tenant.map(str::to_owned),
        provider,
        upstream: None,
        errors: None,
        errors_truncated: None,
        results: None,
        request_id: "0f8fad5b-d9cb-469f-a165-70867728950e".to_owned(),
    };
    match kind {
        Code::CustomerNotFound => {
            problem.upstream = Some(upstream(200, Some("8015"), detail(kind)));
        }
        Code::LabelExists => {
            problem.upstream = Some(upstream(200, Some("33003"), detail(kind)));
        }
        Code::LabelLimitReached => {
            problem.upstream = Some(upstream(200, Some("33005"), detail(kind)));
        }
        Code::InvalidRequest => {
            problem.errors = Some(vec![FieldProblem::at(
                "/add/0/name",
                "must be 1 to 255 characters",
            )]);
        }
        Code::UpstreamRateLimited => {
            problem.upstream = Some(upstream(429, None, "Too Many Requests"));
        }
        Code::UpstreamAuthFailed => {
            problem.upstream = Some(upstream(401, None, "Unauthorized"));
        }
        Code::UpstreamError => {
            problem.upstream = Some(upstream(500, None, "Internal Server Error"));
            problem.results = Some(vec![ChangeResult {
                op: Op::Add,
                label: LabelIdentity {
                    id: Some("20960".to_owned()),
                    name: Some("VIP".to_owned()),
                },
                status: ChangeStatus::Applied,
            }]);
        }
        _ => {}
    }
    serde_json::to_value(problem).expect("a problem always serializes")
}

fn detail(kind: Code) -> &'static str {
    match kind {
        Code::Unauthorized => "the api key is not valid",
        Code::Forbidden => "the api key does not open this tenant",
        Code::TenantNotFound => "no such tenant",
        Code::CustomerNotFound => "Customer not found for the given identifiers",
        Code::JobNotFound => "no job with this id",
        Code::JobLost => "this job's record was lost from the shared state (a Redis restart without persistence); what it had changed at the vendor stays changed",
        Code::InvalidCustomerId => {
            "customer id must be a positive decimal integer of at most 19 digits"
        }
        Code::InvalidRequest => "/add/0/name: must be 1 to 255 characters",
        Code::PayloadTooLarge => "the request body is over the configured limit",
        Code::UnsupportedMediaType => {
            "the request body must be JSON: `Content-Type: application/json`"
        }
        Code::RequestTimeout => "the request body did not arrive within 10000 ms",
        Code::TooManyConnections => {
            "this api key already has 128 connections sending a request body: try again shortly"
        }
        Code::RateLimited => {
            "this api key may send 100 requests in 2 s: try again after Retry-After"
        }
        Code::IdempotencyKeyReused => "this Idempotency-Key was used with another body",
        Code::IdempotencyInProgress => {
            "the first request with this Idempotency-Key is still running"
        }
        Code::UnsupportedOperation => {
            "provider actionhub is read-only: labels cannot be changed"
        }
        Code::LabelNotFound => "the tenant's catalog has no label 20999",
        Code::LabelExists => "label already exists",
        Code::LabelLimitReached => "Org max Label count exceed",
        Code::UpstreamRateLimited => "the vendor is rate limiting",
        Code::UpstreamAuthFailed => "the vendor rejected the gateway's credentials",
        Code::UpstreamError => "the vendor failed (500)",
        Code::UpstreamTimeout => "no vendor answer within 3000 ms",
        Code::UpstreamUnavailable => "the circuit for this tenant's vendor is open",
        Code::UpstreamBusy => {
            "the gateway already holds its max_upstream_bytes_in_flight (67108864 bytes) of vendor answers; 3800000 more did not fit within the deadline"
        }
        Code::StateUnavailable => "the shared state cannot be reached: try again shortly",
        Code::TooManyJobs => {
            "tenant acme has 4 jobs queued or running, the most it may have; try again later"
        }
        Code::JobsFull => {
            "the jobs of this gateway hold all the memory they may: try again later"
        }
        Code::PassthroughNotAllowed => {
            "the tenant's passthrough allow-list does not allow DELETE /v2/customers/564663098/labels"
        }
        Code::InvalidPath => "the path has a dot segment (`.` or `..`)",
        Code::CursorExpired => {
            "the cursor points before the oldest event kept: events after it were dropped (retention or the per-tenant limit). Start again without `after`."
        }
        Code::EventNotFound => "no kept event with this id",
    }
}

fn upstream(status: u16, code: Option<&str>, message: &str) -> Upstream {
    Upstream {
        status: Some(status),
        code: code.map(str::to_owned),
        message: Some(message.to_owned()),
    }
}
