//! Counts, times and traces every vendor call. It sits *inside* the resilience layer, so each
//! attempt is one call here: a read retried twice shows as three calls, as the vendor saw them.
//! Calls the resilience layer refused (open circuit, no free slot) never get here.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Instant;

use async_trait::async_trait;
use label_core::{Call, Error, Layer, Operation};
use metrics::{Counter, Histogram};
use tracing::Instrument;

use crate::telemetry::recorder::names::{VENDOR_CALLS, VENDOR_DURATION};

/// The count and the latency histogram of one operation's calls with one outcome.
type CallSeries = (Counter, Histogram);

pub struct Instrumented {
    tenant: String,
    provider: &'static str,
    /// Handles by operation and outcome (both closed sets): registering a series on every call
    /// cloned its labels and took the registry's lock.
    series: RwLock<HashMap<(Operation, &'static str), CallSeries>>,
}

impl Instrumented {
    pub fn new(tenant: &str, provider: &'static str) -> Self {
        Self {
            tenant: tenant.to_owned(),
            provider,
            series: RwLock::default(),
        }
    }

    fn series(&self, operation: Operation, outcome: &'static str) -> CallSeries {
        let known = self.series.read().unwrap_or_else(|p| p.into_inner());
        if let Some(handles) = known.get(&(operation, outcome)) {
            return handles.clone();
        }
        drop(known);
        let handles = (
            metrics::counter!(VENDOR_CALLS, "tenant" => self.tenant.clone(),
                "provider" => self.provider, "operation" => operation.name(), "outcome" => outcome),
            metrics::histogram!(VENDOR_DURATION, "tenant" => self.tenant.clone(),
                "provider" => self.provider, "operation" => operation.name()),
        );
        let mut known = self.series.write().unwrap_or_else(|p| p.into_inner());
        known.insert((operation, outcome), handles.clone());
        handles
    }
}

#[async_trait]
impl Layer for Instrumented {
    /// One `vendor_call` span per call, this layer's own: its operation and outcome.
    async fn around<'a, T: Send + 'a>(&'a self, call: Call<'a, T>) -> Result<T, Error> {
        let operation = call.operation;
        let span = tracing::info_span!("vendor_call", tenant = %self.tenant,
            provider = self.provider, operation = operation.name(),
            outcome = tracing::field::Empty);
        let started = Instant::now();
        let result = call.run().instrument(span.clone()).await;
        let elapsed = started.elapsed();
        // "ok", or the error kind: a closed set of codes, never vendor text.
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.kind.code(),
        };
        span.record("outcome", outcome);
        span.in_scope(|| {
            tracing::debug!(
                outcome,
                elapsed_us = elapsed.as_micros() as u64,
                "vendor call answered"
            );
        });
        let (calls, duration) = self.series(operation, outcome);
        calls.increment(1);
        duration.record(elapsed);
        result
    }
}
