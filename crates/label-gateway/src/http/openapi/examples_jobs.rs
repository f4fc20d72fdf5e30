//! The job submission's named examples, one per demo tenant, each a body `label-gateway demo`
//! accepts (or, for the read-only provider, refuses as its summary says).

use serde_json::json;
use utoipa::openapi::example::Example;

use super::samples::named;
use crate::demo;

pub fn submit_examples() -> Vec<(&'static str, Example)> {
    vec![
        named(
            "acme",
            "Capillary: attach VIP and detach Old1 Customer1 for two customers",
            json!({"kind": "change",
                   "customers": [demo::CAPILLARY_SAMPLE_CUSTOMER, "564663099"],
                   "add": [{"name": "VIP"}], "remove": [{"name": "Old1 Customer1"}]}),
        ),
        named(
            "globex",
            "Trybe: a dry run of copying acme's labels, names mapped",
            json!({"kind": "copy", "from_tenant": "acme",
                   "customers": [{"from": demo::CAPILLARY_SAMPLE_CUSTOMER,
                                  "to": demo::TRYBE_SAMPLE_CUSTOMER}],
                   "labels": {"Premium Customer": "VIP", "Old1 Customer1": "Newsletter"},
                   "unmapped": "skip", "mode": "add", "dry_run": true}),
        ),
        named(
            "initech",
            "ActionHub is read-only: 405 unsupported_operation",
            json!({"kind": "change", "customers": [demo::ACTIONHUB_SAMPLE_USER],
                   "add": [{"name": "Sports Fan"}]}),
        ),
    ]
}
