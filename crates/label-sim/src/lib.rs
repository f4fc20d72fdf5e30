//! Simulators of the vendors' label APIs, faithful to the vendors' API references: real HTTP servers on
//! loopback for `label-gateway demo`, the tests and the benchmarks. Each records the requests it
//! receives (raw paths included) and can be told to misbehave.

pub mod actionhub;
pub mod capillary;
mod conn;
pub mod fault;
pub mod server;
pub mod trybe;

pub use fault::{Breakage, Fault};
pub use server::{closed_base_url, Recorded, SimServer, DEFAULT_RECORD_LIMIT};
