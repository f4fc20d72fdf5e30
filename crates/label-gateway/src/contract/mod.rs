//! What the API promises, read by both sides of the gateway: the [`http`](crate::http) side
//! that answers and the [`engine`](crate::engine) that does the work. Its list of error codes
//! with their statuses, and its rules for request bodies.

pub mod code;

pub use code::{Code, Error};
