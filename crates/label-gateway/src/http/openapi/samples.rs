//! What the named examples share: the demo's sample customers, and the example named after
//! the demo tenant it goes with (see `examples`).

use serde::Serialize;
use utoipa::openapi::example::{Example, ExampleBuilder};

use crate::demo;

pub(super) const CAPILLARY_CUSTOMER: &str = demo::CAPILLARY_SAMPLE_CUSTOMER;
pub(super) const TRYBE_CUSTOMER: &str = demo::TRYBE_SAMPLE_CUSTOMER;
pub(super) const ACTIONHUB_USER: &str = demo::ACTIONHUB_SAMPLE_USER;

/// A demo tenant as the examples show it: its id, its provider and its sample customer.
pub(super) struct DemoTenant {
    pub tenant: &'static str,
    pub provider: &'static str,
    pub customer: &'static str,
}

pub(super) const ACME: DemoTenant = DemoTenant {
    tenant: "acme",
    provider: "capillary",
    customer: CAPILLARY_CUSTOMER,
};
pub(super) const GLOBEX: DemoTenant = DemoTenant {
    tenant: "globex",
    provider: "trybe",
    customer: TRYBE_CUSTOMER,
};
pub(super) const INITECH: DemoTenant = DemoTenant {
    tenant: "initech",
    provider: "actionhub",
    customer: ACTIONHUB_USER,
};

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
