//! Cross-cutting behaviour as a provider wrapped around a provider, written once: a [`Layer`]
//! states only what it adds around one call, keyed on the call's [`Operation`], and
//! [`Layered`] passes every method of [`LabelProvider`] through it. A layer that keeps answers
//! (a cache) is a [`Keeper`]: it states only the reads it may answer and what it does after a
//! write, and [`Keeping`] forwards everything else. A method added to the trait is added once
//! here (the `deny`s below make sure), not in every layer.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;

use crate::bulk::{CreatedLabel, CustomerOutcome, Members, MembersPage};
use crate::capabilities::Capabilities;
use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::Error;
use crate::fetched::Fetched;
use crate::model::{LabelIdentity, LabelList, Op, WriteStatus};
use crate::operation::Operation;
use crate::provider::{CallContext, LabelProvider};
use crate::requests::NewLabel;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One call of the wrapped provider. A layer may make it more than once (retries) or not at all
/// (an open circuit).
pub type InnerCall<'a, T> = &'a (dyn Fn() -> BoxFuture<'a, Result<T, Error>> + Send + Sync);

/// What a layer adds around each call of the provider it wraps.
#[async_trait]
pub trait Layer: Send + Sync + 'static {
    async fn around<'a, T: Send + 'a>(
        &'a self,
        operation: Operation,
        call: InnerCall<'a, T>,
    ) -> Result<T, Error>;
}

/// `inner` with `layer` around each of its calls. A call the provider cannot make at all
/// (see [`Operation::is_supported`]) goes straight to it: it answers at once, with no vendor
/// call for a layer to count, time or retry.
pub struct Layered<L> {
    layer: L,
    inner: Arc<dyn LabelProvider>,
}

impl<L: Layer> Layered<L> {
    pub fn new(layer: L, inner: Arc<dyn LabelProvider>) -> Self {
        Self { layer, inner }
    }

    pub fn layer(&self) -> &L {
        &self.layer
    }

    async fn through<'a, T: Send + 'a>(
        &'a self,
        operation: Operation,
        call: InnerCall<'a, T>,
    ) -> Result<T, Error> {
        if operation.is_supported(&self.inner.capabilities()) {
            self.layer.around(operation, call).await
        } else {
            call().await
        }
    }
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl<L: Layer> LabelProvider for Layered<L> {
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
        let call = || self.inner.customer_labels(ctx, customer);
        self.through(Operation::CustomerLabels, &call).await
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let call = || self.inner.catalog(ctx);
        self.through(Operation::Catalog, &call).await
    }

    async fn change_labels(
        &self,
        ctx: &CallContext,
        op: Op,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let call = || self.inner.change_labels(ctx, op, customer, labels);
        self.through(Operation::change(op), &call).await
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let call = || self.inner.create_label(ctx, label);
        self.through(Operation::CreateLabel, &call).await
    }

    async fn members(
        &self,
        ctx: &CallContext,
        label: &LabelIdentity,
        page: MembersPage,
    ) -> Result<Members, Error> {
        let call = || self.inner.members(ctx, label, page);
        self.through(Operation::Members, &call).await
    }

    async fn change_many(
        &self,
        ctx: &CallContext,
        op: Op,
        label: &LabelIdentity,
        customers: &[CustomerId],
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let call = || self.inner.change_many(ctx, op, label, customers);
        self.through(Operation::ChangeMany, &call).await
    }

    async fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        let call = || self.inner.customers_labels(ctx, customers);
        self.through(Operation::CustomersLabels, &call).await
    }

    async fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        let call = || self.inner.search_catalog(ctx, text);
        self.through(Operation::SearchCatalog, &call).await
    }
}

/// What a write may have changed, told to a [`Keeper`] after it, whatever its outcome: a change
/// that failed part-way, or on the way back, may still have changed the vendor.
#[derive(Debug, Clone, Copy)]
pub enum Changed<'a> {
    /// These customers' labels.
    Customers(&'a [CustomerId]),
    /// The catalog: a label was (maybe) created.
    Catalog,
}

/// What a layer that keeps answers adds (OpenDAL's `LayeredAccess`, for reads): the reads it
/// may answer itself, reading through [`Keeper::inner`] when it cannot, and what it does after
/// each write. Its reads are dispatched statically from [`Keeping`], so a kept answer costs no
/// boxed future beyond the provider call's own.
pub trait Keeper: Send + Sync + 'static {
    /// The provider it wraps, which answers every call the keeper does not.
    fn inner(&self) -> &Arc<dyn LabelProvider>;

    fn customer_labels_at_hand(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Option<Result<Fetched<LabelList>, Error>>;

    fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> impl Future<Output = Result<Fetched<LabelList>, Error>> + Send;

    fn catalog(
        &self,
        ctx: &CallContext,
    ) -> impl Future<Output = Result<Fetched<Arc<Catalog>>, Error>> + Send;

    fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> impl Future<Output = Result<Vec<Result<Fetched<LabelList>, Error>>, Error>> + Send;

    fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> impl Future<Output = Result<Fetched<LabelList>, Error>> + Send;

    /// After every write, whatever its outcome.
    fn changed(&self, changed: Changed<'_>) -> impl Future<Output = ()> + Send;
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
        op: Op,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let result = self
            .0
            .inner()
            .change_labels(ctx, op, customer, labels)
            .await;
        self.0
            .changed(Changed::Customers(std::slice::from_ref(customer)))
            .await;
        result
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let result = self.0.inner().create_label(ctx, label).await;
        self.0.changed(Changed::Catalog).await;
        result
    }

    async fn members(
        &self,
        ctx: &CallContext,
        label: &LabelIdentity,
        page: MembersPage,
    ) -> Result<Members, Error> {
        self.0.inner().members(ctx, label, page).await
    }

    async fn change_many(
        &self,
        ctx: &CallContext,
        op: Op,
        label: &LabelIdentity,
        customers: &[CustomerId],
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let result = self.0.inner().change_many(ctx, op, label, customers).await;
        self.0.changed(Changed::Customers(customers)).await;
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
}
