//! Misbehaviours a simulator can be told to show on its next requests: the ways real vendors
//! fail (slow, 5xx, throttled, garbage, half a body, a dropped connection).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::conn::ConnHandle;

/// What goes wrong with the answer itself, beyond its status and body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Breakage {
    #[default]
    None,
    /// The headers declare the whole body's length, but only its first half is sent before the
    /// connection closes.
    TruncatedBody,
    /// The connection is reset (TCP RST) instead of any answer.
    ConnectionReset,
}

/// A misbehaviour for the next request: answer this instead of the real thing.
#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub delay: Duration,
    /// `None` lets the real handler answer (after `delay`), unless `breakage` says otherwise.
    pub status: Option<u16>,
    pub body: String,
    pub retry_after: Option<String>,
    pub breakage: Breakage,
    /// Only a request with this method (`"POST"`) takes the fault; others pass it by.
    pub method: Option<String>,
}

impl Fault {
    /// The real answer, but only after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self {
            delay,
            ..Self::default()
        }
    }

    /// This status with an empty body.
    pub fn status(status: u16) -> Self {
        Self::status_with_body(status, "")
    }

    pub fn status_with_body(status: u16, body: impl Into<String>) -> Self {
        Self {
            status: Some(status),
            body: body.into(),
            ..Self::default()
        }
    }

    /// A 200 whose body is not JSON at all.
    pub fn malformed_body() -> Self {
        Self::status_with_body(200, "<html><body>upstream proxy error</body></html>")
    }

    /// A 200 declaring a JSON body of which only the first half arrives.
    pub fn truncated_body() -> Self {
        Self {
            breakage: Breakage::TruncatedBody,
            ..Self::status_with_body(200, r#"{"data": [], "warnings": [], "errors": []}"#)
        }
    }

    /// The connection is reset once the request has arrived.
    pub fn connection_reset() -> Self {
        Self {
            breakage: Breakage::ConnectionReset,
            ..Self::default()
        }
    }

    /// Adds a `Retry-After` header (seconds or an HTTP date, sent as given).
    pub fn with_retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Saves the fault for the next request with this method.
    pub fn on_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// A fault that lets the real handler answer at once: a placeholder in the queue.
    pub fn pass() -> Self {
        Self::default()
    }

    pub(crate) fn applies_to(&self, method: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
    }

    /// The answer this fault gives instead of the handler's, or `None` to let the handler answer.
    pub(crate) fn answer(self, conn: Option<&ConnHandle>) -> Option<Response> {
        match self.breakage {
            Breakage::ConnectionReset => {
                if let Some(conn) = conn {
                    conn.reset();
                }
                return Some(StatusCode::OK.into_response());
            }
            Breakage::TruncatedBody => return Some(truncated(self.status, self.body)),
            Breakage::None => {}
        }
        let status = self.status?;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Body::from(self.body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(value) = self
            .retry_after
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        Some(response)
    }
}

/// A body stream that yields half of `body` and then fails, which makes the server abort the
/// connection short of the `Content-Length` it declared.
fn truncated(status: Option<u16>, body: String) -> Response {
    let status = status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    // At least one byte is declared, so that even an empty body arrives short.
    let declared = body.len().max(1);
    let cut = body.len() / 2;
    let half = Bytes::from(body).slice(..cut);
    // The pause lets the server flush the headers and the first half before the failure
    // aborts the connection; failing at once would lose the answer altogether.
    let cut_short = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::other("fault: body cut short"))
    };
    let chunks = futures::stream::once(async { Ok(half) }).chain(futures::stream::once(cut_short));
    let mut response = (status, Body::from_stream(chunks)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
    response
}
