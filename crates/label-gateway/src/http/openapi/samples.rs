//! What the named examples share: the demo's sample customers, and the example named after
//! the demo tenant it goes with (see `examples`).

use serde::Serialize;
use utoipa::openapi::example::{Example, ExampleBuilder};

use crate::demo;

pub(super) const CAPILLARY_CUSTOMER: &str = demo::CAPILLARY_SAMPLE_CUSTOMER;
pub(super) const TRYBE_CUSTOMER: &str = demo::TRYBE_SAMPLE_CUSTOMER;
pub(super) const ACTIONHUB_USER: &str = demo::ACTIONHUB_SAMPLE_USER;

/// An example named `name` (a demo tenant), with its summary and value.
pub(super) fn named(
    name: &'static str,
    summary: &str,
    value: impl Serialize,
) -> (&'static str, Example) {
    let value = serde_json::to_value(value).expect("examples always serialize");
    (
        name,
        ExampleBuilder::new()
            .summary(summary)
            .value(Some(value))
            .build(),
    )
}
