//! One tenant's protection against its vendor, and the vendor's against the tenant's traffic,
//! each concern a type of its own: a [`Deadline`] over each exchange (retries included),
//! [`retry`] of what is safe to repeat, a circuit [`breaker`], the time a call needs
//! ([`latency`]), the vendor budget (`Budgeted`) and a cap on calls in flight ([`Slots`]).
//! [`Resilient`] composes them, per attempt, in the order `layers::wrap` documents: they share
//! one deadline and one verdict on whether the vendor was called at all, so they are one layer
//! rather than five providers passing that along. Each tenant gets its own instance, so one
//! tenant's failing vendor never slows another.

mod breaker;
mod deadline;
mod latency;
mod retry;
mod slots;

use std::time::Duration;

use async_trait::async_trait;
use label_core::{Error, ErrorKind, InnerCall, Layer, Operation};
use tokio::time::Instant;
use tracing::Instrument;

use super::budget::Budgeted;
use crate::config::Resilience;
use crate::telemetry::recorder::names::{CIRCUIT_OPEN, VENDOR_CALLS, VENDOR_RETRIES};
use breaker::{Breaker, Transition};
use deadline::Deadline;
use latency::Latency;
use retry::Next;
use slots::Slots;

pub struct Resilient {
    tenant: String,
    provider: &'static str,
    /// Whether a write that may have reached the vendor can be repeated.
    idempotent_writes: bool,
    settings: Resilience,
    breaker: Breaker,
    slots: Slots,
    /// `vendor_requests_per_minute`, when the tenant has one.
    budget: Option<Budgeted>,
    latency: Latency,
}

/// Why an attempt did not produce an answer.
enum Failed {
    /// The vendor (or the way to it) failed; maybe worth another attempt.
    Vendor(Error),
    /// The gateway did not call the vendor at all (circuit open, budget spent, no slot free).
    NotCalled(Error),
}

impl Resilient {
    pub fn new(
        tenant: &str,
        provider: &'static str,
        idempotent_writes: bool,
        settings: &Resilience,
        budget: Option<Budgeted>,
    ) -> Self {
        // A (re)loaded tenant starts with its circuit closed.
        metrics::gauge!(CIRCUIT_OPEN, "tenant" => tenant.to_owned()).set(0.0);
        Self {
            tenant: tenant.to_owned(),
            provider,
            idempotent_writes,
            breaker: Breaker::new(settings.circuit_failures, settings.circuit_open),
            slots: Slots::new(settings.max_in_flight, settings.timeout),
            latency: Latency::new(settings.min_call, settings.timeout),
            settings: settings.clone(),
            budget,
        }
    }

