//! One key trickling request bodies on many connections while another tenant's client reads:
//! what the other tenant's requests wait (bench/slow-bodies.sh). The flood reopens every
//! connection the gateway closes, so its pressure never lets up.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Parser)]
struct Args {
    /// host:port of the gateway.
    #[arg(long)]
    addr: String,
    /// The flooding key's tenant and key.
    #[arg(long)]
    flood_tenant: String,
    #[arg(long)]
    flood_key: String,
    /// Connections the flood keeps open.
    #[arg(long)]
    connections: usize,
    /// The other tenant's path and key, read one request after another.
    #[arg(long)]
    probe_path: String,
    #[arg(long)]
    probe_key: String,
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// A probe request not answered within this counts as timed out.
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let stop = Arc::new(AtomicBool::new(false));
    let opened = Arc::new(AtomicU64::new(0));
    let mut flood = Vec::new();
    for _ in 0..args.connections {
        flood.push(tokio::spawn(trickle(
            args.addr.clone(),
            args.flood_tenant.clone(),
            args.flood_key.clone(),
            stop.clone(),
            opened.clone(),
        )));
    }
    // Let the flood take its places before the other tenant asks.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(args.timeout_ms))
        .build()
        .unwrap();
    let url = format!("http://{}{}", args.addr, args.probe_path);
    let until = Instant::now() + Duration::from_secs(args.seconds);
    let (mut waits, mut timed_out, mut failed) = (Vec::new(), 0, 0);
    while Instant::now() < until {
        let started = Instant::now();
        match client.get(&url).bearer_auth(&args.probe_key).send().await {
            Ok(answer) if answer.status().is_success() => waits.push(started.elapsed()),
            Ok(answer) => {
                failed += 1;
                eprintln!("probe answered {}", answer.status());
            }
            Err(err) if err.is_timeout() => timed_out += 1,
            Err(err) => {
                failed += 1;
                eprintln!("probe failed: {err}");
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    waits.sort();
    // Every probe timed out or failed: nothing was served, which the counts below say.
    let at = |q: f64| {
        let last = waits.len().saturating_sub(1) as f64;
        waits
            .get((last * q).round() as usize)
            .copied()
            .unwrap_or(Duration::from_millis(args.timeout_ms))
    };
    println!(
        "flood connections {} (opened {}), probe requests {}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, timed out {}, failed {}",
        args.connections,
        opened.load(Ordering::Relaxed),
        waits.len() + timed_out + failed,
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        at(1.0).as_secs_f64() * 1000.0,
        timed_out,
        failed,
    );
    for task in flood {
        task.abort();
    }
}

/// One flood connection, opened again whenever the gateway closes it: a change whose body
/// comes a byte every half second.
async fn trickle(
    addr: String,
    tenant: String,
    key: String,
    stop: Arc<AtomicBool>,
    opened: Arc<AtomicU64>,
) {
    let head = format!(
        "PATCH /v1/tenants/{tenant}/customers/123/labels HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {key}\r\nContent-Type: application/json\r\n\
         Content-Length: 100000\r\n\r\n"
    );
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut stream) = TcpStream::connect(&addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        opened.fetch_add(1, Ordering::Relaxed);
        if stream.write_all(head.as_bytes()).await.is_err() {
            continue;
        }
        let mut buffer = [0; 1024];
        loop {
            tokio::select! {
                read = stream.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => break,
                    Ok(_) => continue,
                },
                () = tokio::time::sleep(Duration::from_millis(500)) => {
                    if stream.write_all(b" ").await.is_err() { break; }
                }
            }
        }
    }
}
