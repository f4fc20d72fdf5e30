//! Running the gateway on a listener until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use futures::FutureExt;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::config::Config;
use crate::http::front::Front;
use crate::http::listener;
use crate::http::router::{admin_router, router};
use crate::http::state::{AppState, Gateway};
use crate::telemetry;

/// How long requests in flight may take to finish once shutdown has begun.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The gateway's two listeners: clients on one, metrics scrapers and probes on the other.
pub struct Listeners {
    pub public: TcpListener,
    pub admin: TcpListener,
}

impl Listeners {
    pub async fn bind(public: SocketAddr, admin: SocketAddr) -> std::io::Result<Self> {
        Ok(Self {
            public: TcpListener::bind(public).await?,
            admin: TcpListener::bind(admin).await?,
        })
    }
}

/// Serves `config` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    config: &Config,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let gateway = Arc::new(Gateway::new(config));
    serve_gateway(gateway, listeners, shutdown, SHUTDOWN_GRACE).await
}

/// Serves `gateway` until `shutdown` completes; then both listeners stop accepting and the
/// requests in flight get up to `grace` to finish.
pub async fn serve_gateway(
    gateway: AppState,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let limits = gateway.connection_limits;
    // Dropped when serving ends, or when this future is dropped (a test stopping a replica):
    // either way the jobs running here stop and their leases lapse.
    let _jobs = crate::engine::jobs::Jobs::start(&gateway.jobs);
    let webhooks = gateway.with_tenants(crate::engine::tenants::Tenants::webhooks);
    let _delivering = crate::engine::events::Events::deliver(&gateway.events, webhooks).await;
    let upkeep = tokio::spawn(telemetry::recorder::upkeep());
    let shutdown = shutdown.boxed().shared();
    let front = Front::new(gateway.clone(), router(gateway.clone()));
    let app = move |request| front.answer(request);
    // Once told to stop, the jobs running here commit their chunk in flight and hand off,
    // within the same grace as the requests.
    let hand_off = {
        let (gateway, shutdown) = (gateway.clone(), shutdown.clone());
        async move {
            shutdown.await;
            gateway.jobs.hand_off(grace).await;
        }
    };
    let admin = admin_router(gateway);
    let admin = move |request: Request<Body>| admin.clone().oneshot(request);
    let (public, admin, ()) = tokio::join!(
        listener::serve(listeners.public, app, limits, shutdown.clone(), grace),
        listener::serve(listeners.admin, admin, limits, shutdown, grace),
        hand_off,
    );
    upkeep.abort();
    public.and(admin)
}

/// A gateway started on a background task (for `demo` and the tests), with where its admin
/// listener is.
pub struct Spawned {
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    pub admin: SocketAddr,
}

/// Starts the gateway on `listener`, its admin listener at `[server] admin_listen`.
pub async fn spawn(config: &Config, listener: TcpListener) -> std::io::Result<Spawned> {
    let admin = TcpListener::bind(config.server.admin_listen).await?;
    let admin_addr = admin.local_addr()?;
    let gateway = Arc::new(Gateway::new(config));
    let listeners = Listeners {
        public: listener,
        admin,
    };
    let never = std::future::pending();
    let task = tokio::spawn(serve_gateway(gateway, listeners, never, SHUTDOWN_GRACE));
    Ok(Spawned {
        task,
        admin: admin_addr,
    })
}
