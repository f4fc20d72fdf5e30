//! Latencies of the fleet benchmark (bench/fleet.sh) that wrk cannot take: how long after a
//! change is answered by one replica another stops answering from its entry, and what an
//! `Idempotency-Key` adds to a change.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    probe: Probe,
}

#[derive(Subcommand)]
enum Probe {
    /// Change through `a`, then read through `b` until it misses: the delay, per round.
    Invalidation {
        #[arg(long)]
        a: String,
        #[arg(long)]
        b: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        path: String,
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Changes one after another, each with (or without) its own `Idempotency-Key`.
    Changes {
        #[arg(long)]
        url: String,
        #[arg(long)]
        key: String,
        #[arg(long)]
        path: String,
        #[arg(long, default_value_t = 500)]
        rounds: usize,
        #[arg(long)]
        idempotent: bool,
    },
}

fn toggle(round: usize) -> &'static str {
    if round.is_multiple_of(2) {
        r#"{"add":[{"name":"VIP"}]}"#
    } else {
        r#"{"remove":[{"name":"VIP"}]}"#
    }
}

async fn change(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    round: usize,
    idem: Option<String>,
) -> Result<(), String> {
    let mut request = client
        .patch(url)
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(toggle(round));
    if let Some(idem) = idem {
        request = request.header("idempotency-key", idem);
    }
    let answer = request.send().await.map_err(|e| e.to_string())?;
    if answer.status() != 200 {
        return Err(format!("a change answered {}", answer.status()));
    }
    Ok(())
}

async fn cache_status(client: &reqwest::Client, url: &str, key: &str) -> Result<String, String> {
    let answer = client
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = answer
        .headers()
        .get("cache-status")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let _ = answer.bytes().await;
    Ok(status)
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{name} n={} p50_us={} p99_us={} max_us={}",
        samples.len(),
        at(0.50).as_micros(),
        at(0.99).as_micros(),
        samples.last().copied().unwrap_or_default().as_micros()
    );
}

async fn run(probe: Probe) -> Result<(), String> {
    let client = reqwest::Client::new();
    match probe {
        Probe::Invalidation {
            a,
            b,
            key,
            path,
            rounds,
        } => {
            let (on_a, on_b) = (format!("{a}{path}"), format!("{b}{path}"));
            let mut delays = Vec::with_capacity(rounds);
            for round in 0..rounds {
                cache_status(&client, &on_b, &key).await?;
                if !cache_status(&client, &on_b, &key).await?.ends_with("hit") {
                    return Err("B does not keep the customer".into());
                }
                change(&client, &on_a, &key, round, None).await?;
                let answered = Instant::now();
                loop {
                    if !cache_status(&client, &on_b, &key).await?.ends_with("hit") {
                        break;
                    }
                    if answered.elapsed() > Duration::from_secs(5) {
                        return Err("B kept its entry for 5 s".into());
                    }
                }
                delays.push(answered.elapsed());
            }
            report("invalidation", delays);
        }
        Probe::Changes {
            url,
            key,
            path,
            rounds,
            idempotent,
        } => {
            let url = format!("{url}{path}");
            let mut took = Vec::with_capacity(rounds);
            let run = std::process::id();
            for round in 0..rounds {
                let idem = idempotent.then(|| format!("probe-{run}-{round}"));
                let started = Instant::now();
                change(&client, &url, &key, round, idem).await?;
                took.push(started.elapsed());
            }
            report(if idempotent { "idempotent" } else { "plain" }, took);
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse().probe).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fleet-probe: {err}");
            ExitCode::FAILURE
        }
    }
}
