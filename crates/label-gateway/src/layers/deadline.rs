//! `timeout_ms` bounds the whole time a client waits on its vendor, whatever happens below.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, CustomerId, Error, ErrorKind, LabelIdentity, LabelList,
    LabelProvider, Temporariness, WriteStatus,
};

pub struct Deadline {
    inner: Arc<dyn LabelProvider>,
    limit: Duration,
}

impl Deadline {
    pub fn new(inner: Arc<dyn LabelProvider>, limit: Duration) -> Self {
        Self { inner, limit }
    }

    async fn bounded<T>(&self, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        match tokio::time::timeout(self.limit, call).await {
            Ok(result) => result,
            Err(_) => Err(Error::new(
                ErrorKind::UpstreamTimeout,
                format!("no vendor answer within {} ms", self.limit.as_millis()),
            )
            .temporary(Temporariness::Temporary)),
        }
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl LabelProvider for Deadline {
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
        self.bounded(self.inner.customer_labels(ctx, customer))
            .await
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<LabelList, Error> {
        self.bounded(self.inner.catalog(ctx)).await
    }

    async fn attach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        self.bounded(self.inner.attach(ctx, customer, labels)).await
    }

    async fn detach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        self.bounded(self.inner.detach(ctx, customer, labels)).await
    }
}
