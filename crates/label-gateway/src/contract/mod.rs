//! What the API promises, read by both sides of the gateway: the [`http`](crate::http) side
//! that answers and the [`engine`](crate::engine) that does the work. Its list of error codes
//! with their statuses, the forms of the ids it names ([`forms`]), how the model reads on the wire ([`model`], for the document), and its
//! rules for request bodies: strict JSON, every problem at its RFC 6901 pointer, the limits of
//! each body.

pub mod body;
pub mod code;
pub mod event_type;
pub mod forms;
pub mod item_problem;
pub mod model;
pub mod requests;
pub mod strict_json;

pub use body::{parse_change_request, read_json};
pub use code::{Code, Error, Result};
pub use event_type::{EventType, TypeFilter};
pub use item_problem::ItemProblem;
pub use requests::{
    parse_batch_get, parse_new_label, MemberChange, MAX_BATCH_GET, MAX_MEMBER_CHANGES,
};
