//! The ceiling of the cache-hit benchmark: a bare axum handler on the gateway's route that
//! answers the bytes of a cached answer, read from a file, and does nothing else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use clap::Parser;
use label_bench::{serve, CUSTOMER_LABELS_ROUTE};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    listen: SocketAddr,
    /// The body to answer with.
    #[arg(long)]
    body: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let body = match std::fs::read(&args.body) {
        Ok(bytes) => Bytes::from(bytes),
        Err(err) => {
            eprintln!("cannot read {}: {err}", args.body.display());
            return ExitCode::FAILURE;
        }
    };
    let answer = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    };
    let app = Router::new().route(CUSTOMER_LABELS_ROUTE, get(answer));
    serve(args.listen, app, "ceiling").await
}
