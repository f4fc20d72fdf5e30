//! The gateway's TOML config.

mod keys;

pub use keys::{ApiKey, ApiKeyError};
