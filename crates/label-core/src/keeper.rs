//! A layer that keeps something of what passes through it, written once: a [`Keeper`] states
//! only the reads it may answer itself (a cache) and what it does after a write (the cache drops
//! what the write may have changed; the gateway's change events record what the vendor
//! confirmed), and [`Keeping`] forwards everything else of [`LabelProvider`] to the provider it
//! wraps. A method added to the trait is added once here (the `deny` below makes sure), not in
//! every keeper.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::bulk::{CreatedLabel, CustomerOutcome, Members, MembersPage};
use crate::capabilities::Capabilities;
use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::Error;
use crate::fetched::Fetched;
use crate::model::{LabelList, WriteStatus};
use crate::passthrough::{PassthroughAnswer, PassthroughRequest};
use crate::provider::{CallContext, LabelProvider};
use crate::requests::{LabelChange, ManyChange, NewLabel};

/// What a write may have changed, told to a [`Keeper`] after it, whatever its outcome: a change
/// that failed part-way, or on the way back, may still have changed the vendor.
#[derive(Debug, Clone, Copy)]
pub enum Changed<'a> {
    /// These customers' labels.
    Customers(&'a [CustomerId]),
    /// The catalog: a label was (maybe) created.
    Catalog,
    /// Anything of the tenant: a passthrough write the tenant's allow-list says may change
    /// what the gateway keeps.
    Everything,
}

/// A write the vendor answered, with what it said of each label or customer. A write that
/// failed is never told: the vendor confirmed nothing.
#[derive(Debug, Clone, Copy)]
pub enum Written<'a> {
    /// One customer's labels: one status per label, in order.
    Labels {
        change: LabelChange<'a>,
        statuses: &'a [WriteStatus],
    },
    /// A label created in the catalog.
    Created(&'a CreatedLabel),
    /// One label, many customers: one outcome per customer, in order.
    Many {
        change: ManyChange<'a>,
        outcomes: &'a [CustomerOutcome],
    },
}

/// What a layer that keeps answers adds (OpenDAL's `LayeredAccess`, for reads): the reads it
/// may answer itself, reading through [`Keeper::inner`] when it cannot (by default it reads
/// through), and what it does after each write (by default nothing). Its reads are dispatched statically from [`Keeping`], so a kept answer costs no
/// boxed future beyond the provider call's own.
pub trait Keeper: Send + Sync + 'static {
    /// The provider it wraps, which answers every call the keeper does not.
    fn inner(&self) -> &Arc<dyn LabelProvider>;

    fn customer_labels_at_hand(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Option<Result<Fetched<LabelList>, Error>> {
        self.inner().customer_labels_at_hand(ctx, customer)
    }

    fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> impl Future<Output = Result<Fetched<LabelList>, Error>> + Send {
        async move { self.inner().customer_labels(ctx, customer).await }
    }

    fn catalog(
        &self,
        ctx: &CallContext,
    ) -> impl Future<Output = Result<Fetched<Arc<Catalog>>, Error>> + Send {
        async move { self.inner().catalog(ctx).await }
    }

    fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> impl Future<Output = Result<Vec<Result<Fetched<LabelList>, Error>>, Error>> + Send {
        async move { self.inner().customers_labels(ctx, customers).await }
    }

    fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> impl Future<Output = Result<Fetched<LabelList>, Error>> + Send {
        async move { self.inner().search_catalog(ctx, text).await }
    }

    /// After every write, whatever its outcome.
    fn changed(&self, changed: Changed<'_>) -> impl Future<Output = ()> + Send {
        let _ = changed;
        async {}
    }

    /// After each write the vendor answered, with what it said, before the write's caller sees
    /// the answer.
    fn written(&self, ctx: &CallContext, written: Written<'_>) -> impl Future<Output = ()> + Send {
        let _ = (ctx, written);
        async {}
    }
}

/// A [`Keeper`] as a provider: its reads, its inner provider's writes followed by
/// [`Keeper::changed`], and the inner provider for everything else.
pub struct Keeping<K>(pub K);

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<K: Keeper> LabelProvider for Keeping<K> {
    fn name(&self) -> &'static str {
        self.0.inner().name()
    }

    fn capabilities(&self) -> Capabilities {
        self.0.inner().capabilities()
    }

    fn customer_labels_at_hand(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Option<Result<Fetched<LabelList>, Error>> {
        self.0.customer_labels_at_hand(ctx, customer)
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        self.0.customer_labels(ctx, customer).await
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        self.0.catalog(ctx).await
    }

    async fn change_labels(
        &self,
        ctx: &CallContext,
        change: LabelChange<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let result = self.0.inner().change_labels(ctx, change).await;
        if let Ok(statuses) = &result {
            let written = Written::Labels { change, statuses };
            self.0.written(ctx, written).await;
        }
        let customers = std::slice::from_ref(change.customer);
        self.0.changed(Changed::Customers(customers)).await;
        result
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let result = self.0.inner().create_label(ctx, label).await;
        if let Ok(created) = &result {
            self.0.written(ctx, Written::Created(created)).await;
        }
        self.0.changed(Changed::Catalog).await;
        result
    }

    async fn members(&self, ctx: &CallContext, page: MembersPage<'_>) -> Result<Members, Error> {
        self.0.inner().members(ctx, page).await
    }

    async fn change_many(
        &self,
        ctx: &CallContext,
        change: ManyChange<'_>,
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let result = self.0.inner().change_many(ctx, change).await;
        if let Ok(outcomes) = &result {
            let written = Written::Many { change, outcomes };
            self.0.written(ctx, written).await;
        }
        self.0.changed(Changed::Customers(change.customers)).await;
        result
    }

    async fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        self.0.customers_labels(ctx, customers).await
    }

    async fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        self.0.search_catalog(ctx, text).await
    }

    /// Passed through; a successful write whose allow-list entry says so drops everything kept
    /// for the tenant (a failed one did not change the vendor, or said nothing of what it did).
    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        let result = self.0.inner().passthrough(ctx, request).await;
        let succeeded = result.as_ref().is_ok_and(PassthroughAnswer::is_success);
        if request.invalidates_tenant && !request.reads() && succeeded {
            self.0.changed(Changed::Everything).await;
        }
        result
    }
}
