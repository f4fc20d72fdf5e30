//! The process-wide Prometheus recorder and the names of its series: written by the HTTP side
//! (requests) and the engine (vendor calls, retries, circuits, budget waits), rendered by
//! `GET /metrics`.

pub mod recorder;
pub(crate) mod series;

pub use recorder::names;
