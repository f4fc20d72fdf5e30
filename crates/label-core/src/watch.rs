//! A layer that is told what the vendor confirmed, written once: a [`Watcher`] states only what
//! it does after a write that succeeded, with what the write did (the per-label or per-customer
//! outcomes) and the call's context, and [`Watched`] forwards everything of [`LabelProvider`]
//! to the provider it wraps. The gateway's change events are recorded by one.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::bulk::{CreatedLabel, CustomerOutcome, Members, MembersPage};
use crate::capabilities::Capabilities;
use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::Error;
use crate::fetched::Fetched;
use crate::model::{LabelIdentity, LabelList, Op, WriteStatus};
use crate::passthrough::{PassthroughAnswer, PassthroughRequest};
use crate::provider::{CallContext, LabelProvider};
use crate::requests::NewLabel;

/// A write the vendor answered, with what it said of each label or customer. A write that
/// failed is never told: the vendor confirmed nothing.
#[derive(Debug, Clone, Copy)]
pub enum Written<'a> {
    /// One customer's labels: one status per label, in order.
    Labels {
        op: Op,
        customer: &'a CustomerId,
        labels: &'a [LabelIdentity],
        statuses: &'a [WriteStatus],
    },
    /// A label created in the catalog.
    Created(&'a CreatedLabel),
    /// One label, many customers: one outcome per customer, in order.
    Many {
        op: Op,
        label: &'a LabelIdentity,
        customers: &'a [CustomerId],
        outcomes: &'a [CustomerOutcome],
    },
}

/// What a watching layer adds: something done after each confirmed write, before the write's
/// caller sees its answer.
pub trait Watcher: Send + Sync + 'static {
    fn written(&self, ctx: &CallContext, written: Written<'_>) -> impl Future<Output = ()> + Send;
}

/// `inner`, with `watcher` told of each write it confirmed.
pub struct Watched<W> {
    watcher: W,
    inner: Arc<dyn LabelProvider>,
}

impl<W: Watcher> Watched<W> {
    pub fn new(watcher: W, inner: Arc<dyn LabelProvider>) -> Self {
        Self { watcher, inner }
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<W: Watcher> LabelProvider for Watched<W> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn customer_labels_at_hand(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Option<Result<Fetched<LabelList>, Error>> {
        self.inner.customer_labels_at_hand(ctx, customer)
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        self.inner.customer_labels(ctx, customer).await
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        self.inner.catalog(ctx).await
    }

    async fn change_labels(
        &self,
        ctx: &CallContext,
        op: Op,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let statuses = self.inner.change_labels(ctx, op, customer, labels).await?;
        let written = Written::Labels {
            op,
            customer,
            labels,
            statuses: &statuses,
        };
        self.watcher.written(ctx, written).await;
        Ok(statuses)
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let created = self.inner.create_label(ctx, label).await?;
        self.watcher.written(ctx, Written::Created(&created)).await;
        Ok(created)
    }

    async fn members(
        &self,
        ctx: &CallContext,
        label: &LabelIdentity,
        page: MembersPage,
    ) -> Result<Members, Error> {
        self.inner.members(ctx, label, page).await
    }

    async fn change_many(
        &self,
        ctx: &CallContext,
        op: Op,
        label: &LabelIdentity,
        customers: &[CustomerId],
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let outcomes = self.inner.change_many(ctx, op, label, customers).await?;
        let written = Written::Many {
            op,
            label,
            customers,
            outcomes: &outcomes,
        };
        self.watcher.written(ctx, written).await;
        Ok(outcomes)
    }

    async fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        self.inner.customers_labels(ctx, customers).await
    }

    async fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        self.inner.search_catalog(ctx, text).await
    }

    /// A passthrough write is not told: what it changed is the vendor's to say, in a body the
    /// gateway does not read.
    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        self.inner.passthrough(ctx, request).await
    }
}
