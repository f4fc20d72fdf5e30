//! A job's provider: the tenant's own (its cache, resilience and metrics layers, and through
//! them its vendor budget) with one layer more, which paces every call the job makes to the
//! tenant's job budget (`(1 - interactive_share)` of `vendor_requests_per_minute`) and counts
//! it. Interactive requests never pass here, so they keep the rest of the budget.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use label_core::{Error, InnerCall, LabelProvider, Layer, Layered, Operation};

use crate::engine::fleet::budget::VendorBudget;

/// A wait for the budget is asked for in steps of at most this: long enough that a job waits
/// calmly, short enough that the fleet-wide budget is asked again while Redis comes and goes.
const STEP: Duration = Duration::from_secs(30);

pub struct Pace {
    budget: Option<Arc<VendorBudget>>,
    calls: Arc<AtomicU64>,
}

/// `provider` paced by `budget` (none: only the job's concurrency bounds it), its calls
/// counted in `calls`.
pub fn paced(
    provider: Arc<dyn LabelProvider>,
    budget: Option<Arc<VendorBudget>>,
    calls: Arc<AtomicU64>,
) -> Arc<dyn LabelProvider> {
    Arc::new(Layered::new(Pace { budget, calls }, provider))
}

#[async_trait]
impl Layer for Pace {
    async fn around<'a, T: Send + 'a>(
        &'a self,
        _operation: Operation,
        call: InnerCall<'a, T>,
    ) -> Result<T, Error> {
        if let Some(budget) = &self.budget {
            loop {
                match budget.admit(STEP).await {
                    Ok(reservation) => break reservation.used(),
                    Err(spent) => tokio::time::sleep(spent.retry_after.min(STEP)).await,
                }
            }
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        call().await
    }
}
