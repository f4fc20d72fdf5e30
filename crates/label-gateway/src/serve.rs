//! Running the gateway on a listener until told to stop.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::Config;
use crate::listener::{self, Limits};
use crate::router::router;
use crate::state::Gateway;

/// Serves `config` on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    config: &Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(Arc::new(Gateway::new(config)));
    listener::serve(listener, app, limits(config), shutdown).await
}

/// Starts the gateway on a background task; for `demo` and the tests.
pub async fn spawn(
    config: &Config,
    listener: TcpListener,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let app = router(Arc::new(Gateway::new(config)));
    let limits = limits(config);
    tokio::spawn(listener::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ))
}

fn limits(config: &Config) -> Limits {
    Limits {
        max_connections: config.server.max_connections,
        header_read_timeout: config.server.header_read_timeout,
    }
}
