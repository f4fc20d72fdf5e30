//! The accept loop: hyper with a cap on open connections and a deadline for request headers,
//! which `axum::serve` does not offer. A client that opens connections and never finishes its
//! headers (slow loris) holds nothing for long, and a flood of connections waits in the
//! kernel's backlog instead of exhausting the gateway's sockets and memory.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::front::Front;
use header_timer::Deadlines;

mod header_timer;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
}

/// Serves `app` until `shutdown` completes, then stops accepting and lets open connections
/// finish for up to `grace`: past it the process may exit under them, since a deploy must not
/// wait for ever on one stuck request.
pub async fn serve(
    listener: TcpListener,
    app: Front,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
    grace: Duration,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let deadlines = Deadlines::new(limits.header_read_timeout);
    let watching = tokio::spawn(deadlines.clone().watch());
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = service_fn(move |request| app.answer(request));
        // A builder per connection: the header deadline's timer is the connection's own.
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(deadlines.timer())
            .header_read_timeout(limits.header_read_timeout);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(grace) => tracing::warn!(
            grace_seconds = grace.as_secs(),
            "requests still in flight at the end of the grace period: stopping anyway"
        ),
    }
    watching.abort();
    Ok(())
}
