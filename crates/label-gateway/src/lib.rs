//! label-gateway: one REST API for customer labels across vendors.

pub mod api;
pub mod api_bulk;
pub mod auth;
pub mod client;
pub mod config;
pub mod demo;
pub mod fleet;
pub mod front;
pub mod idempotency;
pub mod jobs;
pub mod layers;
pub mod listener;
pub mod openapi;
pub mod problem;
pub mod request_id;
pub mod router;
pub mod routes;
pub mod serve;
pub mod state;
pub mod suggest;
pub mod telemetry;
