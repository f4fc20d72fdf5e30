//! Cross-cutting behaviour as providers that wrap providers.

mod instrument;
mod resilience;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

pub use instrument::Instrumented;
pub use resilience::Resilient;

/// The backend of a tenant with every gateway layer around it.
pub fn wrap(tenant: &Tenant, _cache: &CacheConfig) -> Arc<dyn LabelProvider> {
    // Instrumented sits inside Resilient so that every attempt, retries included, is measured.
    let measured = Arc::new(Instrumented::new(tenant.provider.clone(), &tenant.id));
    Arc::new(Resilient::new(measured, &tenant.id, &tenant.resilience))
}
