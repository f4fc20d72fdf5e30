//! Capillary's answers to the common error kinds: the HTTP status first, then the codes it
//! puts in `errors` (8015: customer not found) whatever the status.

use label_core::{Error, ErrorKind};

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
