//! What answers a request once the HTTP side has read it: the [`layers`] each tenant's provider
//! is wrapped in (cache, resilience, metrics), what the replicas of a fleet share ([`fleet`]),
//! [`idempotency`] keys, and [`jobs`] that change many customers in the background.

pub mod fleet;
pub mod idempotency;
pub mod invalidation;
pub mod jobs;
pub mod layers;
pub mod tenants;
