//! The engine: what answers a request once the HTTP side has read it, and what runs without
//! one. It owns the [`tenants`] being served (each provider wrapped in the [`layers`]: cache,
//! resilience, metrics), what the replicas of a fleet share ([`fleet`], and through
//! [`invalidation`] what a change makes stale), [`idempotency`] keys, and [`jobs`] that change
//! many customers in the background. It imports nothing of the HTTP side.

pub mod clock;
pub mod events;
pub mod fleet;
pub mod idempotency;
pub mod invalidation;
pub mod jobs;
pub mod layers;
pub mod limits;
pub mod tenants;
