//! A read's query string, into the route's documented query type. One that does not read is
//! 422 `invalid_request`, its one problem at the whole request (pointer `""`).

use axum::extract::Query;
use axum::http::Uri;
use label_core::{Error, ErrorKind, FieldProblem};
use serde::de::DeserializeOwned;

/// The query of `uri` as a `T` (absent parameters as `T` allows them).
pub fn read<T: DeserializeOwned>(uri: &Uri) -> Result<T, Error> {
    Query::try_from_uri(uri)
        .map(|Query(query)| query)
        .map_err(|rejection| invalid(&rejection.body_text()))
}

/// A query that breaks a rule: `why`, as the detail and as the problem.
pub fn invalid(why: &str) -> Error {
    let mut error = Error::new(ErrorKind::InvalidRequest, why);
    error.problems = vec![FieldProblem::at("", format!("query: {why}"))];
    error
}
