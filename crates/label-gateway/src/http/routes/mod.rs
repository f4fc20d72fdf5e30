//! One file per endpoint action; `crate::http::router` lists them all.

pub mod batch_get;
pub mod body;
pub mod cancel_job;
pub mod catalog;
pub mod change_labels;
pub mod create_label;
pub mod cursor;
pub mod customer_labels;
pub mod docs;
pub mod errors;
pub mod get_job;
pub mod health;
pub mod job_params;
pub mod job_results;
pub mod label_customers;
pub mod list_jobs;
pub mod representation;
pub mod submit_job;
pub mod template;
pub mod tenant;
