//! The request series, counted by each thread in its own tally and summed when scraped.
//!
//! Every request ends here. Kept in the metrics recorder, each answer was an atomic add to a
//! counter and a push onto a histogram's shared buffer, cache lines that both CPUs write and
//! pass to each other on every request (~5 % of a cache hit's throughput, BENCHMARKS.md). A
//! thread's tally is behind a lock that only it takes, but for the moment a scrape reads it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::StatusCode;
use rustc_hash::FxHashMap;
use thread_local::ThreadLocal;

use super::recorder::names::{HTTP_DURATION, HTTP_REQUESTS};
use super::recorder::BUCKETS;

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    count: u64,
    seconds: f64,
    /// Per bucket of `BUCKETS`, the answers that fell in it and no lower one.
    buckets: [u64; BUCKETS.len()],
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.seconds += other.seconds;
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
    }
}

/// Tenant, then route template, then method and status: a lookup borrows every part and
/// allocates nothing. Bounded as the labels are: tenants of the config, the router's routes.
type ByTenant = FxHashMap<String, FxHashMap<String, FxHashMap<(&'static str, u16), Tally>>>;

/// Process-wide, as the recorder is: gateways in one process (the tests) differ by tenant.
static TALLIES: ThreadLocal<Mutex<ByTenant>> = ThreadLocal::new();

pub fn record_request(
    tenant: &str,
    route: &str,
    method: &'static str,
    status: StatusCode,
    elapsed: Duration,
) {
    let mut tallies = TALLIES
        .get_or_default()
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let by_route = match tallies.get_mut(tenant) {
        Some(by_route) => by_route,
        None => tallies.entry(tenant.to_owned()).or_default(),
    };
    let by_answer = match by_route.get_mut(route) {
        Some(by_answer) => by_answer,
        None => by_route.entry(route.to_owned()).or_default(),
    };
    let tally = by_answer.entry((method, status.as_u16())).or_default();
    let seconds = elapsed.as_secs_f64();
    tally.count += 1;
    tally.seconds += seconds;
    if let Some(bucket) = BUCKETS.iter().position(|&bound| seconds <= bound) {
        tally.buckets[bucket] += 1;
    }
}

/// Appends both families in the Prometheus text format, summed over the threads.
pub fn render(out: &mut String) {
    let mut answers: BTreeMap<[String; 4], Tally> = BTreeMap::new();
    for tallies in TALLIES.iter() {
        let tallies = tallies.lock().unwrap_or_else(PoisonError::into_inner);
        for (tenant, by_route) in tallies.iter() {
            for (route, by_answer) in by_route {
                for ((method, status), tally) in by_answer {
                    let labels = [tenant, route, *method, &status.to_string()].map(escape);
                    answers.entry(labels).or_default().add(tally);
                }
            }
        }
    }
    if answers.is_empty() {
        return;
    }
    let mut durations: BTreeMap<&[String], Tally> = BTreeMap::new();
    for (labels, tally) in &answers {
        durations.entry(&labels[..3]).or_default().add(tally);
    }
    let _ = write_families(out, &answers, &durations);
}

fn write_families(
    out: &mut String,
    answers: &BTreeMap<[String; 4], Tally>,
    durations: &BTreeMap<&[String], Tally>,
) -> std::fmt::Result {
    writeln!(out, "# HELP {HTTP_REQUESTS} HTTP requests answered, by tenant, route template, method and status")?;
    writeln!(out, "# TYPE {HTTP_REQUESTS} counter")?;
    for ([tenant, route, method, status], tally) in answers {
        let labels = format!("tenant=\"{tenant}\",route=\"{route}\",method=\"{method}\"");
        writeln!(
            out,
            "{HTTP_REQUESTS}{{{labels},status=\"{status}\"}} {}",
            tally.count
        )?;
    }
    writeln!(out, "# HELP {HTTP_DURATION} time to answer an HTTP request")?;
    writeln!(out, "# TYPE {HTTP_DURATION} histogram")?;
    for (labels, tally) in durations {
        let labels = format!(
            "tenant=\"{}\",route=\"{}\",method=\"{}\"",
            labels[0], labels[1], labels[2]
        );
        let mut below = 0;
        for (bound, count) in BUCKETS.iter().zip(tally.buckets) {
            below += count;
            writeln!(
                out,
                "{HTTP_DURATION}_bucket{{{labels},le=\"{bound}\"}} {below}"
            )?;
        }
        writeln!(
            out,
            "{HTTP_DURATION}_bucket{{{labels},le=\"+Inf\"}} {}",
            tally.count
        )?;
        writeln!(out, "{HTTP_DURATION}_sum{{{labels}}} {}", tally.seconds)?;
        writeln!(out, "{HTTP_DURATION}_count{{{labels}}} {}", tally.count)?;
    }
    Ok(())
}

/// A label value as the text format quotes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::http::StatusCode;

    use super::{record_request, render};

    #[test]
    fn answers_from_every_thread_are_summed_into_cumulative_buckets() {
        let route = "/series-test/{id}";
        let record = |status, micros| {
            let elapsed = Duration::from_micros(micros);
            record_request("series-test", route, "GET", status, elapsed);
        };
        record(StatusCode::OK, 50);
        std::thread::scope(|threads| {
            threads.spawn(|| record(StatusCode::OK, 400));
            threads.spawn(|| record(StatusCode::NOT_FOUND, 9_000_000));
        });
        let mut text = String::new();
        render(&mut text);
        let labels = r#"tenant="series-test",route="/series-test/{id}",method="GET""#;
        for line in [
            format!(r#"label_gateway_http_requests_total{{{labels},status="200"}} 2"#),
            format!(r#"label_gateway_http_requests_total{{{labels},status="404"}} 1"#),
            format!(
                r#"label_gateway_http_request_duration_seconds_bucket{{{labels},le="0.0001"}} 1"#
            ),
            format!(
                r#"label_gateway_http_request_duration_seconds_bucket{{{labels},le="0.0005"}} 2"#
            ),
            format!(r#"label_gateway_http_request_duration_seconds_bucket{{{labels},le="5"}} 2"#),
            format!(
                r#"label_gateway_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} 3"#
            ),
            format!(r#"label_gateway_http_request_duration_seconds_count{{{labels}}} 3"#),
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from\n{text}"
            );
        }
    }
}
