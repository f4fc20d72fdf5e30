//! Running the gateway on a listener until told to stop.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::front::Front;
use crate::listener;
use crate::router::router;
use crate::state::{AppState, Gateway};
use crate::telemetry;

/// How long requests in flight may take to finish once shutdown has begun.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `config` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    config: &Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let gateway = Arc::new(Gateway::new(config));
    serve_gateway(gateway, listener, shutdown, SHUTDOWN_GRACE).await
}

/// Serves `gateway` until `shutdown` completes; then stops accepting and gives the requests in
/// flight up to `grace` to finish.
pub async fn serve_gateway(
    gateway: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let limits = gateway.connection_limits;
    let upkeep = tokio::spawn(telemetry::recorder::upkeep());
    let front = Front::new(gateway.clone(), router(gateway));
    let app = move |request| front.answer(request);
    let served = listener::serve(listener, app, limits, shutdown, grace).await;
    upkeep.abort();
    served
}

/// Starts the gateway on a background task; for `demo` and the tests.
pub async fn spawn(
    config: &Config,
    listener: TcpListener,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let gateway = Arc::new(Gateway::new(config));
    let never = std::future::pending();
    tokio::spawn(serve_gateway(gateway, listener, never, SHUTDOWN_GRACE))
}
