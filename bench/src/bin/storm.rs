//! Clients that hit the vendor budget, for `bench/budget-storm.sh`.
//!
//! `storm vendor DELAY_MS` starts the Capillary simulator (made-up customers) answering every
//! call after DELAY_MS, prints its base URL and serves until killed.
//! `storm clients SECONDS MODE URL...` runs, for SECONDS, one client per URL (give a URL twice
//! for two clients), each sending reads that the cache may not answer: `retry` sends again at
//! once after any answer, `polite` waits the `Retry-After` of a 429 or 503 first. Prints one
//! line: the answers by status and the median and p99 latency of the 200s, in ms.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use label_sim::capillary::{CapillarySim, DEMO_PASSWORD, DEMO_USERNAME};
use label_sim::Fault;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["vendor", delay] => vendor(delay.parse().unwrap_or(0)).await,
        ["clients", seconds, mode, urls @ ..] => {
            let seconds = seconds.parse().unwrap_or(60);
            clients(Duration::from_secs(seconds), *mode == "polite", urls).await
        }
        _ => {
            eprintln!("usage: storm vendor DELAY_MS | storm clients SECONDS retry|polite URL...");
            ExitCode::FAILURE
        }
    }
}

async fn vendor(delay_ms: u64) -> ExitCode {
    let Ok(sim) = CapillarySim::start(DEMO_USERNAME, DEMO_PASSWORD).await else {
        return ExitCode::FAILURE;
    };
    if let Ok(mut data) = sim.data.lock() {
        data.synthetic = true;
    }
    // Far more calls than a budgeted minute allows.
    sim.server
        .push_faults(100_000, Fault::delay(Duration::from_millis(delay_ms)));
    println!("{}", sim.server.base_url());
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

async fn clients(run: Duration, polite: bool, urls: &[&str]) -> ExitCode {
    let until = Instant::now() + run;
    let http = reqwest::Client::new();
    let tasks = urls.iter().map(|url| {
        let (http, url) = (http.clone(), (*url).to_owned());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            while Instant::now() < until {
                let sent = Instant::now();
                let answer = http
                    .get(&url)
                    .bearer_auth("bench-key")
                    .header("Cache-Control", "no-cache")
                    .send()
                    .await;
                let Ok(answer) = answer else {
                    seen.push((0, sent.elapsed()));
                    continue;
                };
                let status = answer.status().as_u16();
                let after = answer
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                let _ = answer.bytes().await;
                seen.push((status, sent.elapsed()));
                if let (true, Some(after)) = (polite, after) {
                    tokio::time::sleep(Duration::from_secs(after)).await;
                }
            }
            seen
        })
    });
    let mut by_status = BTreeMap::<u16, usize>::new();
    let mut ok = Vec::new();
    for task in futures::future::join_all(tasks).await {
        for (status, took) in task.unwrap_or_default() {
            *by_status.entry(status).or_default() += 1;
            if status == 200 {
                ok.push(took);
            }
        }
    }
    ok.sort_unstable();
    let at = |q: usize| ok.get((ok.len() * q / 100).min(ok.len().saturating_sub(1)));
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let statuses: Vec<String> = by_status.iter().map(|(s, n)| format!("{s}={n}")).collect();
    println!(
        "{} median_200_ms={:.1} p99_200_ms={:.1}",
        statuses.join(" "),
        ms(at(50)),
        ms(at(99))
    );
    ExitCode::SUCCESS
}
