//! The problem about one customer of many: a batch read's, a many-customer change's, a job's
//! item's, or a failed job's. The members of a problem body (RFC 9457) that concern one
//! customer, so that a client reads every one of them with one type.

use label_core::Upstream;
use serde::Serialize;
use utoipa::ToSchema;

use super::{model, Code};

/// A problem about one customer of many (or about a job that could not go on): the fields of a
/// problem body that concern it. `type` and `title` follow from `code`, as in a problem body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemProblem {
    #[schema(example = "about:blank")]
    pub r#type: &'static str,
    #[schema(example = "Customer not found")]
    pub title: &'static str,
    #[schema(example = 404)]
    pub status: u16,
    pub code: Code,
    #[schema(example = "Customer not found for the given identifiers")]
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<model::Upstream>, nullable = false)]
    pub upstream: Option<Upstream>,
}

impl ItemProblem {
    /// The problem of one customer, from a provider's error or the gateway's.
    pub fn of<K: Copy + Into<Code>>(error: &label_core::Error<K>) -> Self {
        let mut problem = Self::new(error.kind.into(), error.detail.clone());
        problem.upstream = error.upstream.clone();
        problem
    }

    /// A problem recorded as its code and detail (a job's). A code this build does not know (a
    /// record written by another version into the shared state) reads as `upstream_error`,
    /// with the code kept in the detail.
    pub fn recorded(code: &str, detail: &str) -> Self {
        match Code::ALL.iter().find(|known| known.code() == code) {
            Some(&known) => Self::new(known, detail.to_owned()),
            None => Self::new(Code::UpstreamError, format!("{code}: {detail}")),
        }
    }

    fn new(code: Code, detail: String) -> Self {
        Self {
            r#type: "about:blank",
            title: code.title(),
            status: code.status(),
            code,
            detail,
            upstream: None,
        }
    }
}
