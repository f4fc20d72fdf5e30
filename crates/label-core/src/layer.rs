//! Cross-cutting behaviour as a provider wrapped around a provider, written once: a [`Layer`]
//! states only what it adds around one call, keyed on the call's [`Operation`], and
//! [`Layered`] passes every method of [`LabelProvider`] through it. A layer that keeps answers
//! (a cache) is a [`Keeper`](crate::keeper::Keeper) instead. A method added to the trait is
//! added once here (the `deny` below makes sure), not in every layer.

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
use crate::model::{LabelList, WriteStatus};
use crate::operation::Operation;
use crate::passthrough::{PassthroughAnswer, PassthroughRequest};
use crate::provider::{CallContext, LabelProvider};
use crate::requests::{LabelChange, ManyChange, NewLabel};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

type Run<'a, T> = &'a (dyn Fn() -> BoxFuture<'a, Result<T, Error>> + Send + Sync);

/// One call of the wrapped provider and which operation it is, so that a layer's signature
/// names one thing. A layer may [`run`](Call::run) it more than once (retries) or not at all
/// (an open circuit).
pub struct Call<'a, T> {
    pub operation: Operation,
    run: Run<'a, T>,
}

impl<'a, T> Call<'a, T> {
    pub fn run(&self) -> BoxFuture<'a, Result<T, Error>> {
        (self.run)()
    }
}

// By hand: a derive would ask `T: Copy`, and a call is copied whatever it answers.
impl<T> Clone for Call<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Call<'_, T> {}

/// What a layer adds around each call of the provider it wraps.
#[async_trait]
pub trait Layer: Send + Sync + 'static {
    async fn around<'a, T: Send + 'a>(&'a self, call: Call<'a, T>) -> Result<T, Error>;
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
        run: Run<'a, T>,
    ) -> Result<T, Error> {
        let call = Call { operation, run };
        if operation.is_supported(&self.inner.capabilities()) {
            self.layer.around(call).await
        } else {
            call.run().await
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
        change: LabelChange<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let call = || self.inner.change_labels(ctx, change);
        self.through(Operation::change(change.op), &call).await
    }

    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let call = || self.inner.create_label(ctx, label);
        self.through(Operation::CreateLabel, &call).await
    }

    async fn members(&self, ctx: &CallContext, page: MembersPage<'_>) -> Result<Members, Error> {
        let call = || self.inner.members(ctx, page);
        self.through(Operation::Members, &call).await
    }

    async fn change_many(
        &self,
        ctx: &CallContext,
        change: ManyChange<'_>,
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let call = || self.inner.change_many(ctx, change);
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

    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        let call = || self.inner.passthrough(ctx, request);
        let operation = match request.reads() {
            true => Operation::PassthroughRead,
            false => Operation::PassthroughWrite,
        };
        self.through(operation, &call).await
    }
}
