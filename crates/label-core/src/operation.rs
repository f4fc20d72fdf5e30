//! The calls a provider answers, as values: what layers key their work on (metrics, retries,
//! capability checks) instead of a method name spelled as a string.

use crate::capabilities::Capabilities;
use crate::model::Op;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    CustomerLabels,
    Catalog,
    Attach,
    Detach,
    /// Creates a label in the vendor's catalog.
    CreateLabel,
    /// One page of the customers that have a label.
    Members,
    /// One vendor call attaching or detaching one label for many customers.
    ChangeMany,
    /// One vendor read of many customers' labels.
    CustomersLabels,
    /// The catalog filtered by the vendor.
    SearchCatalog,
    /// A client's `GET` or `HEAD` sent to the vendor as it is.
    PassthroughRead,
    /// Any other client request sent to the vendor as it is: never repeated.
    PassthroughWrite,
}

impl Operation {
    pub const ALL: [Operation; 11] = [
        Operation::CustomerLabels,
        Operation::Catalog,
        Operation::Attach,
        Operation::Detach,
        Operation::CreateLabel,
        Operation::Members,
        Operation::ChangeMany,
        Operation::CustomersLabels,
        Operation::SearchCatalog,
        Operation::PassthroughRead,
        Operation::PassthroughWrite,
    ];

    /// The operation of a change to one customer's labels
    /// ([`LabelProvider::change_labels`](crate::LabelProvider::change_labels)): attaching and
    /// detaching are counted and checked apart.
    pub const fn change(op: Op) -> Operation {
        match op {
            Op::Add => Operation::Attach,
            Op::Remove => Operation::Detach,
        }
    }

    /// The name metrics and traces use.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::CustomerLabels => "customer_labels",
            Operation::Catalog => "catalog",
            Operation::Attach => "attach",
            Operation::Detach => "detach",
            Operation::CreateLabel => "create_label",
            Operation::Members => "members",
            Operation::ChangeMany => "change_many",
            Operation::CustomersLabels => "customers_labels",
            Operation::SearchCatalog => "search_catalog",
            Operation::PassthroughRead => "passthrough_read",
            Operation::PassthroughWrite => "passthrough_write",
        }
    }

    /// Whether the call may change what the vendor holds (and so is repeated only where safe).
    pub const fn writes(self) -> bool {
        matches!(
            self,
            Operation::Attach
                | Operation::Detach
                | Operation::CreateLabel
                | Operation::ChangeMany
                | Operation::PassthroughWrite
        )
    }

    /// Whether the call is never made twice, whatever failed: a passthrough write may do
    /// anything at the vendor, and a 429 or 503 from an endpoint the gateway does not know
    /// proves nothing about whether it acted.
    pub const fn never_repeated(self) -> bool {
        matches!(self, Operation::PassthroughWrite)
    }

    /// Whether repeating the write cannot change its outcome when the provider's attach and
    /// detach are idempotent (`Capabilities::idempotent_writes`): creating a label never is,
    /// since a repeat of one that was made is refused as existing.
    pub const fn repeats_like_attach(self) -> bool {
        matches!(
            self,
            Operation::Attach | Operation::Detach | Operation::ChangeMany
        )
    }

    /// Whether a provider with `capabilities` can make the call at all; one that cannot answers
    /// at once, with no vendor call for a layer to count, time or retry.
    pub fn is_supported(self, capabilities: &Capabilities) -> bool {
        match self {
            Operation::CustomerLabels => capabilities.read,
            Operation::Catalog => capabilities.catalog,
            Operation::Attach => capabilities.add,
            Operation::Detach => capabilities.remove,
            Operation::CreateLabel => capabilities.create_labels,
            Operation::Members => capabilities.members,
            // Without a batch call the gateway fans out one call per customer instead.
            Operation::ChangeMany => capabilities.batch > 1,
            Operation::CustomersLabels => capabilities.batch_read > 1,
            Operation::SearchCatalog => capabilities.catalog_search,
            // Every backend reaches its vendor; what a tenant may call is its allow-list's.
            Operation::PassthroughRead | Operation::PassthroughWrite => true,
        }
    }
}
