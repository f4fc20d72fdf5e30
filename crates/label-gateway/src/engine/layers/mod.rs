//! Cross-cutting behaviour as providers that wrap providers: each states only what it adds.

mod budget;
pub mod cache;
mod instrument;
mod resilience;

use std::sync::Arc;

use label_core::keeper::Keeping;
use label_core::{LabelProvider, Layered};

use crate::config::{CacheConfig, Tenant};
use crate::engine::events::recorder::Recorder;
use crate::engine::events::Events;
use crate::engine::fleet::budget::VendorBudget;
use crate::engine::fleet::Fleet;

pub use budget::Budgeted;
pub use instrument::Instrumented;
pub use resilience::Resilient;

/// A tenant's backend with every gateway layer around it, from the outside in:
///
/// 1. the cache (a [`cache::Cached`] keeper), outermost, so that a hit costs no deadline timer,
///    no circuit check and no vendor slot;
/// 2. [`Resilient`]: one deadline over the exchange, retries within it, and for each attempt,
///    in this order, the circuit breaker, the time the call needs of the deadline, the vendor
///    budget ([`Budgeted`], refusing), an in-flight slot, then the call under the deadline. A
///    budget cell is given back when no slot comes; a wait for either counts as the gateway's,
///    not the vendor's, when a timeout is blamed;
/// 3. [`Instrumented`], inside the retries, so that every attempt is measured.
///
/// Around them all, the [`Recorder`] of change events: it sees each write once, after its
/// retries and after the cache (here and on the other replicas) forgot what it made stale, so
/// that a receiver reading back what an event tells of never reads an entry from before it.
pub fn wrap(
    tenant: &Tenant,
    cache: &CacheConfig,
    store: &cache::Store,
    fleet: &Fleet,
    events: &Arc<Events>,
) -> Arc<dyn LabelProvider> {
    let backend = tenant.provider.clone();
    let (name, capabilities) = (backend.name(), backend.capabilities());
    let measured = Layered::new(Instrumented::new(&tenant.id, name), backend);
    let budget = tenant
        .resilience
        .budget
        .map(|budget| Budgeted::refusing(VendorBudget::new(&tenant.id, budget, fleet.link())));
    let resilience = Resilient::new(
        &tenant.id,
        name,
        capabilities.idempotent_writes,
        &tenant.resilience,
        budget,
    );
    let resilient: Arc<dyn LabelProvider> = Arc::new(Layered::new(resilience, Arc::new(measured)));
    let kept: Arc<dyn LabelProvider> =
        match cache::Cached::wrap(resilient.clone(), tenant, cache, store, fleet.announcer()) {
            Some(cached) => Arc::new(Keeping(cached)),
            None => resilient,
        };
    let recorder = Recorder {
        inner: kept,
        events: events.clone(),
        tenant: tenant.id.as_str().into(),
        provider: name,
    };
    Arc::new(Keeping(recorder))
}
