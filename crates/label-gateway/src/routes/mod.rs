//! One file per endpoint action; `crate::router` lists them all.

pub mod body;
pub mod catalog;
pub mod change_labels;
pub mod customer_labels;
pub mod docs;
pub mod errors;
pub mod health;
pub mod params;
pub mod representation;
pub mod template;
pub mod tenant;
