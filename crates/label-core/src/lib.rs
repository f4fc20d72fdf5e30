//! The common label model shared by every vendor backend and the gateway.
//!
//! Nothing here knows HTTP or a vendor's name: backends translate their vendor's API into
//! these types, and the gateway only ever reads [`Capabilities`] to decide what a tenant can do.
//! [`ErrorKind`] lists the ways a provider, a layer or the model can fail; the gateway
//! gives each kind its status, adds its own kinds (keys, limits, jobs), reads request bodies
//! and documents the JSON. The serde derives say how the model is written, which a cache keeps
//! pre-encoded ([`Encoded`]).

pub mod bulk;
pub mod capabilities;
pub mod catalog;
pub mod change;
pub mod customer_id;
pub mod error;
pub mod fetched;
pub mod keeper;
pub mod label_ref;
pub mod layer;
pub mod many;
pub mod model;
pub mod operation;
pub mod passthrough;
pub mod provider;
pub mod requests;
pub mod suggest;

pub use bulk::{CreatedLabel, CustomerOutcome, Members, MembersPage};
pub use capabilities::{Capabilities, CustomerIdFormat, LabelIdFormat, LabelKey};
pub use catalog::Catalog;
pub use change::{apply_change, ChangeOutcome};
pub use customer_id::CustomerId;
pub use error::{Error, ErrorDetails, ErrorKind, FieldProblem, Temporariness, Upstream, Widens};
pub use fetched::{Fetched, Source};
pub use label_ref::{check_label_text, invalid_request, ChangeRequest, LabelRef, MAX_PROBLEMS};
pub use layer::{BoxFuture, Call, Layer, Layered};
pub use model::{
    ChangeResult, ChangeStatus, Encoded, Label, LabelIdentity, LabelList, LabelView, Op,
    WriteStatus,
};
pub use operation::Operation;
pub use passthrough::{PassthroughAnswer, PassthroughRequest, VendorPath};
pub use provider::{CallContext, LabelProvider};
pub use requests::{check_new_name, LabelChange, ManyChange, NewLabel};
