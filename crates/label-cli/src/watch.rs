//! Following a job: a progress bar (customers done of the total, their rate and the time left)
//! until the job ends, then its counts, and its failed customers written to a CSV file.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use serde_json::Value;

use super::api::Client;
use super::{Output, CUSTOMERS_FAILED};

const POLL: Duration = Duration::from_millis(500);

/// Follows the job at `url` to its end; the exit status its outcome calls for.
pub async fn follow(client: &Client, url: &str, output: &Output) -> Result<u8, String> {
    let started = Instant::now();
    let mut job = client.get(url).await?;
    let bar = ProgressBar::new(count(&job, "total"));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} customers, {rate}, ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        // indicatif's own {per_sec} prints "14,665.2108/s".
        .with_key("rate", |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = out.write_str(&rate(state.per_sec()));
        }),
    );
    while !ended(&job) {
        show(&bar, &job);
        tokio::time::sleep(POLL).await;
        job = client.get(url).await?;
    }
    show(&bar, &job);
    bar.finish_and_clear();
    let (done, failed) = (count(&job, "done"), count(&job, "failed"));
    println!(
        "job {} {}: {}, {} done, {} succeeded, {} failed; {} in {:.1} s",
        job["id"].as_str().unwrap_or_default(),
        job["state"].as_str().unwrap_or_default(),
        counted(count(&job, "total"), "customer"),
        done,
        count(&job, "succeeded"),
        failed,
        counted(job["vendor_calls"].as_u64().unwrap_or(0), "vendor call"),
        started.elapsed().as_secs_f64(),
    );
    if let Some(problem) = job.get("problem") {
        eprintln!(
            "the job could not go on: {} ({})",
            problem["detail"].as_str().unwrap_or_default(),
            problem["code"].as_str().unwrap_or_default()
        );
    }
    if failed > 0 {
        let path = output.failures.clone().unwrap_or_else(|| {
            PathBuf::from(format!(
                "{}.failures.csv",
                job["id"].as_str().unwrap_or("job")
            ))
        });
        let written = write_failures(client, url, &path).await?;
        eprintln!(
            "{} written to {}",
            counted(written as u64, "failed customer"),
            path.display()
        );
    }
    let clean = job["state"] == "succeeded" && failed == 0;
    Ok(if clean { 0 } else { CUSTOMERS_FAILED })
}

fn show(bar: &ProgressBar, job: &Value) {
    bar.set_length(count(job, "total"));
    bar.set_position(count(job, "done"));
    bar.set_message(format!(
        "({} failed, {})",
        count(job, "failed"),
        job["state"].as_str().unwrap_or_default()
    ));
}

/// `1 customer`, `2 customers`.
fn counted(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

/// `14665/s`; below 10 a second, one decimal (`0.4/s`), so that a slow job is not `0/s`.
fn rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        return "0/s".to_owned();
    }
    if per_second < 10.0 {
        return format!("{per_second:.1}/s");
    }
    format!("{}/s", per_second.round() as u64)
}

fn ended(job: &Value) -> bool {
    matches!(
        job["state"].as_str(),
        Some("succeeded" | "failed" | "cancelled")
    )
}

fn count(job: &Value, name: &str) -> u64 {
    job["counts"][name].as_u64().unwrap_or(0)
}

/// Every failed customer, page by page, as CSV: customer, problem code, detail (and the source
/// customer, for a copy).
async fn write_failures(client: &Client, url: &str, path: &PathBuf) -> Result<usize, String> {
    let mut writer =
        csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let io = |e: csv::Error| format!("{}: {e}", path.display());
    writer
        .write_record(["customer", "problem_code", "detail", "from"])
        .map_err(io)?;
    let mut written = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut page_url = format!("{url}/results?status=failed&limit=1000");
        if let Some(cursor) = &cursor {
            page_url.push_str(&format!("&cursor={cursor}"));
        }
        let page = client.get(&page_url).await?;
        for item in page["items"].as_array().into_iter().flatten() {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            let record = [
                text(&item["customer_id"]),
                text(&item["problem"]["code"]),
                text(&item["problem"]["detail"]),
                text(&item["from"]),
            ];
            writer.write_record(&record).map_err(io)?;
            written += 1;
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    writer
        .flush()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::{counted, rate};

    #[test]
    fn counts_and_rates_read_as_a_person_writes_them() {
        assert_eq!(counted(1, "customer"), "1 customer");
        assert_eq!(counted(0, "customer"), "0 customers");
        assert_eq!(counted(14_665, "vendor call"), "14665 vendor calls");
        assert_eq!(rate(14665.2108), "14665/s");
        assert_eq!(rate(0.42), "0.4/s");
        assert_eq!(rate(0.0), "0/s");
        assert_eq!(rate(f64::INFINITY), "0/s");
    }
}
