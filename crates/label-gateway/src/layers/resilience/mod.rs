//! One tenant's protection against its vendor, and the vendor's against the tenant's traffic:
//! a deadline over each exchange (retries included), retries of what is safe to repeat, a
//! circuit breaker and a cap on concurrent calls. Each tenant gets its own instance, so one
//! tenant's failing vendor never slows another.

mod breaker;
mod retry;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, Catalog, CustomerId, Error, ErrorKind, LabelIdentity, LabelList,
    LabelProvider, Temporariness, WriteStatus,
};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tracing::Instrument;

use crate::config::Resilience;
use crate::telemetry::{CIRCUIT_OPEN, VENDOR_RETRIES};
use breaker::{Breaker, Transition};
use retry::{Call, Next};

/// A call over the tenant's `max_in_flight` waits at most this share of `timeout_ms` for a
/// slot: long enough to ride out a burst, short enough to leave the vendor call its time.
const QUEUE_SHARE: u32 = 4;

pub struct Resilient {
    inner: Arc<dyn LabelProvider>,
    tenant: String,
    settings: Resilience,
    breaker: Breaker,
    slots: Semaphore,
}

/// Why an attempt did not produce an answer.
enum Failed {
    /// The vendor (or the way to it) failed; maybe worth another attempt.
    Vendor(Error),
    /// The gateway did not call the vendor at all (circuit open, no slot free).
    NotCalled(Error),
}

impl Resilient {
    pub fn new(inner: Arc<dyn LabelProvider>, tenant: &str, settings: &Resilience) -> Self {
        // A (re)loaded tenant starts with its circuit closed.
        metrics::gauge!(CIRCUIT_OPEN, "tenant" => tenant.to_owned()).set(0.0);
        Self {
            inner,
            tenant: tenant.to_owned(),
            breaker: Breaker::new(settings.circuit_failures, settings.circuit_open),
            slots: Semaphore::new(settings.max_in_flight.clamp(1, Semaphore::MAX_PERMITS)),
            settings: settings.clone(),
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the deadline leaves no room.
    async fn call<T, F, Fut>(
        &self,
        call: Call,
        operation: &'static str,
        attempt: F,
    ) -> Result<T, Error>
    where
        F: Fn() -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, Error>> + Send,
        T: Send,
    {
        let deadline = Instant::now() + self.settings.timeout;
        let idempotent = self.inner.capabilities().idempotent_writes;
        let mut last: Option<Error> = None;
        for retry in 0..=self.settings.max_retries {
            // One span per attempt; the vendor's method, path template and status are recorded
            // beneath it by the backend's HTTP call.
            let span = tracing::info_span!("vendor_call", tenant = %self.tenant,
                provider = self.inner.name(), operation, attempt = retry + 1,
                outcome = tracing::field::Empty);
            let error = match self.attempt(deadline, &attempt).instrument(span).await {
                Ok(value) => return Ok(value),
                // A retry that cannot be made reports what the vendor did, not why we stopped.
                Err(Failed::NotCalled(error)) => return Err(last.unwrap_or(error)),
                Err(Failed::Vendor(error)) => error,
            };
            if retry == self.settings.max_retries || !retry::may_retry(&error, call, idempotent) {
                return Err(error);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match retry::next(error.retry_after, retry::backoff(retry), left) {
                Next::GiveUp => return Err(error),
                Next::WaitThenRetry(wait) => {
                    tracing::debug!(tenant = %self.tenant, error = %error, ?wait, "retrying a vendor call");
                    metrics::counter!(VENDOR_RETRIES, "tenant" => self.tenant.clone(),
                        "provider" => self.inner.name(), "operation" => operation)
                    .increment(1);
                    tokio::time::sleep(wait).await;
                }
            }
            last = Some(error);
        }
        Err(last.unwrap_or_else(|| Error::new(ErrorKind::UpstreamError, "no attempt was made")))
    }

    /// One vendor call: through the breaker, within the concurrency cap, before the deadline.
    async fn attempt<T, F, Fut>(&self, deadline: Instant, attempt: &F) -> Result<T, Failed>
    where
        F: Fn() -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, Error>> + Send,
    {
        let pass = self
            .breaker
            .admit(std::time::Instant::now())
            .map_err(|refused| Failed::NotCalled(circuit_open(refused.retry_in)))?;
        let queue_until = deadline.min(Instant::now() + self.settings.timeout / QUEUE_SHARE);
        let _slot = match tokio::time::timeout_at(queue_until, self.slots.acquire()).await {
            Ok(Ok(permit)) => permit,
            _ => return Err(Failed::NotCalled(self.busy())),
        };
        let result = match tokio::time::timeout_at(deadline, attempt()).await {
            Ok(result) => result,
            Err(_) => Err(self.timed_out()),
        };
        let transition = match &result {
            Err(error) if error.kind.is_vendor_failure() => pass.failure(std::time::Instant::now()),
            _ => pass.success(),
        };
        match transition {
            Some(Transition::Opened) => {
                tracing::warn!(tenant = %self.tenant, "circuit opened: the vendor keeps failing");
                metrics::gauge!(CIRCUIT_OPEN, "tenant" => self.tenant.clone()).set(1.0);
            }
            Some(Transition::Closed) => {
                tracing::info!(tenant = %self.tenant, "circuit closed: the vendor answers again");
                metrics::gauge!(CIRCUIT_OPEN, "tenant" => self.tenant.clone()).set(0.0);
            }
            None => {}
        }
        result.map_err(Failed::Vendor)
    }

    fn timed_out(&self) -> Error {
        Error::new(
            ErrorKind::UpstreamTimeout,
            format!(
                "no vendor answer within {} ms",
                self.settings.timeout.as_millis()
            ),
        )
        .temporary(Temporariness::Temporary)
    }

    fn busy(&self) -> Error {
        Error::new(
            ErrorKind::UpstreamUnavailable,
            format!(
                "the tenant already has {} calls to its vendor in flight",
                self.settings.max_in_flight
            ),
        )
        .with_retry_after(Some(Duration::from_secs(1)))
    }
}

fn circuit_open(retry_in: Duration) -> Error {
    Error::new(
        ErrorKind::UpstreamUnavailable,
        "the circuit to the tenant's vendor is open after repeated failures",
    )
    .with_retry_after(Some(retry_in))
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl LabelProvider for Resilient {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<LabelList, Error> {
        self.call(Call::Read, "customer_labels", || {
            self.inner.customer_labels(ctx, customer)
        })
        .await
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<LabelList, Error> {
        // What the provider cannot do is answered by it at once, not counted as a vendor call.
        if !self.capabilities().catalog {
            return self.inner.catalog(ctx).await;
        }
        self.call(Call::Read, "catalog", || self.inner.catalog(ctx))
            .await
    }

    async fn indexed_catalog(&self, ctx: &CallContext) -> Result<Arc<Catalog>, Error> {
        // Built from this layer's own `catalog`, so that the call goes through the layer.
        Ok(Arc::new(Catalog::new(self.catalog(ctx).await?)))
    }

    async fn attach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        if !self.capabilities().add {
            return self.inner.attach(ctx, customer, labels).await;
        }
        self.call(Call::Write, "attach", || {
            self.inner.attach(ctx, customer, labels)
        })
        .await
    }

    async fn detach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        if !self.capabilities().remove {
            return self.inner.detach(ctx, customer, labels).await;
        }
        self.call(Call::Write, "detach", || {
            self.inner.detach(ctx, customer, labels)
        })
        .await
    }
}
