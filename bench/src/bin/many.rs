//! The client of `bench/vendors.sh`: many customers changed or read through the gateway, one
//! request per customer or one request for them all. Prints one `key=value` line of results
//! and fails unless every answer is what the benchmark expects (a 200, each customer
//! `applied` or read).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use label_bench::{count_ok, Customers, Load};
use reqwest::Method;
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    load: Load,
    #[command(subcommand)]
    run: Run,
}

#[derive(Subcommand)]
enum Run {
    /// One PATCH of a customer's labels per customer, adding the label named `name`.
    Singles {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 1)]
        concurrency: usize,
    },
    /// One PATCH of the label's customers, adding them all.
    Route {
        #[arg(long)]
        label_id: String,
    },
    /// `runs` batchGets of `count` customers each, every run on customers not read before.
    BatchReads {
        #[arg(long)]
        runs: u64,
    },
    /// `runs` times `count` single GETs, `concurrency` at a time, on customers not read before.
    SingleReads {
        #[arg(long)]
        runs: u64,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let Load { gateway, customers } = &args.load;
    let Customers { first, count } = *customers;
    let customers = |start: u64| customers.ids_from(start).map(|id| id.to_string());
    match &args.run {
        Run::Singles { name, concurrency } => {
            let started = Instant::now();
            let body = json!({"add": [{"name": name}]});
            let sent = customers(first).map(|customer| {
                let path = format!("/customers/{customer}/labels");
                let request = gateway.request(Method::PATCH, &path).json(&body);
                async move { applied(request.send().await, "results", 1).await }
            });
            report(
                count_ok(sent, *concurrency).await == count,
                format!("wall_ms={}", started.elapsed().as_millis()),
            )
        }
        Run::Route { label_id } => {
            let started = Instant::now();
            let ids: Vec<String> = customers(first).collect();
            let path = format!("/labels/{label_id}/customers");
            let request = gateway
                .request(Method::PATCH, &path)
                .json(&json!({"add": ids}));
            let ok = applied(request.send().await, "results", count as usize).await;
            report(ok, format!("wall_ms={}", started.elapsed().as_millis()))
        }
        Run::BatchReads { runs } => {
            let mut times = Vec::new();
            let mut ok = true;
            for run in 0..*runs {
                let ids: Vec<String> = customers(first + run * count).collect();
                let started = Instant::now();
                let request = gateway
                    .request(Method::POST, "/customers/labels:batchGet")
                    .json(&json!({"customer_ids": ids}));
                ok &= read_all(request.send().await, count as usize).await;
                times.push(started.elapsed());
            }
            report(ok, percentiles(&mut times))
        }
        Run::SingleReads { runs, concurrency } => {
            let mut times = Vec::new();
            let mut ok = true;
            for run in 0..*runs {
                let started = Instant::now();
                let reads =
                    customers(first + run * count).map(|customer| gateway.read(customer, |_| true));
                ok &= count_ok(reads, *concurrency).await == count;
                times.push(started.elapsed());
            }
            report(ok, percentiles(&mut times))
        }
    }
}

/// A 200 whose `results` are `expected` results, each `applied`.
async fn applied(
    response: reqwest::Result<reqwest::Response>,
    list: &str,
    expected: usize,
) -> bool {
    let Ok(response) = response else { return false };
    let ok = response.status().is_success();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let results = body[list].as_array().map(Vec::as_slice).unwrap_or_default();
    ok && results.len() == expected && results.iter().all(|r| r["status"] == "applied")
}

/// A 200 with `expected` customers, each with its labels.
async fn read_all(response: reqwest::Result<reqwest::Response>, expected: usize) -> bool {
    let Ok(response) = response else { return false };
    let ok = response.status().is_success();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let customers = body["customers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    ok && customers.len() == expected && customers.iter().all(|c| c["labels"].is_array())
}

fn percentiles(times: &mut [Duration]) -> String {
    times.sort_unstable();
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)].as_secs_f64() * 1000.0;
    format!(
        "p50_ms={:.1} p90_ms={:.1} max_ms={:.1}",
        at(50),
        at(90),
        at(100)
    )
}

fn report(ok: bool, line: String) -> ExitCode {
    println!("{line}");
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("some answers were not what the benchmark expects");
        ExitCode::FAILURE
    }
}
