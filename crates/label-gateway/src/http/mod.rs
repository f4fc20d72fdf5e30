//! The HTTP side, in the order a request meets it: the [`listener`] accepts connections and
//! holds them to their limits; the [`front`] answers the hottest read without the router; the
//! [`router`] sends every other request through [`exchange`] (request id, caller, span,
//! series) and [`auth`] to a handler in [`routes`]; handlers speak the wire types of [`api`]
//! and fail as [`problem`]s; [`openapi`] is the document derived from all of them. [`state`]
//! is what every handler shares.

pub mod api;
pub mod auth;
pub mod exchange;
pub mod front;
pub mod listener;
pub mod openapi;
pub mod params;
pub mod problem;
pub mod request_id;
pub mod router;
pub mod routes;
pub mod state;
