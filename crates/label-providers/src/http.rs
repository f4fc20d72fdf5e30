//! What every backend shares for talking HTTP to its vendor: one pooled client per tenant,
//! path-segment encoding, and the translation of transport failures and common statuses.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use label_core::{CallContext, Error, ErrorKind, Temporariness, Upstream};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::settings::ProviderSettings;

/// Everything but RFC 3986's unreserved characters is encoded, so a customer id is always
/// exactly one segment: `/`, `?`, `#` and `%` can never change which path the vendor sees.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Vendor bodies above this are treated as broken rather than read into memory.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub fn segment(raw: &str) -> String {
    utf8_percent_encode(raw, SEGMENT).to_string()
}

/// One client per tenant, so its connection pool is reused across requests; redirects are
/// never followed, since a vendor redirect could point credentials at another host.
pub fn client(settings: &ProviderSettings) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .expect("a client with only timeouts and a redirect policy always builds")
}

/// A vendor's answer, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|err| {
            Error::new(
                ErrorKind::UpstreamError,
                format!("the vendor's response does not parse: {err}"),
            )
            .with_upstream(self.upstream(None, None))
        })
    }

    pub fn upstream(&self, code: Option<String>, message: Option<String>) -> Upstream {
        Upstream {
            status: Some(self.status.as_u16()),
            code,
            message,
        }
    }

    /// The failures every vendor signals alike: credentials rejected, throttling, 5xx.
    /// `message` is the vendor's own text, for the problem body.
    pub fn common_failure(&self, message: Option<String>) -> Option<Error> {
        let status = self.status;
        let upstream = self.upstream(None, message);
        let error = match status.as_u16() {
            401 | 403 => Error::new(
                ErrorKind::UpstreamAuthFailed,
                "the vendor rejected the gateway's credentials",
            ),
            429 => Error::new(
                ErrorKind::UpstreamRateLimited,
                "the vendor is rate limiting",
            )
            .temporary(Temporariness::NotActedOn)
            .with_retry_after(retry_after(&self.headers)),
            503 => Error::new(ErrorKind::UpstreamError, "the vendor is unavailable (503)")
                .temporary(Temporariness::NotActedOn)
                .with_retry_after(retry_after(&self.headers)),
            500..=599 => Error::new(
                ErrorKind::UpstreamError,
                format!("the vendor failed ({})", status.as_u16()),
            )
            .temporary(Temporariness::Temporary),
            _ => return None,
        };
        Some(error.with_upstream(upstream))
    }

    /// An answer the backend did not expect: reported as a vendor error, never guessed at.
    pub fn unexpected(&self, message: Option<String>) -> Error {
        Error::new(
            ErrorKind::UpstreamError,
            format!("unexpected vendor status {}", self.status.as_u16()),
        )
        .with_upstream(self.upstream(None, message))
    }
}

/// Sends a request with the request id attached and reads the whole answer. `template` names
/// the vendor path with its customer id left out (`/users/{id}/labels`): it is what the trace
/// shows, so that no customer id reaches a log line.
pub async fn send(
    request: RequestBuilder,
    ctx: &CallContext,
    method: &Method,
    template: &'static str,
) -> Result<Reply, Error> {
    let span = tracing::info_span!("vendor_http", %method, path = template,
        status = tracing::field::Empty);
    let reply = exchange(request, ctx).instrument(span.clone()).await;
    span.in_scope(|| match &reply {
        Ok(reply) => {
            span.record("status", reply.status.as_u16());
            tracing::debug!("vendor answered");
        }
        Err(error) => tracing::debug!(error = error.kind.code(), "no vendor answer"),
    });
    reply
}

async fn exchange(request: RequestBuilder, ctx: &CallContext) -> Result<Reply, Error> {
    let request = if ctx.request_id.is_empty() {
        request
    } else {
        request.header("x-request-id", &ctx.request_id)
    };
    let response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    let headers = response.headers().clone();
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(too_large(status));
    }
    let body = response.bytes().await.map_err(transport_error)?;
    if body.len() > MAX_BODY_BYTES {
        return Err(too_large(status));
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn too_large(status: StatusCode) -> Error {
    Error::new(
        ErrorKind::UpstreamError,
        "the vendor's response is too large",
    )
    .with_upstream(Upstream {
        status: Some(status.as_u16()),
        ..Upstream::default()
    })
}

fn transport_error(err: reqwest::Error) -> Error {
    if err.is_timeout() {
        Error::new(
            ErrorKind::UpstreamTimeout,
            "the vendor did not answer in time",
        )
        .temporary(Temporariness::Temporary)
    } else if err.is_connect() {
        // Nothing reached the vendor, so even a non-idempotent write may be repeated.
        Error::new(ErrorKind::UpstreamError, "could not connect to the vendor")
            .temporary(Temporariness::NotActedOn)
    } else {
        Error::new(
            ErrorKind::UpstreamError,
            "the connection to the vendor failed mid-exchange",
        )
        .temporary(Temporariness::Temporary)
    }
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        headers.insert(
            RETRY_AFTER,
            httpdate::fmt_http_date(in_a_minute).parse().unwrap(),
        );
        let wait = retry_after(&headers).unwrap();
        assert!(
            (Duration::from_secs(58)..=Duration::from_secs(60)).contains(&wait),
            "{wait:?}"
        );
        headers.insert(
            RETRY_AFTER,
            "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&headers),
            Some(Duration::ZERO),
            "a date past is no wait"
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn segments_cannot_escape_their_place_in_the_path() {
        assert_eq!(segment("a/../b"), "a%2F..%2Fb");
        assert_eq!(segment("x?y=1#z"), "x%3Fy%3D1%23z");
        assert_eq!(segment("%2F"), "%252F");
        assert_eq!(segment("564663098"), "564663098");
    }
}
