//! The demo's own webhook receiver on loopback: acme's events are POSTed to it, and it prints
//! each, with whether its Standard Webhooks signature verified, as a receiver would check it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

/// The demo's webhook secret (config/demo.toml): a demo's, never one to use.
pub const DEMO_WEBHOOK_SECRET: &str = "whsec_ZGVtby13ZWJob29rLXNlY3JldC0yNC1ieXRlcyE=";

pub struct DemoReceiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    /// Events received with a valid signature.
    pub verified: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DemoReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct Shared {
    verifier: Arc<standardwebhooks::Webhook>,
    verified: Arc<AtomicU64>,
}

impl DemoReceiver {
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        let verifier =
            standardwebhooks::Webhook::new(DEMO_WEBHOOK_SECRET).expect("the demo secret is Base64");
        let verified = Arc::new(AtomicU64::new(0));
        let shared = Shared {
            verifier: Arc::new(verifier),
            verified: verified.clone(),
        };
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(shared);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            url,
            verified,
            task,
        })
    }
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verdict = match shared.verifier.verify(&body, &headers) {
        Ok(()) => {
            shared.verified.fetch_add(1, Ordering::Relaxed);
            "signature verified"
        }
        Err(_) => "SIGNATURE INVALID",
    };
    let event: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    println!(
        "webhook received: {} {} ({verdict})",
        event["type"].as_str().unwrap_or("?"),
        event["id"].as_str().unwrap_or("?"),
    );
    StatusCode::NO_CONTENT
}
