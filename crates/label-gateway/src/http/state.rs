//! What every request shares: the tenants with their (layered) providers and their keys, which
//! a config reload replaces whole, and what outlives a reload (the cache, idempotency keys).

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::engine::events::Events;
use crate::engine::fleet::Fleet;
use crate::engine::idempotency::Idempotency;
use crate::engine::invalidation::Invalidate;
use crate::engine::jobs::Jobs;
use crate::engine::layers::cache::Store;
pub use crate::engine::tenants::{TenantRegistry, TenantRuntime, Tenants};
use crate::http::cors::Cors;
use crate::http::listener::Limits;
use crate::telemetry::recorder;

/// What requests are held to, fixed at start (a reload does not change them).
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub max_body_bytes: usize,
    pub body_read_timeout: Duration,
}

pub struct Gateway {
    /// The tenants being served, which a reload replaces; jobs read them too.
    pub tenants: Arc<TenantRegistry>,
    pub requests: RequestLimits,
    pub connection_limits: Limits,
    pub idempotency: Idempotency,
    /// The one cache every tenant's reads share, sized once; its counters are for the metrics.
    pub cache: Store,
    /// What this replica shares with the others (`[state]`), fixed at start.
    pub fleet: Fleet,
    pub jobs: Arc<Jobs>,
    /// `[server] cors_allowed_origins`, fixed at start; `None` without any.
    pub cors: Option<Arc<Cors>>,
    /// Change events: the log the feed reads and webhooks are delivered from.
    pub events: Arc<Events>,
}

pub type AppState = Arc<Gateway>;

impl Gateway {
    pub fn new(config: &Config) -> Self {
        // Before the layers are built: they set their gauges as they are made.
        recorder::handle();
        let cache = Store::new(&config.cache);
        let fleet = Fleet::new(config.state.as_ref(), Arc::new(cache.clone()));
        let events = Events::new(config, &fleet);
        let tenants = Tenants::new(config, &cache, &fleet, &events);
        let tenants = Arc::new(TenantRegistry::new(tenants));
        Self {
            requests: RequestLimits {
                max_body_bytes: config.server.max_body_bytes,
                body_read_timeout: config.server.body_read_timeout,
            },
            connection_limits: Limits {
                max_connections: config.server.max_connections,
                header_read_timeout: config.server.header_read_timeout,
                max_header_bytes: config.server.max_header_bytes,
                min_body_bytes_per_second: config.server.min_body_bytes_per_second,
                max_connections_per_key: config.server.max_connections_per_key,
            },
            idempotency: Idempotency::new(&fleet, config.idempotency.max_bytes),
            jobs: Arc::new(Jobs::new(config, &fleet, tenants.clone(), events.clone())),
            events,
            tenants,
            cache,
            fleet,
            cors: Cors::new(&config.server.cors_allowed_origins).map(Arc::new),
        }
    }

    /// Serves `config`'s tenants from now on. Requests already running finish with the old
    /// ones; every tenant starts afresh (circuit closed, no calls in flight).
    pub fn reload(&self, config: &Config) {
        let tenants = Tenants::new(config, &self.cache, &self.fleet, &self.events);
        // A tenant may now reach another vendor account: nothing kept before may answer it.
        self.cache.clear();
        let webhooks = tenants.webhooks();
        self.tenants.replace(tenants);
        // A reload re-enables the webhooks a 410 disabled, and starts and stops the others.
        let events = self.events.clone();
        tokio::spawn(async move { events.webhooks.configure(&events.feed, webhooks).await });
    }

    /// `read` applied to the current tenants (see [`TenantRegistry::with`]).
    pub fn with_tenants<R>(&self, read: impl FnOnce(&Tenants) -> R) -> R {
        self.tenants.with(read)
    }

    pub fn tenant_count(&self) -> usize {
        self.with_tenants(Tenants::count)
    }

    pub fn tenant(&self, id: &str) -> Option<Arc<TenantRuntime>> {
        self.tenants.get(id)
    }
}
