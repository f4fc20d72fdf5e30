//! What the calls beyond one customer at a time exchange: a created label, a page of a label's
//! customers, and what a change of one label did to each of many customers.

use crate::error::Error;
use crate::model::{Label, LabelIdentity};

/// A label the vendor created, with the fields of the request it had no place for.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedLabel {
    pub label: Label,
    /// Request fields the vendor does not keep (`colour` at Capillary, `description` at Trybe),
    /// among those the request gave.
    pub ignored: Vec<&'static str>,
}

/// Which customers of a resolved label to list: from the `offset`-th, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembersPage<'a> {
    pub label: &'a LabelIdentity,
    pub offset: u64,
    pub limit: u32,
}

/// One page of the customers that have a label, in the vendor's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members {
    pub customers: Vec<String>,
    /// Where the next page starts, or `None` after the last.
    pub next_offset: Option<u64>,
}

/// What a change of one label did to one customer among many.
#[derive(Debug, Clone)]
pub enum CustomerOutcome {
    /// The vendor made the change.
    Applied,
    /// Already attached (add) or not attached (remove).
    Unchanged,
    CustomerNotFound,
    /// The customer's change failed, or may not have been made: why.
    Failed(Error),
}
