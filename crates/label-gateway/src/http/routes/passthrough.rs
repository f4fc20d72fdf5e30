//! `/v1/tenants/{tenant}/passthrough/{path}`: a vendor call past the normalized model, with the
//! gateway's credentials, where the tenant's allow-list says so. Checks in this order, nothing
//! sent until all pass: the key (as every route), the path (400 `invalid_path`), the allow-list
//! (403 `passthrough_not_allowed`), the body's size; then the call, through the tenant's layers
//! (deadline, budget, breaker, retries of `GET`/`HEAD` only), and the vendor's answer back. A
//! read without a body is answered by the front ([`plain_read`], [`read`]), the rest here.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, TRANSFER_ENCODING};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use label_core::{PassthroughAnswer, PassthroughRequest, VendorPath};

use crate::contract::{Code, Error};
use crate::http::auth::TenantAccess;
use crate::http::params::PassthroughPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::body::Unread;
use crate::http::routes::customer_labels::Answer;
use crate::http::routes::errors::PassthroughErrors;
use crate::http::state::TenantRuntime;

pub const ROUTE: &str = "/v1/tenants/{tenant}/passthrough/{*path}";
/// The vendor's status, on every answer that got one.
pub const UPSTREAM_STATUS: HeaderName = HeaderName::from_static("x-upstream-status");

/// One documented operation per method (each needs its own `operationId`), all answered by
/// [`pass`].
macro_rules! passthrough_operation {
    ($method:ident, $name:ident, $id:literal, $summary:literal $(, $body:tt)?) => {
        #[doc = $summary]
        ///
        /// Sent to the tenant's vendor at its `base_url` + `path` with the gateway's credentials,
        /// where the tenant's `passthrough` allow-list has an entry for the method and path
        /// (else 403 `passthrough_not_allowed`, and nothing is sent). A path with `..`, `//`, a
        /// backslash or an encoded `/`, `\` or `%` is 400 `invalid_path`. The query string and
        /// the body go as sent; of the request's headers only `Content-Type`, `Accept` and
        /// `X-Request-Id` go on. The vendor's status and body come back as they are, its text
        /// scrubbed of the gateway's secrets, with `X-Upstream-Status`; only `GET` and `HEAD`
        /// are retried.
        #[utoipa::path($method, path = ROUTE, operation_id = $id,
            params(PassthroughPath),
            $(request_body(content = Option<serde_json::Value>, description = $body),)?
            responses(
                (status = 200, description = "The vendor's answer, as it is: its body (text scrubbed of the gateway's secrets) and the headers that describe it; the vendor's other statuses come back the same way (`default`)",
                    body = serde_json::Value,
                    headers(("X-Upstream-Status" = u16, description = "The vendor's HTTP status"))),
                (status = "default", description = "The vendor's answer with any other status, as it is (its text scrubbed)",
                    body = serde_json::Value,
                    headers(("X-Upstream-Status" = u16, description = "The vendor's HTTP status"))),
                PassthroughErrors,
            )
        )]
        pub async fn $name(call: TenantCall, method: Method, uri: Uri, sent: Unread) -> Response {
            passthrough_other(call, method, uri, sent).await
        }
    };
}

passthrough_operation!(
    get,
    passthrough_get,
    "passthroughGet",
    "A `GET` (or `HEAD`) at the tenant's vendor."
);
passthrough_operation!(
    post,
    passthrough_post,
    "passthroughPost",
    "A `POST` at the tenant's vendor.",
    "Sent to the vendor as it is, in any media type"
);
passthrough_operation!(
    put,
    passthrough_put,
    "passthroughPut",
    "A `PUT` at the tenant's vendor.",
    "Sent to the vendor as it is, in any media type"
);
passthrough_operation!(
    patch,
    passthrough_patch,
    "passthroughPatch",
    "A `PATCH` at the tenant's vendor.",
    "Sent to the vendor as it is, in any media type"
);
passthrough_operation!(
    delete,
    passthrough_delete,
    "passthroughDelete",
    "A `DELETE` at the tenant's vendor.",
    "Sent to the vendor as it is, in any media type"
);

