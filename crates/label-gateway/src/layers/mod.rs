//! Cross-cutting behaviour as providers that wrap providers.

pub mod cache;
mod deadline;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

/// The backend of a tenant with every gateway layer around it. The cache is outermost, so that
/// a hit costs no deadline timer and no vendor slot.
pub fn wrap(tenant: &Tenant, cache: &CacheConfig, store: &cache::Store) -> Arc<dyn LabelProvider> {
    let bounded: Arc<dyn LabelProvider> = Arc::new(deadline::Deadline::new(
        tenant.provider.clone(),
        tenant.resilience.timeout,
    ));
    match cache::Cached::wrap(bounded.clone(), tenant, cache, store) {
        Some(cached) => Arc::new(cached),
        None => bounded,
    }
}
