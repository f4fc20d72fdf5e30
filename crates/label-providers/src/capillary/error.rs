//! Capillary's answers to the common error kinds: the HTTP status first, then the codes it
//! puts in `errors` (8015: customer not found) whatever the status.

use label_core::{CallContext, Error, ErrorKind};
use serde_json::value::RawValue;
use serde_json::Value;

use super::wire::Problem;
use crate::http::Reply;

pub const CUSTOMER_NOT_FOUND: u32 = 8015;
pub const LABEL_NOT_FOUND: u32 = 33000;

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
        let kind = if problem.is(CUSTOMER_NOT_FOUND) {
            ErrorKind::CustomerNotFound
        } else {
            ErrorKind::UpstreamError
        };
        let message = reply.said(problem.message.clone());
        let detail = message
            .clone()
            .unwrap_or_else(|| "Capillary reported an error".to_owned());
        return Err(Error::new(kind, detail).with_upstream(reply.upstream(problem.code(), message)));
    }
    if reply.status.is_success() {
        Ok(())
    } else {
        Err(reply.unexpected(None))
    }
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
    serde_json::from_str(record.get()).map_err(|err| {
        Error::new(
            ErrorKind::UpstreamError,
            format!("a Capillary record does not parse: {err}"),
        )
        .with_upstream(reply.upstream(None, None))
    })
}
