//! Cross-cutting behaviour as providers that wrap providers.

mod resilience;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

pub use resilience::Resilient;

/// The backend of a tenant with every gateway layer around it.
pub fn wrap(tenant: &Tenant, _cache: &CacheConfig) -> Arc<dyn LabelProvider> {
    Arc::new(Resilient::new(
        tenant.provider.clone(),
        &tenant.id,
        &tenant.resilience,
    ))
}
