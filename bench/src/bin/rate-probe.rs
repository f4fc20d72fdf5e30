//! The fleet-wide client limit of bench/rate-limits.sh, counted where the client sees it:
//! `--connections` loops per replica send the same key's reads as fast as they are answered
//! for `--seconds`; every 200's time is kept, and the most 200s in any `--window` seconds (a
//! sliding window over the exact times, not fixed buckets) is printed with the totals as
//! `key=value` words.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The replicas' base URLs.
    #[arg(long, required = true)]
    url: Vec<String>,
    #[arg(long)]
    key: String,
    #[arg(long)]
    path: String,
    #[arg(long, default_value_t = 8)]
    connections: usize,
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    #[arg(long, default_value_t = 10)]
    window: u64,
}

#[derive(Default)]
struct Counts {
    admitted_ms: Vec<u64>,
    refused: u64,
    other: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let start = Instant::now();
    let until = start + Duration::from_secs(args.seconds);
    let client = reqwest::Client::new();
    let auth = Arc::new(format!("Bearer {}", args.key));
    let mut tasks = Vec::new();
    for base in &args.url {
        for _ in 0..args.connections {
            let (client, auth) = (client.clone(), auth.clone());
            let url = format!("{base}{}", args.path);
            tasks.push(tokio::spawn(async move {
                let mut counts = Counts::default();
                while Instant::now() < until {
                    let answer = client
                        .get(&url)
                        .header("authorization", &*auth)
                        .send()
                        .await;
                    match answer.map(|a| a.status().as_u16()) {
                        Ok(200) => counts.admitted_ms.push(start.elapsed().as_millis() as u64),
                        Ok(429) => counts.refused += 1,
                        _ => counts.other += 1,
                    }
                }
                counts
            }));
        }
    }
    let mut all = Counts::default();
    for task in tasks {
        let counts = task.await.expect("a load task");
        all.admitted_ms.extend(counts.admitted_ms);
        all.refused += counts.refused;
        all.other += counts.other;
    }
    all.admitted_ms.sort_unstable();
    let window_ms = args.window * 1000;
    let (mut most, mut first) = (0, 0);
    for (last, &at) in all.admitted_ms.iter().enumerate() {
        while at - all.admitted_ms[first] >= window_ms {
            first += 1;
        }
        most = most.max(last + 1 - first);
    }
    // Fixed windows too, from the start: what a per-window counter at the client would show.
    let mut fixed = vec![0u64; args.seconds.div_ceil(args.window) as usize];
    for &at in &all.admitted_ms {
        if let Some(slot) = fixed.get_mut((at / window_ms) as usize) {
            *slot += 1;
        }
    }
    let fixed: Vec<String> = fixed.iter().map(u64::to_string).collect();
    println!(
        "admitted={} refused={} other={} max_window={} max_per_second={:.1} windows={}",
        all.admitted_ms.len(),
        all.refused,
        all.other,
        most,
        most as f64 / args.window as f64,
        fixed.join(",")
    );
    if all.other > 0 {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
