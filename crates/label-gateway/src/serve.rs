//! Running the gateway on a listener until told to stop.

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Config;
use crate::router::router;
use crate::state::{AppState, Gateway};

/// How long requests in flight may take to finish once shutdown has begun.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `config` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    config: &Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_gateway(
        Arc::new(Gateway::new(config)),
        listener,
        shutdown,
        SHUTDOWN_GRACE,
    )
    .await
}

/// Serves `gateway` until `shutdown` completes; then stops accepting and gives the requests in
/// flight up to `grace` to finish. Past it the process may exit under them: a deploy must not
/// wait for ever on one stuck request.
pub async fn serve_gateway(
    gateway: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (stopping, stopped) = oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(());
    };
    let server = axum::serve(listener, router(gateway))
        .with_graceful_shutdown(signal)
        .into_future();
    let deadline = async move {
        match stopped.await {
            Ok(()) => tokio::time::sleep(grace).await,
            // The server ended on its own; it wins the race below.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        result = server => result,
        () = deadline => {
            tracing::warn!(grace_seconds = grace.as_secs(), "requests still in flight at the end of the grace period: stopping anyway");
            Ok(())
        }
    }
}

/// Starts the gateway on a background task; for `demo` and the tests.
pub async fn spawn(
    config: &Config,
    listener: TcpListener,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let app = router(Arc::new(Gateway::new(config)));
    tokio::spawn(async move { axum::serve(listener, app).await })
}
