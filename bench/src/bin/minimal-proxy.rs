//! The second ceiling, for the miss path: a minimal hand-written proxy. axum in, one pooled
//! reqwest client out to the Capillary vendor, the vendor's JSON parsed and written back, and
//! nothing else (no auth, no cache, no resilience, no metrics, no normalizing).

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use clap::Parser;
use label_bench::{serve, CUSTOMER_LABELS_ROUTE};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    listen: SocketAddr,
    /// The vendor's base URL (the Capillary simulator).
    #[arg(long)]
    vendor: String,
    /// The vendor's `Authorization` header value.
    #[arg(long)]
    authorization: String,
}

#[derive(Clone)]
struct Proxy {
    client: reqwest::Client,
    vendor: String,
    authorization: String,
}

async fn labels(
    State(proxy): State<Proxy>,
    Path((_tenant, customer)): Path<(String, String)>,
) -> impl IntoResponse {
    let url = format!("{}/v2/customers/{customer}/labels", proxy.vendor);
    let answer = proxy
        .client
        .get(url)
        .header(header::AUTHORIZATION, &proxy.authorization)
        .send()
        .await;
    let Ok(answer) = answer else {
        return (StatusCode::BAD_GATEWAY, Vec::new()).into_response();
    };
    let Ok(body) = answer.bytes().await else {
        return (StatusCode::BAD_GATEWAY, Vec::new()).into_response();
    };
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(value) => (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_vec(&value).unwrap_or_default(),
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_GATEWAY, Vec::new()).into_response(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let proxy = Proxy {
        client: reqwest::Client::new(),
        vendor: args.vendor,
        authorization: args.authorization,
    };
    let app = Router::new()
        .route(CUSTOMER_LABELS_ROUTE, get(labels))
        .with_state(proxy);
    serve(args.listen, app, "minimal proxy").await
}
