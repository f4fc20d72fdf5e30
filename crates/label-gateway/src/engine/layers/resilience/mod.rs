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

use async_trait::async_trait;
use label_core::{Call, Error, ErrorKind, Layer, Operation};
use tokio::time::Instant;
use tracing::Instrument;

use super::budget::Budgeted;
use crate::config::Resilience;
use crate::telemetry::recorder::names::{CIRCUIT_OPEN, VENDOR_CALLS, VENDOR_RETRIES};
use breaker::Breaker;
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

/// How a call that went to the vendor ended.
enum Called<T> {
    /// What the vendor answered, a timeout it was given its share for included.
    Answered(Result<T, Error>),
    /// No answer before a deadline the gateway's own waits had eaten into.
    Late(Error),
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

    /// One vendor call, through each concern in turn: the breaker; the deadline, which must
    /// keep what the call needs (the tenant's recent p95 vendor latency, at least
    /// `min_call_ms`); the budget, waited for at most what the call can spare, else refused at
    /// once with nothing reserved (so a client that honours `Retry-After` waits no longer than
    /// the budget makes it); a slot, waited for while the call keeps what it needs (no slot:
    /// the budget's cell is given back); the call itself under the deadline; and the breaker
    /// told how the vendor did.
    async fn attempt<T>(&self, deadline: &mut Deadline, call: Call<'_, T>) -> Result<T, Failed> {
        let operation = call.operation;
        let not_called = |outcome, error| {
            self.count(operation, outcome);
            Failed::NotCalled(error)
        };
        let pass = self
            .breaker
            .admit(std::time::Instant::now())
            .map_err(|refused| not_called("circuit_open", refused.error()))?;
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
        match self.call(deadline, call).await {
            Called::Answered(result) => {
                pass.verdict(&self.tenant, &result);
                result.map_err(Failed::Vendor)
            }
            // The gateway's own waits took the deadline: nothing to tell the breaker.
            Called::Late(error) => Err(Failed::Vendor(error)),
        }
    }

    /// The call under the deadline, which is told to the call too (a wait for answer bytes ends
    /// before it). A timeout is the vendor's answer when the vendor had its fair share of the
    /// deadline, else the gateway's own lateness.
    async fn call<T>(&self, deadline: &Deadline, call: Call<'_, T>) -> Called<T> {
        let given = deadline.left();
        let started = Instant::now();
        let answer = label_providers::in_flight::within(deadline.at(), call.run());
        match tokio::time::timeout_at(deadline.at(), answer).await {
            Ok(result) => {
                self.latency.answered(started.elapsed());
                Called::Answered(result.map_err(|error| self.clamped(error)))
            }
            Err(_) => {
                // The inner layers never saw an answer: the count is this layer's to make.
                let vendors_fault = deadline.vendors_fault(given);
                let outcome = if vendors_fault {
                    "upstream_timeout"
                } else {
                    "deadline"
                };
                self.count(call.operation, outcome);
                match vendors_fault {
                    true => Called::Answered(Err(deadline.timed_out())),
                    false => Called::Late(deadline.timed_out()),
                }
            }
        }
    }

    /// A vendor's `Retry-After` is cut to `max_retry_after_seconds` before anything reads it.
    fn clamped(&self, mut error: Error) -> Error {
        error.retry_after = error
            .retry_after
            .map(|after| after.min(self.settings.max_retry_after));
        error
    }

    /// A call that never got an answer from the vendor, counted beside the vendor's answers
    /// under an outcome of its own (`budget`, `in_flight`, `circuit_open`, `deadline`).
    fn count(&self, operation: Operation, outcome: &'static str) {
        metrics::counter!(VENDOR_CALLS, "tenant" => self.tenant.clone(),
            "provider" => self.provider, "operation" => operation.name(), "outcome" => outcome)
        .increment(1);
    }
}

#[async_trait]
impl Layer for Resilient {
    /// Runs `call` until it succeeds, fails for good, or the deadline leaves no room. Each
    /// attempt is a `vendor_attempt` span, this layer's own.
    async fn around<'a, T: Send + 'a>(&'a self, call: Call<'a, T>) -> Result<T, Error> {
        let operation = call.operation;
        let mut deadline = Deadline::start(self.settings.timeout);
        let mut last: Option<Error> = None;
        for retry in 0..=self.settings.max_retries {
            let span = tracing::info_span!("vendor_attempt", attempt = retry + 1);
            let attempt = self.attempt(&mut deadline, call);
            let error = match attempt.instrument(span).await {
                Ok(value) => return Ok(value),
                // A retry that cannot be made reports what the vendor did, not why we stopped.
                Err(Failed::NotCalled(error)) => return Err(last.unwrap_or(error)),
                Err(Failed::Vendor(error)) => error,
            };
            let writes = operation.writes();
            let idempotent = self.idempotent_writes && operation.repeats_like_attach();
            let last_try = retry == self.settings.max_retries || operation.never_repeated();
            if last_try || !retry::may_retry(&error, writes, idempotent) {
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
