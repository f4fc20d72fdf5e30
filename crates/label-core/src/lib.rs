//! The common label model shared by every vendor backend and the HTTP facade.
//!
//! Nothing here knows HTTP or a vendor's name: backends translate their vendor's API into
//! these types, and the gateway only ever reads [`Capabilities`] to decide what a tenant can do.

pub mod capabilities;
pub mod catalog;
pub mod change;
pub mod customer_id;
pub mod error;
pub mod label_ref;
pub mod model;
pub mod provider;
pub mod served;

pub use capabilities::{Capabilities, CustomerIdFormat, LabelKey};
pub use catalog::Catalog;
pub use change::{apply_change, ChangeOutcome};
pub use customer_id::CustomerId;
pub use error::{Error, ErrorDetails, ErrorKind, Temporariness, Upstream};
pub use label_ref::{invalid_request, ChangeRequest, FieldProblem, LabelRef};
pub use model::{ChangeResult, ChangeStatus, Label, LabelIdentity, LabelList, Op, WriteStatus};
pub use provider::{CallContext, LabelProvider};
pub use served::{Served, ServedSlot};
