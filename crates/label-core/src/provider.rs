use std::sync::Arc;

use async_trait::async_trait;

use crate::capabilities::Capabilities;
use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::{Error, ErrorKind};
use crate::model::{LabelIdentity, LabelList, WriteStatus};
use crate::served::ServedSlot;

/// What travels with every call: the request's identity and what the client asked of caches.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// Sent to the vendor so that one id follows a request across both systems.
    pub request_id: String,
    /// Bypass any cached answer and refresh it from the vendor.
    pub fresh: bool,
    /// Keep each label's vendor record in `Label::raw`.
    pub include_raw: bool,
    /// Filled by a cache layer, read by the HTTP layer for `Cache-Status` and `Age`.
    pub served: ServedSlot,
}

/// The one seam between the gateway and a vendor. A backend translates its vendor's API into
/// these calls; layers (cache, resilience) wrap a provider in another one.
#[async_trait]
pub trait LabelProvider: Send + Sync + 'static {
    /// The provider's name as the API reports it (`capillary`, `trybe`, ...).
    fn name(&self) -> &'static str;

    fn capabilities(&self) -> Capabilities;

    /// The labels attached to a customer, in the order the API promises.
    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<LabelList, Error>;

    /// Every label of the vendor account, all pages walked.
    async fn catalog(&self, ctx: &CallContext) -> Result<LabelList, Error> {
        let _ = ctx;
        Err(unsupported(self.name(), "a label catalog"))
    }

    /// The catalog with its name and id lookups, which change requests resolve through. A cache
    /// layer keeps it built; without one, it is built from [`LabelProvider::catalog`] per call.
    async fn indexed_catalog(&self, ctx: &CallContext) -> Result<Arc<Catalog>, Error> {
        Ok(Arc::new(Catalog::new(self.catalog(ctx).await?)))
    }

    /// Attaches resolved labels; one status per label, in order.
    async fn attach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let _ = (ctx, customer, labels);
        Err(unsupported(self.name(), "attaching labels"))
    }

    /// Detaches resolved labels; one status per label, in order.
    async fn detach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let _ = (ctx, customer, labels);
        Err(unsupported(self.name(), "detaching labels"))
    }
}

fn unsupported(provider: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::UnsupportedOperation,
        format!("provider {provider} does not support {what}"),
    )
}
