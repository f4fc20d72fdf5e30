//! Fills the gateway's cache: one read of each of `count` distinct customers, `concurrency` at a
//! time. Fails unless every read is a 200 that the gateway fetched from the vendor.

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use label_bench::{count_ok, Load};
use reqwest::header::HeaderMap;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    load: Load,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

/// The gateway fetched the answer from the vendor.
fn fetched(headers: &HeaderMap) -> bool {
    headers
        .get("cache-status")
        .is_some_and(|v| v.as_bytes().ends_with(b"fwd=miss"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    let Load { gateway, customers } = &args.load;
    let count = customers.count;
    let reads = customers.ids().map(|id| gateway.read(id, fetched));
    let failures = count - count_ok(reads, args.concurrency).await;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "filled {} customers in {seconds:.1} s ({:.0}/s), {failures} failed",
        count,
        count as f64 / seconds
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
