//! Cross-cutting behaviour as providers that wrap providers.

pub mod cache;
mod instrument;
mod resilience;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

pub use instrument::Instrumented;
pub use resilience::Resilient;

/// The backend of a tenant with every gateway layer around it. The cache is outermost, so that
/// a hit costs no deadline timer, no circuit check and no vendor slot; Instrumented sits inside
/// Resilient, so that every attempt, retries included, is measured.
pub fn wrap(tenant: &Tenant, cache: &CacheConfig, store: &cache::Store) -> Arc<dyn LabelProvider> {
    let measured = Arc::new(Instrumented::new(tenant.provider.clone(), &tenant.id));
    let resilient: Arc<dyn LabelProvider> =
        Arc::new(Resilient::new(measured, &tenant.id, &tenant.resilience));
    match cache::Cached::wrap(resilient.clone(), tenant, cache, store) {
        Some(cached) => Arc::new(cached),
        None => resilient,
    }
}
