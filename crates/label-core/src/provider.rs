use std::sync::Arc;

use async_trait::async_trait;

use crate::bulk::{CreatedLabel, CustomerOutcome, Members, MembersPage};
use crate::capabilities::Capabilities;
use crate::catalog::Catalog;
use crate::customer_id::CustomerId;
use crate::error::{Error, ErrorKind};
use crate::fetched::Fetched;
use crate::model::{LabelList, Op, WriteStatus};
use crate::passthrough::{PassthroughAnswer, PassthroughRequest};
use crate::requests::{LabelChange, ManyChange, NewLabel};

/// What travels with every call: the request's identity and what the client asked of caches.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// Sent to the vendor so that one id follows a request across both systems.
    pub request_id: String,
    /// Bypass any kept answer and refresh it from the vendor.
    pub fresh: bool,
    /// Keep each label's vendor record in `Label::raw`.
    pub include_raw: bool,
    /// The job making the call, if one is: what it changes is told as the job's.
    pub job_id: Option<Arc<str>>,
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

    /// Attaches (`Op::Add`, `Capabilities::add`) or detaches (`Capabilities::remove`) resolved
    /// labels; one status per label, in order.
    async fn change_labels(
        &self,
        ctx: &CallContext,
        change: LabelChange<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        let _ = ctx;
        let what = match change.op {
            Op::Add => "attaching labels",
            Op::Remove => "detaching labels",
        };
        Err(unsupported(self.name(), what))
    }

    /// Creates a label in the vendor's catalog (`Capabilities::create_labels`).
    async fn create_label(
        &self,
        ctx: &CallContext,
        label: &NewLabel,
    ) -> Result<CreatedLabel, Error> {
        let _ = (ctx, label);
        Err(unsupported(self.name(), "creating labels"))
    }

    /// One page of the customers that have a resolved label (`Capabilities::members`).
    async fn members(&self, ctx: &CallContext, page: MembersPage<'_>) -> Result<Members, Error> {
        let _ = (ctx, page);
        Err(unsupported(self.name(), "listing a label's customers"))
    }

    /// One vendor call attaching (`Op::Add`) or detaching a resolved label for at most
    /// `Capabilities::batch` customers; one outcome per customer, in order. Only a provider with
    /// a batch call has it: `many::change_many` fans out
    /// [`LabelProvider::change_labels`] for the others.
    async fn change_many(
        &self,
        ctx: &CallContext,
        change: ManyChange<'_>,
    ) -> Result<Vec<CustomerOutcome>, Error> {
        let _ = (ctx, change);
        Err(unsupported(
            self.name(),
            "changing many customers in one call",
        ))
    }

    /// One vendor read of at most `Capabilities::batch_read` customers' labels; one answer per
    /// customer, in order. Only a provider with a batch read has it: `many::labels_of_many`
    /// reads one customer at a time for the others.
    async fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        let _ = (ctx, customers);
        Err(unsupported(
            self.name(),
            "reading many customers in one call",
        ))
    }

    /// The catalog's labels whose name contains `text`, ignoring case, filtered by the vendor
    /// (`Capabilities::catalog_search`); the others' catalogs are filtered by the gateway.
    async fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        let _ = (ctx, text);
        Err(unsupported(self.name(), "searching its catalog"))
    }

    /// The client's request sent to the vendor at the tenant's base URL with the gateway's
    /// credentials. The vendor's answer, whatever its status, is `Ok`, except a 429 or a 5xx
    /// (an error that carries the answer in `passthrough`, so that layers retry and count it)
    /// and the vendor refusing the gateway's credentials.
    async fn passthrough(
        &self,
        ctx: &CallContext,
        request: &PassthroughRequest,
    ) -> Result<PassthroughAnswer, Error> {
        let _ = (ctx, request);
        Err(unsupported(self.name(), "passthrough calls"))
    }
}

/// Whether a label's name contains `text`, ignoring case: the catalog filter `?q=` applies
/// wherever the vendor does not apply it.
pub fn name_contains(name: Option<&str>, text: &str) -> bool {
    let wanted = text.to_lowercase();
    name.is_some_and(|name| name.to_lowercase().contains(&wanted))
}

pub fn unsupported(provider: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::UnsupportedOperation,
        format!("provider {provider} does not support {what}"),
    )
}