    /// One vendor call: through the breaker, within the vendor budget and the concurrency cap,
    /// before the deadline. The budget is waited for at most what a call needs (the tenant's
    /// recent p95 vendor latency, at least `min_call_ms`), and only while the call then keeps
    /// that much of its deadline; otherwise it is refused at once and reserves nothing, so a
    /// client that honours `Retry-After` waits no longer than the budget makes it. The slot is
    /// waited for while the call keeps what it needs.
    async fn attempt<'a, T>(
        &self,
        operation: Operation,
        deadline: &mut Deadline,
        call: InnerCall<'a, T>,
    ) -> Result<T, Failed> {
        let not_called = |outcome, error| {
            self.count(operation, outcome);
            Failed::NotCalled(error)
        };
        let pass = self
            .breaker
            .admit(std::time::Instant::now())
            .map_err(|refused| not_called("circuit_open", circuit_open(refused.retry_in)))?;
        let need = self.latency.need();
        let began = Instant::now();
        let spare = deadline
            .spare(began, need)
            .map_err(|no_time| not_called("deadline", no_time))?;
        let reservation = match &self.budget {
            Some(budget) => Some(
                budget
                    .reserve(spare.min(need))
                    .await
                    .map_err(|refused| not_called("budget", refused))?,
            ),
            None => None,
        };
        let slot = self.slots.take(deadline.at() - need).await;
        deadline.waited(began.elapsed());
        // Dropping an unused reservation gives its cell back to the budget.
        let _slot = slot.map_err(|busy| not_called("in_flight", busy))?;
        if let Some(reservation) = reservation {
            reservation.used();
        }
        let given = deadline.left();
        let started = Instant::now();
        // The deadline is told to the call too: a wait for answer bytes ends before it.
        let call = label_providers::in_flight::within(deadline.at(), call());
        let result = match tokio::time::timeout_at(deadline.at(), call).await {
            Ok(result) => {
                self.latency.answered(started.elapsed());
                result
            }
            Err(_) => {
                // The inner layers never saw an answer: the count is this layer's to make.
                let vendors_fault = deadline.vendors_fault(given);
                self.count(
                    operation,
                    if vendors_fault {
                        "upstream_timeout"
                    } else {
                        "deadline"
                    },
                );
                if !vendors_fault {
                    drop(pass);
                    return Err(Failed::Vendor(deadline.timed_out()));
                }
                Err(deadline.timed_out())
            }
        };
        let result = result.map_err(|error| self.clamped(error));
        let transition = match &result {
            Err(error) if error.kind.is_vendor_failure() => pass.failure(std::time::Instant::now()),
            _ => pass.success(),
        };
        self.report(transition);
        result.map_err(Failed::Vendor)
    }

    /// A vendor's `Retry-After` is cut to `max_retry_after_seconds` before anything reads it.
    fn clamped(&self, mut error: Error) -> Error {
        error.retry_after = error
            .retry_after
            .map(|after| after.min(self.settings.max_retry_after));
        error
    }

    fn report(&self, transition: Option<Transition>) {
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
    }

    /// A call that never got an answer from the vendor, counted beside the vendor's answers
    /// under an outcome of its own (`budget`, `in_flight`, `circuit_open`, `deadline`).
    fn count(&self, operation: Operation, outcome: &'static str) {
        metrics::counter!(VENDOR_CALLS, "tenant" => self.tenant.clone(),
            "provider" => self.provider, "operation" => operation.name(), "outcome" => outcome)
        .increment(1);
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
impl Layer for Resilient {
    /// Runs `call` until it succeeds, fails for good, or the deadline leaves no room. Each
    /// attempt is a `vendor_attempt` span, this layer's own.
    async fn around<'a, T: Send + 'a>(
        &'a self,
        operation: Operation,
        call: InnerCall<'a, T>,
    ) -> Result<T, Error> {
        let mut deadline = Deadline::start(self.settings.timeout);
        let mut last: Option<Error> = None;
        for retry in 0..=self.settings.max_retries {
            let span = tracing::info_span!("vendor_attempt", attempt = retry + 1);
            let attempt = self.attempt(operation, &mut deadline, call);
            let error = match attempt.instrument(span).await {
                Ok(value) => return Ok(value),
                // A retry that cannot be made reports what the vendor did, not why we stopped.
                Err(Failed::NotCalled(error)) => return Err(last.unwrap_or(error)),
                Err(Failed::Vendor(error)) => error,
            };
            let writes = operation.writes();
            let idempotent = self.idempotent_writes && operation.repeats_like_attach();
            if retry == self.settings.max_retries || !retry::may_retry(&error, writes, idempotent) {
                return Err(error);
            }
            match retry::next(error.retry_after, retry::backoff(retry), deadline.left()) {
                Next::GiveUp => return Err(error),
                Next::WaitThenRetry(wait) => {
                    tracing::debug!(tenant = %self.tenant, error = %error, ?wait, "retrying a vendor call");
                    metrics::counter!(VENDOR_RETRIES, "tenant" => self.tenant.clone(),
                        "provider" => self.provider, "operation" => operation.name())
                    .increment(1);
                    tokio::time::sleep(wait).await;
                }
            }
            last = Some(error);
        }
        Err(last.unwrap_or_else(|| Error::new(ErrorKind::UpstreamError, "no attempt was made")))
    }
}
