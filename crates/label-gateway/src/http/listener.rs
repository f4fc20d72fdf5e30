//! The accept loop: HTTP/1.1 only, with a deadline for every request head, a bound on its size
//! and a cap on open connections, none of which `axum::serve` offers.
//!
//! Every connection must deliver a complete request head within `header_read_timeout` of being
//! accepted, and again within it of its previous answer, whatever it sends or does not send:
//! hyper's HTTP/1 server starts that deadline as soon as it waits for a head. (hyper-util's
//! automatic HTTP/1-or-2 server first waited, without any deadline, for the bytes that tell the
//! two apart, and then served cleartext HTTP/2 with no deadline at all; cleartext HTTP/2 is now
//! refused.) At the connection cap, the connection that has waited longest for a head is closed
//! to make room, so that idle or silent sockets can never keep out clients that send requests;
//! a connection reading a body slowest is closed before any of those ([`pace`]).
//! An answer given before its request's body was read says `Connection: close` ([`unread`]).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use header_timer::Deadlines;
use pace::Readers;
pub use pace::{stopped as body_stopped, BodyStopped, Reader as BodyReader};

mod header_timer;
mod pace;
mod unread;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    /// The most a request head (request line and headers) may weigh; over it, 431.
    pub max_header_bytes: usize,
    /// A body must keep arriving at this pace once read from, after [`pace::GRACE`].
    pub min_body_bytes_per_second: u64,
    /// Connections one API key may have reading a body at once (counted by the application,
    /// which knows keys, through [`BodyReader::claim`]).
    pub max_connections_per_key: usize,
}

/// Serves every connection with `app` until `shutdown` completes, then stops accepting and lets
/// open connections finish for up to `grace`: past it the process may exit under them, since a
/// deploy must not wait for ever on one stuck request.
pub async fn serve<App, Answer>(
    listener: TcpListener,
    app: App,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
    grace: Duration,
) -> std::io::Result<()>
where
    App: Fn(Request<Body>) -> Answer + Clone + Send + Sync + 'static,
    Answer: Future<Output = Result<Response<Body>, Infallible>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let deadlines = Deadlines::new(limits.header_read_timeout);
    let watching = tokio::spawn(deadlines.clone().watch());
    let readers = Readers::new(limits.min_body_bytes_per_second);
    let pacing = tokio::spawn(readers.clone().watch(deadlines.tick()));
    tokio::pin!(shutdown);
    loop {
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
        let permit = tokio::select! {
            permit = room(&permits, &deadlines, &readers) => permit,
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let readers = readers.clone();
        let answer = move |request: Request<Incoming>| {
            let (request, read_to_end) = unread::watch(request, &readers);
            let answer = app(request);
            async move {
                let mut response = answer.await?;
                read_to_end.mark(&mut response);
                Ok::<_, Infallible>(response)
            }
        };
        // A builder per connection: the header deadline's timer is the connection's own.
        let connection = http1::Builder::new()
            .timer(deadlines.timer())
            .header_read_timeout(limits.header_read_timeout)
            .max_buf_size(limits.max_header_bytes)
            .serve_connection(TokioIo::new(stream), service_fn(answer));
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
    pacing.abort();
    Ok(())
}

/// A connection slot. At the cap, the connection reading a body slowest is closed to make
/// room, else the one that has waited longest for its first request head; only when no slot
/// frees for [`PATIENCE`] is a connection idle between requests closed too. While every
/// connection is busy serving a request, this waits for the first to end (one accepted a moment
/// ago may not wait for its head yet: looked at again each tick).
async fn room(
    permits: &Arc<Semaphore>,
    deadlines: &Deadlines,
    readers: &Readers,
) -> OwnedSemaphorePermit {
    let mut patience_spent = false;
    loop {
        if let Ok(permit) = permits.clone().try_acquire_owned() {
            return permit;
        }
        let evicted = readers.evict_slowest(deadlines.tick())
            || deadlines.evict_longest_waiting(patience_spent);
        let look_again = if evicted {
            Duration::MAX
        } else {
            deadlines.tick().min(PATIENCE)
        };
        tokio::select! {
            permit = permits.clone().acquire_owned() => return permit.expect("the semaphore is never closed"),
            () = sleep_at_most(look_again) => patience_spent = true,
        }
    }
}

/// How long a new connection waits at the cap for a slot to free before a client's idle
/// keep-alive connection is closed for it: under a flood of short-lived connections slots free
/// every moment, and the clients already being served keep their connections.
const PATIENCE: Duration = Duration::from_millis(100);

async fn sleep_at_most(duration: Duration) {
    match tokio::time::Instant::now().checked_add(duration) {
        Some(until) => tokio::time::sleep_until(until).await,
        None => std::future::pending().await,
    }
}
