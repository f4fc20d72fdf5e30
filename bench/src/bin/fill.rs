//! Fills the gateway's cache: one read of each of `count` distinct customers, `concurrency` at a
//! time. Fails unless every read is a 200 that the gateway fetched from the vendor.

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use label_bench::{count_ok, Customers, Gateway};

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    gateway: Gateway,
    #[command(flatten)]
    customers: Customers,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let count = args.customers.count;
    let reads = args.customers.ids().map(|id| {
        let request = args.gateway.read(&client, id).send();
        async move {
            let Ok(response) = request.await else {
                return false;
            };
            let missed = response
                .headers()
                .get("cache-status")
                .is_some_and(|v| v.as_bytes().ends_with(b"fwd=miss"));
            response.status().is_success() && missed && response.bytes().await.is_ok()
        }
    });
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
