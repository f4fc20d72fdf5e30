use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::fetched::Source;
use crate::model::ChangeResult;
use crate::passthrough::PassthroughAnswer;

/// What went wrong in a provider, a layer or the model: each kind is one error code of the
/// contract. The gateway's own codes (keys, limits, jobs, ...) and every code's HTTP status are the
/// gateway's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    CustomerNotFound,
    InvalidCustomerId,
    InvalidRequest,
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
}

impl ErrorKind {
    pub const ALL: &[ErrorKind] = &[
        ErrorKind::CustomerNotFound,
        ErrorKind::InvalidCustomerId,
        ErrorKind::InvalidRequest,
        ErrorKind::LabelNotFound,
        ErrorKind::LabelExists,
        ErrorKind::LabelLimitReached,
        ErrorKind::UnsupportedOperation,
        ErrorKind::UpstreamRateLimited,
        ErrorKind::UpstreamAuthFailed,
        ErrorKind::UpstreamError,
        ErrorKind::UpstreamTimeout,
        ErrorKind::UpstreamUnavailable,
        ErrorKind::UpstreamBusy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::CustomerNotFound => "customer_not_found",
            ErrorKind::InvalidCustomerId => "invalid_customer_id",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::LabelNotFound => "label_not_found",
            ErrorKind::LabelExists => "label_exists",
            ErrorKind::LabelLimitReached => "label_limit_reached",
            ErrorKind::UnsupportedOperation => "unsupported_operation",
            ErrorKind::UpstreamRateLimited => "upstream_rate_limited",
            ErrorKind::UpstreamAuthFailed => "upstream_auth_failed",
            ErrorKind::UpstreamError => "upstream_error",
            ErrorKind::UpstreamTimeout => "upstream_timeout",
            ErrorKind::UpstreamUnavailable => "upstream_unavailable",
            ErrorKind::UpstreamBusy => "upstream_busy",
        }
    }

    /// A vendor call that failed this way counts against the tenant's circuit breaker.
    pub fn is_vendor_failure(self) -> bool {
        matches!(self, ErrorKind::UpstreamError | ErrorKind::UpstreamTimeout)
    }

    /// The vendor could not be used at all: a failure, its circuit is open, or the gateway
    /// had no room for its answer. What a cache may answer with an expired entry
    /// (stale-if-error); the gateway's own 503s are not counted against the vendor, so they
    /// are not vendor failures.
    pub fn is_vendor_outage(self) -> bool {
        self.is_vendor_failure()
            || matches!(
                self,
                ErrorKind::UpstreamUnavailable | ErrorKind::UpstreamBusy
            )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether repeating the failed call could help, and whether it is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporariness {
    /// Repeating gives the same answer.
    Permanent,
    /// May succeed if repeated, but the vendor may have acted: repeat reads and idempotent
    /// writes only.
    Temporary,
    /// May succeed if repeated, and the vendor cannot have acted on it (connection refused,
    /// 429, 503): any call may be repeated.
    NotActedOn,
}

/// What the vendor answered, passed on to the client in the problem body.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Upstream {
    // Each is left out when unknown, never null.
    /// The vendor's HTTP status, when it answered at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The vendor's own error code, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The vendor's message, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The one error type of every provider and of the gateway. Boxed, so that a `Result` stays as
/// small as its success value on the hot path; the fields read through `Deref`.
///
/// `K` is the list of kinds: a provider's [`ErrorKind`], or an application's longer list that
/// [`Widens`] it (the gateway adds the kinds only it can raise); `?` widens on the way.
#[derive(Debug, Clone)]
pub struct Error<K = ErrorKind>(Box<ErrorDetails<K>>);

#[derive(Debug, Clone)]
pub struct ErrorDetails<K = ErrorKind> {
    pub kind: K,
    pub detail: String,
    pub temporariness: Temporariness,
    pub upstream: Option<Upstream>,
    pub retry_after: Option<Duration>,
    /// What a change had already applied when it failed, so the client knows the vendor's state.
    pub partial_results: Option<Vec<ChangeResult>>,
    /// For an invalid input: its problems, as many as the caller chose to keep.
    pub problems: Vec<FieldProblem>,
    /// There were more problems than `problems` lists.
    pub problems_truncated: bool,
    /// Where a read's failure came from, when a cache had a hand in it (a kept
    /// `customer_not_found` is a hit).
    pub origin: Option<Source>,
    /// For a passthrough call that failed at the vendor (429, 5xx): the vendor's answer, handed
    /// to the client as it is once retries are over.
    pub passthrough: Option<Arc<PassthroughAnswer>>,
}

/// A longer list of kinds that holds every [`ErrorKind`]: an error of a provider becomes one of
/// `Error<K>` by `?` or `into()`, its details kept.
pub trait Widens: From<ErrorKind> {}

impl<K: Widens> From<Error> for Error<K> {
    fn from(error: Error) -> Self {
        let ErrorDetails {
            kind,
            detail,
            temporariness,
            upstream,
            retry_after,
            partial_results,
            problems,
            problems_truncated,
            origin,
            passthrough,
        } = *error.0;
        Self(Box::new(ErrorDetails {
            kind: K::from(kind),
            detail,
            temporariness,
            upstream,
            retry_after,
            partial_results,
            problems,
            problems_truncated,
            origin,
            passthrough,
        }))
    }
}

impl<K: fmt::Display> fmt::Display for Error<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind, self.0.detail)
    }
}

impl<K: fmt::Display + fmt::Debug> std::error::Error for Error<K> {}

impl<K> Error<K> {
    pub fn new(kind: K, detail: impl Into<String>) -> Self {
        Self(Box::new(ErrorDetails {
            kind,
            detail: detail.into(),
            temporariness: Temporariness::Permanent,
            upstream: None,
            retry_after: None,
            partial_results: None,
            problems: Vec::new(),
            problems_truncated: false,
            origin: None,
            passthrough: None,
        }))
    }

    pub fn temporary(mut self, temporariness: Temporariness) -> Self {
        self.temporariness = temporariness;
        self
    }

    pub fn with_upstream(mut self, upstream: Upstream) -> Self {
        self.upstream = Some(upstream);
        self
    }

    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    pub fn with_passthrough(mut self, answer: PassthroughAnswer) -> Self {
        self.passthrough = Some(Arc::new(answer));
        self
    }

    pub fn from_source(mut self, origin: Source) -> Self {
        self.origin = Some(origin);
        self
    }

    pub fn into_details(self) -> ErrorDetails<K> {
        *self.0
    }

    pub fn is_temporary(&self) -> bool {
        self.temporariness != Temporariness::Permanent
    }
}

impl<K> std::ops::Deref for Error<K> {
    type Target = ErrorDetails<K>;

    fn deref(&self) -> &ErrorDetails<K> {
        &self.0
    }
}

impl<K> std::ops::DerefMut for Error<K> {
    fn deref_mut(&mut self) -> &mut ErrorDetails<K> {
        &mut self.0
    }
}

/// One problem of an invalid request: where (an RFC 6901 pointer into the body, or the name of
/// a header) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// Where in the body; `""` is the whole body. Absent for a problem in a header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The header at fault, for a problem in a header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub detail: String,
}

impl FieldProblem {
    pub fn at(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.into()),
            header: None,
            detail: detail.into(),
        }
    }

    pub fn in_header(header: &str, detail: impl Into<String>) -> Self {
        Self {
            pointer: None,
            header: Some(header.to_owned()),
            detail: detail.into(),
        }
    }
}
