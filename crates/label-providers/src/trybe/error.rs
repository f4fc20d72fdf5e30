//! Trybe's answers to the common error kinds. Trybe speaks plain HTTP: the status says what
//! happened and `{"message": ...}` explains it.

use label_core::{Error, ErrorKind};

use super::wire::Failure;
use crate::http::Reply;

/// What a call was about, since a 404 means a different thing on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A call under `/customers/customers/{id}`: a 404 is the customer being unknown.
    Customer,
    /// The account's label catalog: a 404 means a wrong base URL, not a missing customer.
    Account,
}

/// Passes the documented successes (200, and 204 for a detach) and turns everything else into
/// the error kind it means.
pub fn check(reply: &Reply, scope: Scope) -> Result<(), Error> {
    let status = reply.status.as_u16();
    if matches!(status, 200 | 204) {
        return Ok(());
    }
    let failure = Failure::parse(&reply.body);
    let message = reply.said(failure.message.clone());
    if let Some(error) = reply.common_failure(message.clone()) {
        return Err(error);
    }
    Err(match (status, scope) {
        (404, Scope::Customer) => Error::new(
            ErrorKind::CustomerNotFound,
            "Trybe has no customer with this id",
        )
        .with_upstream(reply.upstream(None, message)),
        // The gateway only sends ids it read from Trybe, so a refusal is not the client's
        // doing: most likely a label deleted since the catalog was read.
        (422, _) => {
            let detail = format!(
                "Trybe refused the request: {}",
                message.as_deref().unwrap_or("validation failed")
            );
            Error::new(ErrorKind::UpstreamError, detail)
                .with_upstream(reply.upstream(failure.first_field(), message))
        }
        _ => reply.unexpected(message),
    })
}
