//! The HTTP side, in the order a request meets it. The [`listener`] accepts connections and
//! holds them to their limits. Every request then begins the same way, whichever way in it
//! takes: an [`exchange`] starts (its clock and [`request_id`]), [`auth`] names the caller, and
//! the exchange's span and series follow it to its answer. The [`front`] answers the hottest
//! read without the router; the [`router`] sends every other request, through
//! [`exchange::track`], to a handler in [`routes`].
//!
//! [`routes::api`] lists the handlers once, each with its own `#[utoipa::path]`: the router and
//! the [`openapi`] document are both made from that list, and the front matches the route
//! constant its handler declares. Handlers take the [`params`] of their path (types that carry
//! their form once), speak the wire types of [`api`] and fail as [`problem`]s. [`state`] is
//! what every handler shares.

pub mod api;
pub mod auth;
pub mod cors;
pub mod exchange;
pub mod front;
pub mod listener;
pub mod openapi;
pub mod params;
pub mod problem;
pub mod rate_limit;
pub mod request_id;
pub mod router;
pub mod routes;
pub mod state;
