//! ActionHub's answers to the common error kinds. FastAPI says everything with the status:
//! 403 a bad key, 404 an unknown user, 422 a request that fails validation.

use label_core::{Error, ErrorKind};

use super::wire::ErrorBody;
use crate::http::Reply;

/// Which call answered: a 404 or 422 means something else for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    UserLabels,
    Catalog,
}

/// Passes a 2xx; anything else becomes the error it stands for.
pub fn check(reply: &Reply, call: Call) -> Result<(), Error> {
    if reply.status.is_success() {
        return Ok(());
    }
    // An unreadable error body still has a status worth reporting.
    let body: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or_default();
    let message = reply.said(body.message());
    if let Some(error) = reply.common_failure(message.clone()) {
        return Err(error);
    }
    let kind = match (reply.status.as_u16(), call) {
        (404, Call::UserLabels) => ErrorKind::CustomerNotFound,
        // Only a problem with the path is the client's id; a header or query problem is ours.
        (422, Call::UserLabels) if body.about_path() => ErrorKind::InvalidCustomerId,
        _ => {
            let mut error = reply.unexpected(message);
            if let Some(upstream) = error.upstream.as_mut() {
                upstream.code = reply.said(body.code());
            }
            return Err(error);
        }
    };
    let detail = match kind {
        ErrorKind::CustomerNotFound => "ActionHub does not know this user",
        _ => "ActionHub refused the customer id",
    };
    Err(Error::new(kind, detail).with_upstream(reply.upstream(body.code(), message)))
}
