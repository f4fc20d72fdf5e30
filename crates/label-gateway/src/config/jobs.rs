//! `[jobs]`: the limits of a job submission and how hard a job may lean on a tenant's vendor;
//! and a tenant's `copy_from`, the tenants whose labels a copy job may read into it.

use std::collections::HashSet;

use super::fields::Section;
use super::{ConfigProblem, JobsConfig};

pub(super) const KEYS: &[&str] = &[
    "max_customers",
    "max_body_bytes",
    "interactive_share",
    "concurrency",
    "max_active_per_tenant",
    "max_memory_bytes",
];

/// Ten million customers is ten times the default; past it a job's list alone is
/// hundreds of MB.
const MAX_CUSTOMERS: u64 = 10_000_000;
/// A body of 1 GiB takes longer to read and hash than any client waits.
const MAX_BODY_BYTES: u64 = 1024 * 1024 * 1024;
/// Vendor calls one job makes at once, at most.
const MAX_CONCURRENCY: u64 = 256;
/// More than this many jobs of one tenant at once would only queue behind its one budget.
const MAX_ACTIVE: u64 = 1000;
/// Below 64 KiB not even a small job's record fits; above 64 GiB is no pod's memory.
const MEMORY_BYTES: std::ops::RangeInclusive<u64> = 64 * 1024..=64 * 1024 * 1024 * 1024;

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            max_customers: 1_000_000,
            max_body_bytes: 32 * 1024 * 1024,
            interactive_share: 0.5,
            concurrency: 4,
            max_active_per_tenant: 4,
            max_memory_bytes: 256 * 1024 * 1024,
        }
    }
}

pub(super) fn read(section: &mut Section) -> JobsConfig {
    let default = JobsConfig::default();
    JobsConfig {
        max_active_per_tenant: section.setting_or(
            "max_active_per_tenant",
            default.max_active_per_tenant,
            1..=MAX_ACTIVE,
        ),
        max_memory_bytes: section.setting_or(
            "max_memory_bytes",
            default.max_memory_bytes,
            MEMORY_BYTES,
        ),
        max_customers: section.setting_or(
            "max_customers",
            default.max_customers,
            1..=MAX_CUSTOMERS,
        ),
        max_body_bytes: section.setting_or(
            "max_body_bytes",
            default.max_body_bytes,
            1024..=MAX_BODY_BYTES,
        ),
        interactive_share: share(section).unwrap_or(default.interactive_share),
        concurrency: section.setting_or("concurrency", default.concurrency, 1..=MAX_CONCURRENCY),
    }
}

/// A fraction from 0 to 0.95: a job always keeps some of the budget, or it would never end.
fn share(section: &mut Section) -> Option<f64> {
    let value = section.value("interactive_share")?;
    let path = section.path_of("interactive_share");
    let number = value
        .as_float()
        .or_else(|| value.as_integer().map(|i| i as f64));
    match number {
        Some(share) if (0.0..=0.95).contains(&share) => Some(share),
        _ => {
            section.problem(path, "must be a number from 0 to 0.95, like 0.5");
            None
        }
    }
}

/// A tenant's `copy_from`: tenant ids, checked against the others once all are read.
pub(super) fn copy_from(section: &mut Section) -> Vec<(String, String)> {
    let hint = "must be a list of tenant ids, like [\"acme\"]";
    let mut ids = Vec::new();
    for (path, item) in section.list("copy_from", hint) {
        if let Some(id) = section.as_str(path.clone(), item) {
            ids.push((path, id.to_owned()));
        }
    }
    ids
}

/// Every `copy_from` entry names a configured tenant: a typo must not wait for the first copy
/// to be found.
pub(super) fn unknown_sources(
    known: &HashSet<&str>,
    named: &[(String, String)],
) -> Vec<ConfigProblem> {
    named
        .iter()
        .filter(|(_, id)| !known.contains(id.as_str()))
        .map(|(path, id)| ConfigProblem::new(path, format!("no tenant `{id}` is configured")))
        .collect()
}
