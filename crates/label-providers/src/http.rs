//! What every backend shares for talking HTTP to its vendor: one pooled client per tenant,
//! path-segment encoding, and the translation of transport failures and common statuses.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use label_core::{CallContext, Error, ErrorKind, Temporariness, Upstream};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::in_flight::{Held, InFlight};
use crate::redact::Redactor;
use crate::settings::ProviderSettings;

/// Everything but RFC 3986's unreserved characters is encoded, so a customer id is always
/// exactly one segment: `/`, `?`, `#` and `%` can never change which path the vendor sees.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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
    /// The tenant's secrets, kept out of any vendor text this answer hands on.
    redactor: Arc<Redactor>,
    /// This answer's share of `max_upstream_bytes_in_flight`, given back once it is parsed
    /// (when the backend drops the reply).
    _held: Held,
}

impl Reply {
    /// Replaces every secret in the answer's text, once, before anything parses it.
    pub(crate) fn scrub_body(&mut self) {
        if let Some(clean) = self.redactor.scrub_body(&self.body) {
            self.body = Bytes::from(clean);
        }
    }

    /// `text` with every secret of the tenant replaced, or `None` when it holds none.
    pub fn scrubbed(&self, text: &[u8]) -> Option<Vec<u8>> {
        self.redactor.scrub_body(text)
    }

    /// Vendor text as it may be handed on, to a client or a log: secrets replaced, cut short.
    pub fn said(&self, text: Option<String>) -> Option<String> {
        text.map(|text| self.redactor.scrub(&text))
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body)
            .map_err(|err| self.broken("the vendor's response does not parse", err))
    }

    /// An answer that does not read as `what` says it should. The parser's message quotes the
    /// value it refused, which may be anything the vendor echoed: it is vendor text.
    pub fn broken(&self, what: &str, why: impl std::fmt::Display) -> Error {
        let why = self.redactor.scrub(&why.to_string());
        Error::new(ErrorKind::UpstreamError, format!("{what}: {why}"))
            .with_upstream(self.upstream(None, None))
    }

    pub fn upstream(&self, code: Option<String>, message: Option<String>) -> Upstream {
        Upstream {
            status: Some(self.status.as_u16()),
            code: self.said(code),
            message: self.said(message),
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

/// What bounds the reading of one answer: its own length, the bytes all answers of the process
/// may hold together (waited for at most `wait` outside any deadline), and the secrets its text
/// must not pass on.
pub struct Limits<'a> {
    pub max_body: usize,
    pub in_flight: &'a InFlight,
    pub wait: Duration,
    pub redactor: &'a Arc<Redactor>,
}

/// Sends a request with the request id attached and reads the whole answer, refusing one over
/// `max_body` bytes. `template` names the vendor path with its customer id left out
/// (`/users/{id}/labels`): it is what the trace shows, so that no customer id reaches a log
/// line.
pub async fn send(
    request: RequestBuilder,
    ctx: &CallContext,
    method: &Method,
    template: &'static str,
    limits: Limits<'_>,
) -> Result<Reply, Error> {
    let span = tracing::info_span!("vendor_http", %method, path = template,
        status = tracing::field::Empty);
    let reply = exchange(request, ctx, limits)
        .instrument(span.clone())
        .await;
    span.in_scope(|| match &reply {
        Ok(reply) => {
            span.record("status", reply.status.as_u16());
            tracing::debug!("vendor answered");
        }
        Err(error) => tracing::debug!(error = error.kind.code(), "no vendor answer"),
    });
    reply
}

async fn exchange(
    request: RequestBuilder,
    ctx: &CallContext,
    limits: Limits<'_>,
) -> Result<Reply, Error> {
    let request = if ctx.request_id.is_empty() {
        request
    } else {
        request.header("x-request-id", &ctx.request_id)
    };
    let mut response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let length = response.content_length();
    if length.is_some_and(|len| len > limits.max_body as u64) {
        return Err(too_large(status));
    }
    let mut held = Held::default();
    // A known length is taken whole before the first byte is read, so that no answer waits
    // half-read while holding bytes others wait for.
    if let Some(length) = length {
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        limits
            .in_flight
            .reserve(&mut held, length, limits.wait)
            .await?;
    }
    // Read chunk by chunk, so that an answer without a length is refused as soon as it is
    // too long, not once it is all in memory.
    let mut read = 0;
    let mut body = Gathered::new(length);
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        read += chunk.len();
        if read > limits.max_body {
            return Err(too_large(status));
        }
        if length.is_none() {
            limits
                .in_flight
                .reserve(&mut held, chunk.len(), limits.wait)
                .await?;
        }
        body.push(chunk);
    }
    Ok(Reply {
        status,
        headers,
        body: body.finish(read),
        redactor: limits.redactor.clone(),
        _held: held,
    })
}

/// An answer's chunks as one buffer, never holding much more than the answer. Most answers
/// come in one chunk, kept as it is. With a `Content-Length`, further chunks are copied as they
/// come into a buffer of that size; without one, they are kept and copied once at the end:
/// growing a buffer as they come would move every byte read so far at each doubling and leave
/// up to twice the answer's size allocated.
struct Gathered {
    length: Option<u64>,
    first: Option<Bytes>,
    copied: Vec<u8>,
    kept: Vec<Bytes>,
}

impl Gathered {
    fn new(length: Option<u64>) -> Self {
        Self {
            length,
            first: None,
            copied: Vec::new(),
            kept: Vec::new(),
        }
    }

    fn push(&mut self, chunk: Bytes) {
        match (self.first.take(), self.length) {
            (None, _) if self.copied.is_empty() && self.kept.is_empty() => self.first = Some(chunk),
            (earlier, Some(length)) => {
                if self.copied.is_empty() {
                    // Within max_upstream_body_bytes, checked before the first chunk.
                    self.copied = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
                }
                self.copied.extend_from_slice(&earlier.unwrap_or_default());
                self.copied.extend_from_slice(&chunk);
            }
            (earlier, None) => {
                self.kept.extend(earlier);
                self.kept.push(chunk);
            }
        }
    }

    fn finish(self, read: usize) -> Bytes {
        if let Some(only) = self.first {
            return only;
        }
        if self.kept.is_empty() {
            return Bytes::from(self.copied);
        }
        let mut body = Vec::with_capacity(read);
        for chunk in self.kept {
            body.extend_from_slice(&chunk);
        }
        Bytes::from(body)
    }
}

fn too_large(status: StatusCode) -> Error {
    Error::new(
        ErrorKind::UpstreamError,
        "the vendor's answer is over max_upstream_body_bytes",
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
