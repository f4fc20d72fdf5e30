//! label-gateway: one REST API for customer labels across vendors.
//!
//! [`config`] is read first; [`serve`] starts the [`http`] side, which hands each request to the
//! [`engine`]; both read the [`contract`] (the error codes, the rules of request bodies);
//! [`telemetry`] is the metrics both write; [`demo`] runs it all on simulators.

pub mod config;
pub mod contract;
pub mod demo;
pub mod engine;
pub mod http;
pub mod serve;
pub mod telemetry;
