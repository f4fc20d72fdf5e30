//! What every backend shares for a passthrough call: the request built on the tenant's
//! endpoint (its base URL, its credentials, only the client headers that may go on), checked
//! to stay below the base URL, and the vendor's answer handed back with its text scrubbed and
//! only the headers a client may see. Each backend adds its own sign-in around it.

use label_core::{
    CallContext, Error, ErrorKind, PassthroughAnswer, PassthroughRequest, Temporariness,
};
use reqwest::header::{HeaderName, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder};

use crate::endpoint::Endpoint;
use crate::http::{retry_after, Reply};

/// What the trace names a passthrough call's vendor path: never the path itself, which may
/// hold a customer id.
pub const TEMPLATE: &str = "/{passthrough}";

/// The vendor's headers a client gets: what describes the body and its caching, where a
/// created resource is, and the vendor's own rate-limit advice. Everything else stays: hop-by-hop
/// headers, cookies for the vendor's domain, the vendor's CORS and security policy (the
/// gateway's own apply), `WWW-Authenticate` (the credentials are the gateway's).
const ANSWER_HEADERS: &[&str] = &[
    "content-type",
    "content-language",
    "content-disposition",
    "cache-control",
    "expires",
    "etag",
    "last-modified",
    "location",
    "link",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

/// The method as reqwest takes it; the gateway passes on only the methods an allow-list can
/// name, so any other is refused before it gets here.
pub fn method(request: &PassthroughRequest) -> Result<Method, Error> {
    Method::from_bytes(request.method.as_bytes())
        .map_err(|_| Error::new(ErrorKind::InvalidRequest, "not an HTTP method"))
}

/// The request on the tenant's endpoint: base URL + path (+ the query as sent), the vendor's
/// fixed headers, `Content-Type` and `Accept` when the client sent them, and the body. Refused
/// when the URL would not be below the base URL (a [`label_core::VendorPath`] never is, so
/// this is a second lock on the same door).
pub fn build(endpoint: &Endpoint, request: &PassthroughRequest) -> Result<RequestBuilder, Error> {
    let method = method(request)?;
    let mut target = request.path.as_encoded().to_owned();
    if let Some(query) = &request.query {
        target.push('?');
        target.push_str(query);
    }
    let url = endpoint.url(&target);
    if !endpoint.contains(&url) {
        return Err(Error::new(
            ErrorKind::InvalidRequest,
            "the path would leave the vendor's base URL",
        ));
    }
    let mut builder = endpoint.request_to(method.clone(), url);
    if let Some(content_type) = &request.content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    if let Some(accept) = &request.accept {
        builder = builder.header(ACCEPT, accept);
    }
    let has_body = !request.body.is_empty() || !matches!(method, Method::GET | Method::HEAD);
    if has_body {
        builder = builder.body(request.body.clone());
    }
    Ok(builder)
}

/// The vendor's answer for the client. A 429 or a 5xx is an error that carries the answer (the
/// layers retry a read after it and count it against the circuit); a 401 is the gateway's
/// credentials refused, which the client can do nothing about: `upstream_auth_failed`.
pub fn answer(reply: Reply) -> Result<PassthroughAnswer, Error> {
    let status = reply.status.as_u16();
    if status == 401 {
        return Err(Error::new(
            ErrorKind::UpstreamAuthFailed,
            "the vendor rejected the gateway's credentials",
        )
        .with_upstream(reply.upstream(None, None)));
    }
    let failure = match status {
        429 => Some(
            Error::new(
                ErrorKind::UpstreamRateLimited,
                "the vendor is rate limiting",
            )
            .temporary(Temporariness::NotActedOn),
        ),
        500..=599 => Some(
            Error::new(
                ErrorKind::UpstreamError,
                format!("the vendor failed ({status})"),
            )
            .temporary(Temporariness::Temporary),
        ),
        _ => None,
    };
    let upstream = reply.upstream(None, None);
    let after = retry_after(&reply.headers);
    let headers = reply
        .headers
        .iter()
        .filter(|(name, _)| ANSWER_HEADERS.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name, clean(&reply, value.to_str().ok()?)?)))
        .map(|(name, value): (&HeaderName, String)| (name.as_str().to_owned(), value))
        .collect();
    let answer = PassthroughAnswer {
        status,
        headers,
        body: reply.body.clone(),
    };
    match failure {
        Some(error) => Err(error
            .with_upstream(upstream)
            .with_retry_after(after)
            .with_passthrough(answer)),
        None => Ok(answer),
    }
}

/// A header value with every secret replaced; `None` when what is left is no header value.
fn clean(reply: &Reply, value: &str) -> Option<String> {
    match reply.scrubbed(value.as_bytes()) {
        None => Some(value.to_owned()),
        Some(clean) => {
            let text = String::from_utf8(clean).ok()?;
            reqwest::header::HeaderValue::from_str(&text).ok()?;
            Some(text)
        }
    }
}

/// The call for a backend whose credentials are all in its endpoint's fixed headers.
pub async fn send(
    endpoint: &Endpoint,
    ctx: &CallContext,
    request: &PassthroughRequest,
) -> Result<PassthroughAnswer, Error> {
    let builder = build(endpoint, request)?;
    let reply = endpoint
        .send(builder, ctx, &method(request)?, TEMPLATE)
        .await?;
    answer(reply)
}
