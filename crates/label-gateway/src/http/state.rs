//! What every request shares: the tenants with their (layered) providers and their keys, which
//! a config reload replaces whole, and what outlives a reload (the cache, idempotency keys).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use label_core::LabelProvider;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::config::{Budget, Tenant};
use crate::engine::fleet::budget::VendorBudget;
use crate::engine::fleet::Fleet;
use crate::engine::idempotency::IdempotencyStore;
use crate::engine::jobs::Jobs;
use crate::engine::layers;
use crate::engine::layers::cache::Store;
use crate::http::listener::Limits;
use crate::telemetry::recorder;

pub struct TenantRuntime {
    pub id: String,
    /// The backend wrapped in the gateway's layers (cache, resilience, metrics).
    pub provider: Arc<dyn LabelProvider>,
    /// The provider's customer-id format, read once: every read of a customer parses one.
    pub customer_ids: label_core::CustomerIdFormat,
    /// Leads the tenant's `ETag`s, which otherwise digest only the labels: the same labels
    /// under another tenant or provider are another answer. 8 hex digits.
    pub etag_salt: [u8; 8],
    /// Tenants whose labels a copy job may read into this one.
    pub copy_from: Vec<String>,
    /// The pace of this tenant's jobs: `(1 - interactive_share)` of its vendor budget, when
    /// it has one.
    pub job_budget: Option<Arc<VendorBudget>>,
    /// Vendor calls one request about many customers makes at once: half the tenant's
    /// `max_in_flight`, so that other requests keep the other half.
    pub fan_out: usize,
}

impl TenantRuntime {
    fn new(id: &str, provider: Arc<dyn LabelProvider>, max_in_flight: usize) -> Self {
        let digest = Sha256::digest([id, "\0", provider.name()].concat());
        let mut etag_salt = [0; 8];
        hex::encode_to_slice(&digest[..4], &mut etag_salt).expect("4 bytes are 8 hex digits");
        Self {
            id: id.to_owned(),
            customer_ids: provider.capabilities().customer_id_format,
            provider,
            etag_salt,
            copy_from: Vec::new(),
            job_budget: None,
            fan_out: (max_in_flight / 2).max(1),
        }
    }
}

/// Every accepted key by its SHA-256, with the tenant it opens.
struct KeyEntry {
    fingerprint: [u8; 32],
    tenant: Arc<TenantRuntime>,
}

/// The tenants of one config.
pub struct Tenants {
    by_id: HashMap<String, Arc<TenantRuntime>>,
    keys: Vec<KeyEntry>,
}

/// What requests are held to, fixed at start (a reload does not change them).
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub max_body_bytes: usize,
    pub body_read_timeout: Duration,
}

pub struct Gateway {
    current: RwLock<Arc<Tenants>>,
    pub requests: RequestLimits,
    pub connection_limits: Limits,
    pub idempotency: IdempotencyStore,
    /// The one cache every tenant's reads share, sized once; its counters are for the metrics.
    pub cache: Store,
    /// What this replica shares with the others (`[state]`), fixed at start.
    pub fleet: Fleet,
    pub jobs: Jobs,
}

pub type AppState = Arc<Gateway>;

impl Gateway {
    pub fn new(config: &Config) -> Self {
        // Before the layers are built: they set their gauges as they are made.
        recorder::handle();
        let cache = Store::new(&config.cache);
        let fleet = Fleet::new(config.state.as_ref(), &cache);
        Self {
            current: RwLock::new(Arc::new(Tenants::new(config, &cache, &fleet))),
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
            idempotency: IdempotencyStore::new(&fleet, config.idempotency.max_bytes),
            jobs: Jobs::new(config, &fleet),
            cache,
            fleet,
        }
    }

    /// Serves `config`'s tenants from now on. Requests already running finish with the old
    /// ones; every tenant starts afresh (circuit closed, no calls in flight).
    pub fn reload(&self, config: &Config) {
        let tenants = Arc::new(Tenants::new(config, &self.cache, &self.fleet));
        // A tenant may now reach another vendor account: nothing kept before may answer it.
        self.cache.clear();
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = tenants;
    }

    /// `read` applied to the current tenants, under the lock rather than on a clone: every
    /// request passes here, and each clone and drop of a shared `Arc` is a write both CPUs
    /// contend for.
    pub fn with_tenants<R>(&self, read: impl FnOnce(&Tenants) -> R) -> R {
        read(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn tenant_count(&self) -> usize {
        self.with_tenants(|tenants| tenants.by_id.len())
    }

    pub fn tenant(&self, id: &str) -> Option<Arc<TenantRuntime>> {
        self.with_tenants(|tenants| tenants.get(id).cloned())
    }
}

impl Tenants {
    fn new(config: &Config, cache: &Store, fleet: &Fleet) -> Self {
        let mut by_id = HashMap::new();
        let mut keys = Vec::new();
        for tenant in &config.tenants {
            let provider = layers::wrap(tenant, &config.cache, cache, fleet);
            let mut runtime =
                TenantRuntime::new(&tenant.id, provider, tenant.resilience.max_in_flight);
            runtime.copy_from = tenant.copy_from.clone();
            runtime.job_budget = job_budget(tenant, config.jobs.interactive_share, fleet);
            let runtime = Arc::new(runtime);
            for key in &tenant.api_keys {
                keys.push(KeyEntry {
                    fingerprint: key.fingerprint(),
                    tenant: runtime.clone(),
                });
            }
            by_id.insert(tenant.id.clone(), runtime);
        }
        Self { by_id, keys }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<TenantRuntime>> {
        self.by_id.get(id)
    }

    /// The tenant a presented key opens. Every entry is compared, in constant time, so the
    /// time taken says nothing about which key or how much of it matched.
    pub fn key_owner(&self, presented: &[u8; 32]) -> Option<&Arc<TenantRuntime>> {
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

/// Jobs keep to `(1 - share)` of the tenant's vendor budget, with a burst of one call: the
/// burst is for interactive requests.
fn job_budget(tenant: &Tenant, share: f64, fleet: &Fleet) -> Option<Arc<VendorBudget>> {
    let budget = tenant.resilience.budget?;
    let per_minute = ((1.0 - share) * f64::from(budget.per_minute)).floor() as u32;
    let paced = Budget {
        per_minute: per_minute.max(1),
        burst: 1,
    };
    Some(Arc::new(VendorBudget::for_jobs(
        &tenant.id,
        paced,
        fleet.link(),
    )))
}
