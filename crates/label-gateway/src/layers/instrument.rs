//! Counts and times every vendor call. It wraps the bare backend *inside* the resilience layer,
//! so each attempt is one call here: a read retried twice shows as three calls, as the vendor
//! saw them. Calls the resilience layer refused (open circuit, no free slot) never get here.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, Catalog, CustomerId, Error, LabelIdentity, LabelList, LabelProvider,
    WriteStatus,
};

use metrics::{Counter, Histogram};

use crate::telemetry::{VENDOR_CALLS, VENDOR_DURATION};

/// The count and the latency histogram of one operation's calls with one outcome.
type CallSeries = (Counter, Histogram);

pub struct Instrumented {
    inner: Arc<dyn LabelProvider>,
    tenant: String,
    /// Handles by operation and outcome (both closed sets): registering a series on every call
    /// cloned its labels and took the registry's lock.
    series: RwLock<HashMap<(&'static str, &'static str), CallSeries>>,
}

impl Instrumented {
    pub fn new(inner: Arc<dyn LabelProvider>, tenant: &str) -> Self {
        Self {
            inner,
            tenant: tenant.to_owned(),
            series: RwLock::default(),
        }
    }

    fn series(&self, operation: &'static str, outcome: &'static str) -> CallSeries {
        let known = self.series.read().unwrap_or_else(|p| p.into_inner());
        if let Some(handles) = known.get(&(operation, outcome)) {
            return handles.clone();
        }
        drop(known);
        let provider = self.inner.name();
        let handles = (
            metrics::counter!(VENDOR_CALLS, "tenant" => self.tenant.clone(),
                "provider" => provider, "operation" => operation, "outcome" => outcome),
            metrics::histogram!(VENDOR_DURATION, "tenant" => self.tenant.clone(),
                "provider" => provider, "operation" => operation),
        );
        let mut known = self.series.write().unwrap_or_else(|p| p.into_inner());
        known.insert((operation, outcome), handles.clone());
        handles
    }

    async fn measure<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let result = call.await;
        let elapsed = started.elapsed();
        // "ok", or the error kind: a closed set of codes, never vendor text.
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.kind.code(),
        };
        tracing::Span::current().record("outcome", outcome);
        tracing::debug!(
            outcome,
            elapsed_us = elapsed.as_micros() as u64,
            "vendor call answered"
        );
        let (calls, duration) = self.series(operation, outcome);
        calls.increment(1);
        duration.record(elapsed);
        result
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl LabelProvider for Instrumented {
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
        self.measure("customer_labels", self.inner.customer_labels(ctx, customer))
            .await
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<LabelList, Error> {
        // What the provider cannot do is answered at once, without a vendor call to count.
        if !self.capabilities().catalog {
            return self.inner.catalog(ctx).await;
        }
        self.measure("catalog", self.inner.catalog(ctx)).await
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
        self.measure("attach", self.inner.attach(ctx, customer, labels))
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
        self.measure("detach", self.inner.detach(ctx, customer, labels))
            .await
    }
}
