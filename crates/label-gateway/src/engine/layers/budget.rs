//! A tenant's vendor budget where calls meet it: one type, configured per use. An interactive
//! attempt ([`Budgeted::refusing`], inside `Resilient`, after the breaker and before an
//! in-flight slot) waits at most what its deadline can spare and is otherwise refused at once,
//! reserving nothing, with the time the budget next allows a call as `Retry-After`. A job's
//! call ([`Budgeted::pacing`], as a layer) waits its turn however long that is: a job's pace
//! is its budget.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use label_core::{Call, Error, ErrorKind, Layer, Temporariness};

use crate::engine::fleet::budget::{Reservation, Spent, VendorBudget};

/// A paced wait for the budget is asked for in steps of at most this: long enough that a job
/// waits calmly, short enough that the fleet-wide budget is asked again while Redis comes and
/// goes.
const STEP: Duration = Duration::from_secs(30);

pub struct Budgeted {
    budget: Arc<VendorBudget>,
    when_spent: WhenSpent,
}

/// What a call does when the budget has no cell for it soon enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhenSpent {
    /// Refused: `upstream_rate_limited`, nothing reserved.
    Refuse,
    /// Waits for the next cell, step by step.
    Wait,
}

impl Budgeted {
    /// For interactive requests, which are answered rather than held.
    pub fn refusing(budget: VendorBudget) -> Self {
        Self {
            budget: Arc::new(budget),
            when_spent: WhenSpent::Refuse,
        }
    }

    /// For jobs, which wait their turn.
    pub fn pacing(budget: Arc<VendorBudget>) -> Self {
        Self {
            budget,
            when_spent: WhenSpent::Wait,
        }
    }

    /// Leave for one call within `max_wait` (pacing: whenever the budget gives it). Dropped
    /// unused, the reservation gives its cell back.
    pub async fn reserve(&self, max_wait: Duration) -> Result<Reservation, Error> {
        loop {
            match self.budget.admit(max_wait).await {
                Ok(reservation) => return Ok(reservation),
                Err(spent) if self.when_spent == WhenSpent::Refuse => return Err(refused(spent)),
                Err(spent) => tokio::time::sleep(spent.retry_after.min(STEP)).await,
            }
        }
    }
}

#[async_trait]
impl Layer for Budgeted {
    async fn around<'a, T: Send + 'a>(&'a self, call: Call<'a, T>) -> Result<T, Error> {
        self.reserve(STEP).await?.used();
        call.run().await
    }
}

fn refused(spent: Spent) -> Error {
    Error::new(
        ErrorKind::UpstreamRateLimited,
        "the tenant's vendor budget (vendor_requests_per_minute) is spent until the time in Retry-After",
    )
    .temporary(Temporariness::NotActedOn)
    .with_retry_after(Some(spent.retry_after))
}
