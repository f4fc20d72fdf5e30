use std::sync::Arc;

use async_trait::async_trait;

use crate::capabilities::Capabilities;
use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::{Error, ErrorKind};
use crate::fetched::Fetched;
use crate::model::{LabelIdentity, LabelList, WriteStatus};

/// What travels with every call: the request's identity and what the client asked of caches.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// Sent to the vendor so that one id follows a request across both systems.
    pub request_id: String,
    /// Bypass any kept answer and refresh it from the vendor.
    pub fresh: bool,
    /// Keep each label's vendor record in `Label::raw`.
    pub include_raw: bool,
}

/// The one seam between the gateway and a vendor. A backend translates its vendor's API into
/// these calls; layers (cache, resilience, metrics) wrap a provider in another one.
#[async_trait]
pub trait LabelProvider: Send + Sync + 'static {
    /// The provider's name as the API reports it (`capillary`, `trybe`, ...).
    fn name(&self) -> &'static str;

    fn capabilities(&self) -> Capabilities;

    /// The customer's labels if they are at hand without waiting (a cache's live entry), or
    /// `None`: then [`LabelProvider::customer_labels`] gets them.
    fn customer_labels_at_hand(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Option<Result<Fetched<LabelList>, Error>> {
        let _ = (ctx, customer);
        None
    }

    /// The labels attached to a customer, in the order the API promises.
    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error>;

    /// Every label of the vendor account, all pages walked, with the lookups that change
    /// requests resolve through.
    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let _ = ctx;
        Err(unsupported(self.name(), "a label catalog"))
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

pub fn unsupported(provider: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::UnsupportedOperation,
        format!("provider {provider} does not support {what}"),
    )
}
