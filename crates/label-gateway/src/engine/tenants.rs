//! The tenants of the current config, each with its provider wrapped in the gateway's layers,
//! and the registry that a config reload replaces whole. Requests find their tenant here (by
//! id or by API key); jobs look up their tenants here again at every chunk.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use label_core::LabelProvider;
use sha2::{Digest, Sha256};

use crate::config::{Budget, Config, Tenant};
use crate::engine::events::Events;
use crate::engine::fleet::budget::VendorBudget;
use crate::engine::fleet::Fleet;
use crate::engine::layers;
use crate::engine::layers::cache::Store;
use crate::engine::limits::ClientLimit;

pub struct TenantRuntime {
    pub id: String,
    /// The backend wrapped in the gateway's layers (cache, resilience, metrics).
    pub provider: Arc<dyn LabelProvider>,
    /// The provider's customer-id format, read once: every read of a customer parses one.
    pub customer_ids: label_core::CustomerIdFormat,
    /// The provider's name, read once: every answer carries it, and asking the provider goes
    /// through each of its layers.
    pub provider_name: &'static str,
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
    /// The vendor calls the tenant's clients may make past the model.
    pub passthrough: Arc<crate::config::AllowList>,
    /// Where the tenant's change events are POSTed.
    pub webhooks: Vec<crate::config::Webhook>,
}

impl TenantRuntime {
    fn new(id: &str, provider: Arc<dyn LabelProvider>, max_in_flight: usize) -> Self {
        let digest = Sha256::digest([id, "\0", provider.name()].concat());
        let mut etag_salt = [0; 8];
        hex::encode_to_slice(&digest[..4], &mut etag_salt).expect("4 bytes are 8 hex digits");
        Self {
            id: id.to_owned(),
            customer_ids: provider.capabilities().customer_id_format,
            provider_name: provider.name(),
            provider,
            etag_salt,
            copy_from: Vec::new(),
            job_budget: None,
            fan_out: (max_in_flight / 2).max(1),
            passthrough: Arc::default(),
            webhooks: Vec::new(),
        }
    }
}

/// Every accepted key by its SHA-256, with the tenant it opens and its limit, if any.
struct KeyEntry {
    fingerprint: [u8; 32],
    tenant: Arc<TenantRuntime>,
    limit: Option<Arc<ClientLimit>>,
}

/// The tenants of one config.
pub struct Tenants {
    by_id: HashMap<String, Arc<TenantRuntime>>,
    keys: Vec<KeyEntry>,
}

impl Tenants {
    pub fn new(config: &Config, cache: &Store, fleet: &Fleet, events: &Arc<Events>) -> Self {
        let mut by_id = HashMap::new();
        let mut keys = Vec::new();
        for tenant in &config.tenants {
            let provider = layers::wrap(tenant, &config.cache, cache, fleet, events);
            let mut runtime =
                TenantRuntime::new(&tenant.id, provider, tenant.resilience.max_in_flight);
            runtime.copy_from = tenant.copy_from.clone();
            runtime.passthrough = tenant.passthrough.clone();
            runtime.webhooks = tenant.webhooks.clone();
            runtime.job_budget = job_budget(tenant, config.jobs.interactive_share, fleet);
            let runtime = Arc::new(runtime);
            for (i, key) in tenant.api_keys.iter().enumerate() {
                let rate = tenant.client_rates.get(i).copied().flatten();
                let name = [tenant.id.as_str(), &i.to_string()];
                keys.push(KeyEntry {
                    fingerprint: key.fingerprint(),
                    tenant: runtime.clone(),
                    limit: rate.map(|rate| Arc::new(ClientLimit::new(rate, fleet.link(), &name))),
                });
            }
            by_id.insert(tenant.id.clone(), runtime);
        }
        Self { by_id, keys }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<TenantRuntime>> {
        self.by_id.get(id)
    }

    /// Each tenant's webhooks, by tenant id.
    pub fn webhooks(&self) -> Vec<(String, Vec<crate::config::Webhook>)> {
        self.by_id
            .iter()
            .map(|(id, tenant)| (id.clone(), tenant.webhooks.clone()))
            .collect()
    }

    pub fn count(&self) -> usize {
        self.by_id.len()
    }

    /// The tenant a presented key opens. Every entry is compared, in constant time, so the
    /// time taken says nothing about which key or how much of it matched.
    pub fn key_owner(&self, presented: &[u8; 32]) -> Option<&Arc<TenantRuntime>> {
        self.key_holder(presented).map(|(tenant, _)| tenant)
    }

    /// [`Tenants::key_owner`], with the key's limit (CONTRACT §12), if it has one.
    pub fn key_holder(
        &self,
        presented: &[u8; 32],
    ) -> Option<(&Arc<TenantRuntime>, Option<&Arc<ClientLimit>>)> {
        use subtle::ConstantTimeEq;
        let mut found = None;
        for entry in &self.keys {
            if bool::from(entry.fingerprint.ct_eq(presented)) {
                found = Some((&entry.tenant, entry.limit.as_ref()));
            }
        }
        found
    }
}

/// The tenants being served now, replaced whole by a reload: requests already running finish
/// with the tenants they started with.
pub struct TenantRegistry {
    current: RwLock<Arc<Tenants>>,
}

impl TenantRegistry {
    pub fn new(tenants: Tenants) -> Self {
        Self {
            current: RwLock::new(Arc::new(tenants)),
        }
    }

    /// Serves `tenants` from now on.
    pub fn replace(&self, tenants: Tenants) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(tenants);
    }

    /// `read` applied to the current tenants, under the lock rather than on a clone: every
    /// request passes here, and each clone and drop of a shared `Arc` is a write both CPUs
    /// contend for.
    pub fn with<R>(&self, read: impl FnOnce(&Tenants) -> R) -> R {
        read(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn get(&self, id: &str) -> Option<Arc<TenantRuntime>> {
        self.with(|tenants| tenants.get(id).cloned())
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
