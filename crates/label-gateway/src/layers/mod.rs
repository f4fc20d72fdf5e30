//! Cross-cutting behaviour as providers that wrap providers.

mod deadline;

use std::sync::Arc;

use label_core::LabelProvider;

use crate::config::{CacheConfig, Tenant};

/// The backend of a tenant with every gateway layer around it.
pub fn wrap(tenant: &Tenant, _cache: &CacheConfig) -> Arc<dyn LabelProvider> {
    Arc::new(deadline::Deadline::new(
        tenant.provider.clone(),
        tenant.resilience.timeout,
    ))
}
