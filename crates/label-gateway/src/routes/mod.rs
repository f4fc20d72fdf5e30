//! One file per endpoint action; `crate::router` lists them all.

pub mod batch_get;
pub mod body;
pub mod catalog;
pub mod change_labels;
pub mod create_label;
pub mod cursor;
pub mod customer_labels;
pub mod docs;
pub mod errors;
pub mod health;
pub mod label_customers;
pub mod params;
pub mod representation;
pub mod template;
pub mod tenant;
