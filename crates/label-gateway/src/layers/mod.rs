//! Cross-cutting behaviour as providers that wrap providers.

pub mod cache;
mod instrument;
mod resilience;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

pub use instrument::Instrumented;
pub use resilience::Resilient;

/// A tenant's backend with every gateway layer around it.
pub struct Layered {
    pub provider: Arc<dyn LabelProvider>,
    /// The cache layer (also the outermost layer of `provider`), for the reads that the HTTP
    /// layer answers from rendered entries; `None` when the tenant's TTL is 0.
    pub cache: Option<Arc<cache::Cached>>,
}

/// The cache is outermost, so that a hit costs no deadline timer, no circuit check and no
/// vendor slot; Instrumented sits inside Resilient, so that every attempt, retries included,
/// is measured.
pub fn wrap(tenant: &Tenant, cache: &CacheConfig, store: &cache::Store) -> Layered {
    let measured = Arc::new(Instrumented::new(tenant.provider.clone(), &tenant.id));
    let resilient: Arc<dyn LabelProvider> =
        Arc::new(Resilient::new(measured, &tenant.id, &tenant.resilience));
    match cache::Cached::wrap(resilient.clone(), tenant, cache, store) {
        Some(cached) => {
            let cached = Arc::new(cached);
            Layered {
                provider: cached.clone(),
                cache: Some(cached),
            }
        }
        None => Layered {
            provider: resilient,
            cache: None,
        },
    }
}
