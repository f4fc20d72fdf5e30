//! A job's provider: the tenant's own (its cache, resilience and metrics layers, and through
//! them its vendor budget) with the job's pace around it: every call waits for the tenant's
//! job budget (`(1 - interactive_share)` of `vendor_requests_per_minute`, the same
//! [`Budgeted`] layer interactive requests meet, configured to wait) and is counted.
//! Interactive requests never pass here, so they keep the rest of the budget.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use label_core::{Call, Error, LabelProvider, Layer, Layered};

use crate::engine::fleet::budget::VendorBudget;
use crate::engine::layers::Budgeted;

/// Counts the job's vendor calls.
struct Counted(Arc<AtomicU64>);

/// `provider` paced by `budget` (none: only the job's concurrency bounds it), its calls
/// counted in `calls`.
pub fn paced(
    provider: Arc<dyn LabelProvider>,
    budget: Option<Arc<VendorBudget>>,
    calls: Arc<AtomicU64>,
) -> Arc<dyn LabelProvider> {
    let paced: Arc<dyn LabelProvider> = match budget {
        Some(budget) => Arc::new(Layered::new(Budgeted::pacing(budget), provider)),
        None => provider,
    };
    Arc::new(Layered::new(Counted(calls), paced))
}

#[async_trait]
impl Layer for Counted {
    async fn around<'a, T: Send + 'a>(&'a self, call: Call<'a, T>) -> Result<T, Error> {
        self.0.fetch_add(1, Ordering::Relaxed);
        call.run().await
    }
}
