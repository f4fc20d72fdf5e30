//! A webhook receiver for `bench/events.sh`: answers every POST to `/hook` with 204 at once and
//! keeps, per event, the time from its recording (the ms of its UUIDv7 id) to its arrival.
//! `GET /stats` answers `{"count", "unique", "p50_ms", "p99_ms", "max_ms", "first_ms",
//! "last_ms"}`; `POST /reset` forgets. Prints its URL on the first line of stdout.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(Default)]
struct Seen {
    latencies: Vec<u64>,
    ids: HashSet<String>,
    first_ms: u64,
    last_ms: u64,
}

type Shared = Arc<Mutex<Seen>>;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The ms a UUIDv7 (`evt_0193…`) was made at: its first 48 bits.
fn made_ms(id: &str) -> Option<u64> {
    let hex: String = id
        .strip_prefix("evt_")?
        .chars()
        .filter(|c| *c != '-')
        .take(12)
        .collect();
    u64::from_str_radix(&hex, 16).ok()
}

async fn hook(State(seen): State<Shared>, headers: HeaderMap) -> StatusCode {
    let now = now_ms();
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut seen = seen.lock().unwrap();
    if let Some(made) = made_ms(&id) {
        seen.latencies.push(now.saturating_sub(made));
    }
    if seen.first_ms == 0 {
        seen.first_ms = now;
    }
    seen.last_ms = now;
    seen.ids.insert(id);
    StatusCode::NO_CONTENT
}

async fn stats(State(seen): State<Shared>) -> Json<Value> {
    let seen = seen.lock().unwrap();
    let mut sorted = seen.latencies.clone();
    sorted.sort_unstable();
    let at = |q: f64| {
        if sorted.is_empty() {
            0
        } else {
            sorted[((sorted.len() - 1) as f64 * q).round() as usize]
        }
    };
    Json(json!({
        "count": sorted.len(), "unique": seen.ids.len(),
        "p50_ms": at(0.5), "p99_ms": at(0.99), "max_ms": at(1.0),
        "first_ms": seen.first_ms, "last_ms": seen.last_ms,
    }))
}

async fn reset(State(seen): State<Shared>) -> StatusCode {
    *seen.lock().unwrap() = Seen::default();
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() {
    let seen = Shared::default();
    let app = Router::new()
        .route("/hook", post(hook))
        .route("/stats", get(stats))
        .route("/reset", post(reset))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("http://{}", listener.local_addr().expect("addr"));
    axum::serve(listener, app).await.expect("serve");
}
