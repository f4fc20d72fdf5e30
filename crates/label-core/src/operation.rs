//! The calls a provider answers, as values: what layers key their work on (metrics, retries,
//! capability checks) instead of a method name spelled as a string.

use crate::capabilities::Capabilities;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    CustomerLabels,
    Catalog,
    Attach,
    Detach,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::CustomerLabels,
        Operation::Catalog,
        Operation::Attach,
        Operation::Detach,
    ];

    /// The name metrics and traces use.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::CustomerLabels => "customer_labels",
            Operation::Catalog => "catalog",
            Operation::Attach => "attach",
            Operation::Detach => "detach",
        }
    }

    /// Whether the call may change what the vendor holds (and so is repeated only where safe).
    pub const fn writes(self) -> bool {
        matches!(self, Operation::Attach | Operation::Detach)
    }

    /// Whether a provider with `capabilities` can make the call at all; one that cannot answers
    /// at once, with no vendor call for a layer to count, time or retry.
    pub fn is_supported(self, capabilities: &Capabilities) -> bool {
        match self {
            Operation::CustomerLabels => capabilities.read,
            Operation::Catalog => capabilities.catalog,
            Operation::Attach => capabilities.add,
            Operation::Detach => capabilities.remove,
        }
    }
}
