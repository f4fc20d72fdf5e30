//! What every handler shares: the tenants with their (layered) providers and their keys.

use std::collections::HashMap;
use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::Config;
use crate::layers;
use crate::layers::cache::Store;

pub struct TenantRuntime {
    pub id: String,
    /// The backend wrapped in the gateway's layers (deadline, cache, ...).
    pub provider: Arc<dyn LabelProvider>,
}

/// Every accepted key by its SHA-256, with the tenant it opens.
struct KeyEntry {
    fingerprint: [u8; 32],
    tenant: Arc<TenantRuntime>,
}

pub struct Gateway {
    tenants: HashMap<String, Arc<TenantRuntime>>,
    keys: Vec<KeyEntry>,
    pub max_body_bytes: usize,
    /// The one cache every tenant's reads share; its counters are for the metrics.
    pub cache: Store,
}

pub type AppState = Arc<Gateway>;

impl Gateway {
    pub fn new(config: &Config) -> Self {
        let mut tenants = HashMap::new();
        let mut keys = Vec::new();
        let cache = Store::new(&config.cache);
        for tenant in &config.tenants {
            let runtime = Arc::new(TenantRuntime {
                id: tenant.id.clone(),
                provider: layers::wrap(tenant, &config.cache, &cache),
            });
            for key in &tenant.api_keys {
                keys.push(KeyEntry {
                    fingerprint: key.fingerprint(),
                    tenant: runtime.clone(),
                });
            }
            tenants.insert(tenant.id.clone(), runtime);
        }
        Self {
            tenants,
            keys,
            max_body_bytes: config.server.max_body_bytes,
            cache,
        }
    }

    pub fn tenant_count(&self) -> usize {
        self.tenants.len()
    }

    pub fn tenant(&self, id: &str) -> Option<&Arc<TenantRuntime>> {
        self.tenants.get(id)
    }

    /// The tenant a presented key opens. Every entry is compared, in constant time, so the
    /// time taken says nothing about which key or how much of it matched.
    pub fn tenant_for_key(&self, presented: &[u8; 32]) -> Option<Arc<TenantRuntime>> {
        use subtle::ConstantTimeEq;
        let mut found = None;
        for entry in &self.keys {
            if bool::from(entry.fingerprint.ct_eq(presented)) {
                found = Some(entry.tenant.clone());
            }
        }
        found
    }
}
