//! Cross-cutting behaviour as providers that wrap providers.

pub mod cache;
mod resilience;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

pub use resilience::Resilient;

/// The backend of a tenant with every gateway layer around it. The cache is outermost, so that
/// a hit costs no deadline timer, no circuit check and no vendor slot.
pub fn wrap(tenant: &Tenant, cache: &CacheConfig, store: &cache::Store) -> Arc<dyn LabelProvider> {
    let resilient: Arc<dyn LabelProvider> = Arc::new(Resilient::new(
        tenant.provider.clone(),
        &tenant.id,
        &tenant.resilience,
    ));
    match cache::Cached::wrap(resilient.clone(), tenant, cache, store) {
        Some(cached) => Arc::new(cached),
        None => resilient,
    }
}