/// Any method: the five documented handlers are this one, and every other method (`OPTIONS`
/// without a CORS preflight, `TRACE`, an invented one) is judged like them, so no allow-list
/// entry names it and it is 403, once the path is checked.
pub async fn passthrough_other(
    call: TenantCall,
    method: Method,
    uri: Uri,
    sent: Unread,
) -> Response {
    pass(call, method, uri, sent)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn pass(
    TenantCall { access, state }: TenantCall,
    method: Method,
    uri: Uri,
    sent: Unread,
) -> Result<Response, ApiError> {
    let mut request = prepare(&access, &method, &uri, &sent.headers)?;
    request.body = access.answer(sent.raw(state.requests)).await?;
    Ok(call(access, request).await)
}

/// The tenant `{tenant}` of a passthrough `GET` or `HEAD` that carries no body and names its
/// tenant plainly: what the front answers without the router. `None` for anything else.
pub fn plain_read(request: &Parts) -> Option<&str> {
    if !matches!(request.method, Method::GET | Method::HEAD)
        || request.headers.contains_key(TRANSFER_ENCODING)
        || request
            .headers
            .get(CONTENT_LENGTH)
            .is_some_and(|length| length != "0")
    {
        return None;
    }
    let rest = request.uri.path().strip_prefix("/v1/tenants/")?;
    let (tenant, rest) = rest.split_once('/')?;
    let plain = !tenant.is_empty() && !tenant.contains('%');
    (plain && rest.starts_with("passthrough/")).then_some(tenant)
}

/// A passthrough read the front found ([`plain_read`]), for `tenant`, as the router's handler
/// answers it.
pub fn read(tenant: &Arc<TenantRuntime>, request_id: &str, request: &Parts) -> Answer {
    let access = TenantAccess {
        tenant: tenant.clone(),
        request_id: request_id.to_owned(),
    };
    match prepare(&access, &request.method, &request.uri, &request.headers) {
        Ok(prepared) => Answer::Later(Box::pin(call(access, prepared))),
        Err(refused) => Answer::Now(refused.into_response()),
    }
}

/// The request for the vendor, once its path and the allow-list let it go (with no body yet).
fn prepare(
    access: &TenantAccess,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<PassthroughRequest, ApiError> {
    let path = VendorPath::parse(vendor_path(uri.path()))
        .map_err(|why| access.error(Error::new(Code::InvalidPath, why)))?;
    let Some(rule) = access
        .tenant
        .passthrough
        .find(method.as_str(), path.segments())
    else {
        let why =
            format!("the tenant's passthrough allow-list does not allow {method} on this path");
        return Err(access.error(Error::new(Code::PassthroughNotAllowed, why)));
    };
    Ok(PassthroughRequest {
        method: method.as_str().to_owned(),
        path,
        query: uri.query().map(str::to_owned),
        content_type: one(headers, &CONTENT_TYPE),
        accept: one(headers, &ACCEPT),
        body: Bytes::new(),
        invalidates_tenant: rule.invalidates_tenant,
    })
}

/// The call through the tenant's layers, and its answer: the vendor's, or the gateway's problem.
async fn call(access: TenantAccess, request: PassthroughRequest) -> Response {
    let ctx = access.context();
    match access.tenant.provider.passthrough(&ctx, &request).await {
        Ok(answer) => respond(&answer, None),
        Err(error) => match error.passthrough.clone() {
            Some(answer) => respond(&answer, error.retry_after),
            None => {
                let status = error.upstream.as_ref().and_then(|u| u.status);
                let mut response = access.error(error).into_response();
                if let Some(status) = status {
                    response
                        .headers_mut()
                        .insert(UPSTREAM_STATUS, HeaderValue::from(status));
                }
                response
            }
        },
    }
}

/// The raw (still encoded) path after `/v1/tenants/{tenant}/passthrough`, with its `/`.
fn vendor_path(full: &str) -> &str {
    let mut slashes = full.match_indices('/').map(|(at, _)| at);
    match slashes.nth(4) {
        Some(at) => &full[at..],
        None => "",
    }
}

/// A header sent once, as text.
fn one(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().ok().map(str::to_owned),
        _ => None,
    }
}

/// The vendor's answer for the client, with `X-Upstream-Status`; a 429's `Retry-After` is the
/// one the layers clamped to `max_retry_after_seconds`.
fn respond(answer: &PassthroughAnswer, retry_after: Option<std::time::Duration>) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (status, Body::from(answer.body.clone())).into_response();
    let headers = response.headers_mut();
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.append(name, value);
        }
    }
    if let Some(after) = retry_after {
        let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    headers.insert(UPSTREAM_STATUS, HeaderValue::from(answer.status));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendor_path_is_what_follows_the_route_prefix() {
        let path = vendor_path("/v1/tenants/acme/passthrough/v2/customers/1/labels");
        assert_eq!(path, "/v2/customers/1/labels");
        assert_eq!(vendor_path("/v1/tenants/acme/passthrough//x"), "//x");
        assert_eq!(vendor_path("/v1/tenants/acme/passthrough"), "");
    }
}
