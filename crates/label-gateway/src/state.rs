//! What every handler shares: the tenants with their (layered) providers and their keys, which
//! a config reload replaces whole, and what outlives a reload (idempotency keys).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use label_core::{CallContext, CustomerId, Error, LabelProvider};

use crate::config::Config;
use crate::idempotency::IdempotencyStore;
use crate::layers;
use crate::layers::cache::{Cached, Store};
use crate::listener::Limits;
use crate::rendered::{self, Rendered};

pub struct TenantRuntime {
    pub id: String,
    /// The backend wrapped in the gateway's layers (resilience, cache, ...).
    pub provider: Arc<dyn LabelProvider>,
    /// The cache layer of `provider`, when the tenant has one.
    cache: Option<Arc<Cached>>,
}

impl TenantRuntime {
    /// A customer's labels as the API answers them, from the cache where the tenant has one.
    pub async fn customer_answer(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Rendered, Error> {
        if let Some(cache) = &self.cache {
            return cache.customer_answer(ctx, customer).await;
        }
        let labels = self.provider.customer_labels(ctx, customer).await?;
        rendered::customer_labels(&self.id, customer, self.provider.name(), &labels)
    }

    /// The customer's labels and their age in seconds at `now` when the cache holds them
    /// (counted as a hit); `None` leaves the read to [`Self::customer_answer`], which counts it.
    pub fn cached_answer(&self, customer: &CustomerId, now: Instant) -> Option<(Rendered, u64)> {
        self.cache.as_ref()?.live_answer(customer, now)
    }
}

/// Every accepted key by its SHA-256, with the tenant it opens.
struct KeyEntry {
    fingerprint: [u8; 32],
    tenant: Arc<TenantRuntime>,
}

/// The tenants of one config. A request reads it once and keeps it, so a reload never changes
/// the tenants under a request in flight.
struct Tenants {
    tenants: HashMap<String, Arc<TenantRuntime>>,
    keys: Vec<KeyEntry>,
}

pub struct Gateway {
    current: RwLock<Arc<Tenants>>,
    /// Fixed at start: the router's body limit and the listener are built once (a reload does
    /// not change them).
    pub max_body_bytes: usize,
    pub connection_limits: Limits,
    pub idempotency: IdempotencyStore,
    /// The one cache every tenant's reads share, sized once; its counters are for the metrics.
    pub cache: Store,
}

pub type AppState = Arc<Gateway>;

impl Gateway {
    pub fn new(config: &Config) -> Self {
        // Before the layers are built: they set their gauges as they are made.
        crate::telemetry::handle();
        let cache = Store::new(&config.cache);
        Self {
            current: RwLock::new(Arc::new(Tenants::new(config, &cache))),
            max_body_bytes: config.server.max_body_bytes,
            connection_limits: Limits {
                max_connections: config.server.max_connections,
                header_read_timeout: config.server.header_read_timeout,
                max_header_bytes: config.server.max_header_bytes,
            },
            idempotency: IdempotencyStore::new(),
            cache,
        }
    }

    /// Serves `config`'s tenants from now on. Requests already running finish with the old
    /// ones; every tenant starts afresh (circuit closed, no calls in flight).
    pub fn reload(&self, config: &Config) {
        let tenants = Arc::new(Tenants::new(config, &self.cache));
        // A tenant may now reach another vendor account: nothing cached before may answer it.
        self.cache.clear();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = tenants;
    }

    fn tenants(&self) -> Arc<Tenants> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn tenant_count(&self) -> usize {
        self.tenants().tenants.len()
    }

    pub fn tenant(&self, id: &str) -> Option<Arc<TenantRuntime>> {
        self.tenants().tenants.get(id).cloned()
    }

    pub fn tenant_for_key(&self, presented: &[u8; 32]) -> Option<Arc<TenantRuntime>> {
        self.with_key_owner(presented, Arc::clone)
    }

    /// `answer` applied to the tenant a presented key opens, under the lock rather than on
    /// clones of the tenants or the tenant: every request passes here, and each clone and drop
    /// of a shared `Arc` is a write both CPUs contend for.
    pub fn with_key_owner<R>(
        &self,
        presented: &[u8; 32],
        answer: impl FnOnce(&Arc<TenantRuntime>) -> R,
    ) -> Option<R> {
        let tenants = self.current.read().unwrap_or_else(|p| p.into_inner());
        tenants.tenant_for_key(presented).map(answer)
    }
}

impl Tenants {
    fn new(config: &Config, cache: &Store) -> Self {
        let mut tenants = HashMap::new();
        let mut keys = Vec::new();
        for tenant in &config.tenants {
            let layered = layers::wrap(tenant, &config.cache, cache);
            let runtime = Arc::new(TenantRuntime {
                id: tenant.id.clone(),
                provider: layered.provider,
                cache: layered.cache,
            });
            for key in &tenant.api_keys {
                keys.push(KeyEntry {
                    fingerprint: key.fingerprint(),
                    tenant: runtime.clone(),
                });
            }
            tenants.insert(tenant.id.clone(), runtime);
        }
        Self { tenants, keys }
    }

    /// The tenant a presented key opens. Every entry is compared, in constant time, so the
    /// time taken says nothing about which key or how much of it matched.
    fn tenant_for_key(&self, presented: &[u8; 32]) -> Option<&Arc<TenantRuntime>> {
        use subtle::ConstantTimeEq;
        let mut found = None;
        for entry in &self.keys {
            if bool::from(entry.fingerprint.ct_eq(presented)) {
                found = Some(&entry.tenant);
            }
        }
        found
    }
}
