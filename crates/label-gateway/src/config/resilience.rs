//! A tenant's protection against its vendor (and the vendor's against the tenant): deadlines,
//! retries, the circuit breaker, concurrency, and the vendor budget.

use super::fields::Section;
use super::{Budget, Resilience};

/// Durations end up added to `Instant`s, which panics on overflow; a day bounds any sane one.
const MAX_MS: u64 = 24 * 60 * 60 * 1000;
const MAX_SECONDS: u64 = 24 * 60 * 60;
/// Far above what any vendor allows, far below what a semaphore can count.
const MAX_IN_FLIGHT: u64 = 1_000_000;
/// A million calls a minute is beyond any vendor's quota; the bound keeps the GCRA's interval
/// at least 60 µs.
const MAX_PER_MINUTE: u64 = 1_000_000;

pub(super) fn read(section: &mut Section) -> Resilience {
    let default = Resilience::default();
    let u32_max = u32::MAX.into();
    Resilience {
        timeout: section.setting_or("timeout_ms", default.timeout, 1..=MAX_MS),
        connect_timeout: section.setting_or(
            "connect_timeout_ms",
            default.connect_timeout,
            1..=MAX_MS,
        ),
        max_retries: section.setting_or("max_retries", default.max_retries, 0..=u32_max),
        circuit_failures: section.setting_or(
            "circuit_failures",
            default.circuit_failures,
            1..=u32_max,
        ),
        circuit_open: section.setting_or(
            "circuit_open_seconds",
            default.circuit_open,
            1..=MAX_SECONDS,
        ),
        max_in_flight: section.setting_or(
            "max_in_flight",
            default.max_in_flight,
            1..=MAX_IN_FLIGHT,
        ),
        budget: budget(section),
        min_call: section.setting_or("min_call_ms", default.min_call, 1..=MAX_MS),
        max_retry_after: section.setting_or(
            "max_retry_after_seconds",
            default.max_retry_after,
            1..=MAX_SECONDS,
        ),
    }
}

/// `vendor_requests_per_minute` and its `vendor_burst` (default a tenth of it, at least 1).
fn budget(section: &mut Section) -> Option<Budget> {
    let Some(per_minute) = section.integer("vendor_requests_per_minute", 1..=MAX_PER_MINUTE) else {
        if section.value("vendor_burst").is_some() {
            let path = section.path_of("vendor_burst");
            section.problem(
                path,
                "needs vendor_requests_per_minute, the budget it bursts over",
            );
        }
        return None;
    };
    let default_burst = (per_minute / 10).max(1);
    let burst = section.integer_or("vendor_burst", default_burst, 1..=MAX_PER_MINUTE);
    Some(Budget {
        per_minute: per_minute as u32,
        burst: burst as u32,
    })
}
