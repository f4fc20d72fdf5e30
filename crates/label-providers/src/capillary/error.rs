//! Capillary's answers to the common error kinds: the HTTP status first, then the codes it
//! puts in `errors` (8015: customer not found) whatever the status.

use label_core::{CallContext, Error, ErrorKind};
use serde_json::value::RawValue;
use serde_json::Value;

use super::wire::Problem;
use crate::http::Reply;

pub const CUSTOMER_NOT_FOUND: u32 = 8015;
pub const LABEL_NOT_FOUND: u32 = 33000;
pub const LABEL_EXISTS: u32 = 33003;
pub const ORG_LABELS_FULL: u32 = 33005;
/// Labels API warnings: the assignment exists already; the label to remove is not assigned.
pub const ALREADY_ASSIGNED: u32 = 23050;
pub const ALREADY_INACTIVE: u32 = 23051;
/// Labels API: no label of that id, name or external id.
pub const NO_SUCH_LABEL: u32 = 23004;

/// Fails on what the status alone says (auth, throttling, 5xx).
pub fn check_status(reply: &Reply) -> Result<(), Error> {
    match reply.common_failure(None) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Fails on the first entry of `errors`, or on a non-2xx status the body does not explain.
pub fn check_errors(reply: &Reply, errors: &[Problem]) -> Result<(), Error> {
    if let Some(problem) = errors.first() {
        return Err(problem_error(reply, problem));
    }
    if reply.status.is_success() {
        Ok(())
    } else {
        Err(reply.unexpected(None))
    }
}

/// The error a problem of Capillary's stands for, with what it said.
pub fn problem_error(reply: &Reply, problem: &Problem) -> Error {
    let kind = if problem.is(CUSTOMER_NOT_FOUND) {
        ErrorKind::CustomerNotFound
    } else if problem.is(LABEL_EXISTS) {
        ErrorKind::LabelExists
    } else if problem.is(ORG_LABELS_FULL) {
        ErrorKind::LabelLimitReached
    } else {
        ErrorKind::UpstreamError
    };
    let message = reply.said(problem.message.clone());
    let detail = message
        .clone()
        .unwrap_or_else(|| "Capillary reported an error".to_owned());
    Error::new(kind, detail).with_upstream(reply.upstream(problem.code(), message))
}

/// The vendor's record as it came, for `include=raw`.
pub fn raw_record(
    ctx: &CallContext,
    reply: &Reply,
    record: &RawValue,
) -> Result<Option<Value>, Error> {
    if ctx.include_raw {
        parse_record(reply, record).map(Some)
    } else {
        Ok(None)
    }
}

pub fn parse_record<T: serde::de::DeserializeOwned>(
    reply: &Reply,
    record: &RawValue,
) -> Result<T, Error> {
    serde_json::from_str(record.get())
        .map_err(|err| reply.broken("a Capillary record does not parse", err))
}
