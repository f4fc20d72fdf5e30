//! Running the gateway on a listener until told to stop.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::router::router;
use crate::state::Gateway;

/// Serves `config` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    config: &Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(Arc::new(Gateway::new(config)));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Starts the gateway on a background task; for `demo` and the tests.
pub async fn spawn(
    config: &Config,
    listener: TcpListener,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let app = router(Arc::new(Gateway::new(config)));
    tokio::spawn(async move { axum::serve(listener, app).await })
}
