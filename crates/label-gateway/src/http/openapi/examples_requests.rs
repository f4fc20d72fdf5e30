//! Named examples of what a client sends, one per demo tenant: the path parameters' values and
//! the body of a customer's change, each from the demo's own data (`crate::demo`), so that a
//! request made of one tenant's examples works against `label-gateway demo`.

use serde_json::{json, Value};
use utoipa::openapi::example::Example;

use super::samples::named;
use crate::demo::{self, DemoTenant};

/// A path parameter's examples, one per demo tenant: `(name, summary, value)`.
pub fn parameter_examples(parameter: &str) -> Vec<(&'static str, String, &'static str)> {
    demo::TENANTS
        .iter()
        .filter_map(|t| {
            let (value, summary) = match parameter {
                "tenant" => (t.tenant, format!("The demo's {} tenant", vendor(t))),
                "customer_id" => (
                    t.sample_customer,
                    format!("{}'s sample customer (demo tenant {})", vendor(t), t.tenant),
                ),
                "label_id" => (
                    sample_label(t),
                    format!(
                        "A label of {}'s demo catalog (demo tenant {})",
                        vendor(t),
                        t.tenant
                    ),
                ),
                "path" => (
                    passthrough_path(t),
                    format!(
                        "{}'s own read of the sample customer's labels (demo tenant {})",
                        vendor(t),
                        t.tenant
                    ),
                ),
                _ => return None,
            };
            Some((t.tenant, summary, value))
        })
        .collect()
}

/// A vendor path the demo tenant's `passthrough` allow-list (config/demo.toml) lets through.
fn passthrough_path(t: &demo::DemoTenant) -> &'static str {
    match t.provider {
        "capillary" => "v2/customers/564663098/labels",
        "trybe" => "customers/customers/9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b/labels",
        _ => "users/user-1001/labels",
    }
}

/// The examples of the PATCH body: the demo's change for each tenant that can write; for a
/// read-only one a change it refuses with 405.
pub fn change_request_examples() -> Vec<(&'static str, Example)> {
    demo::TENANTS
        .iter()
        .map(|t| match t.change {
            Some(change) => {
                let value: Value = serde_json::from_str(change).expect("the demo's change is JSON");
                named(
                    t.tenant,
                    &format!("{}: attach and detach by name", vendor(t)),
                    value,
                )
            }
            None => named(
                t.tenant,
                &format!("{} is read-only: 405 unsupported_operation", vendor(t)),
                json!({"add": [{"name": "Sports Fan"}]}),
            ),
        })
        .collect()
}

/// A label each demo tenant's catalog has: Premium Customer at Capillary, VIP at Trybe, Sports
/// Fan at ActionHub (whose label ids are their names).
fn sample_label(tenant: &DemoTenant) -> &'static str {
    match tenant.provider {
        "capillary" => "20942",
        "trybe" => "8c3f0d2e-6a1b-4c5d-9e7f-000000000001",
        _ => "Sports Fan",
    }
}

fn vendor(tenant: &DemoTenant) -> &'static str {
    match tenant.provider {
        "capillary" => "Capillary",
        "trybe" => "Trybe",
        "actionhub" => "ActionHub",
        other => other,
    }
}
