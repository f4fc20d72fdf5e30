use std::time::Duration;

use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use crate::in_flight::InFlight;

/// What the gateway's config gives a backend: the common keys already checked, and the
/// tenant's remaining keys, which only the backend knows the meaning of.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub base_url: Url,
    pub connect_timeout: Duration,
    /// A bound on one vendor call; the gateway bounds the whole exchange, retries included.
    pub request_timeout: Duration,
    /// A vendor answer longer than this is refused, read no further.
    pub max_body_bytes: usize,
    /// The vendor bytes all answers of the process may hold at once, shared by every tenant.
    pub in_flight: InFlight,
    /// The tenant's other secrets (its clients' keys), kept out of vendor text like the
    /// backend's own credentials.
    pub hidden: Vec<SecretString>,
    /// The tenant's provider-specific keys, `${ENV}` already substituted.
    pub vendor: toml::Table,
}

impl ProviderSettings {
    /// Settings for a backend's own unit tests: short timeouts, small limits, and `vendor`
    /// (TOML) as the tenant's keys.
    #[cfg(test)]
    pub(crate) fn for_test(base_url: &str, vendor: &str) -> Self {
        Self {
            base_url: base_url.parse().expect("a valid url"),
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(3),
            max_body_bytes: 1024,
            in_flight: InFlight::new(1 << 20),
            hidden: Vec::new(),
            vendor: vendor.parse().expect("valid toml"),
        }
    }
}

/// A problem with one key of a tenant's provider-specific settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    /// The key's path below the tenant's table, e.g. `password`.
    pub key: String,
    pub message: String,
}

impl SettingProblem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Deserializes a backend's own settings struct (which should `deny_unknown_fields`) from the
/// tenant's vendor keys, naming the offending key on failure.
pub fn vendor_settings<T: DeserializeOwned>(
    settings: &ProviderSettings,
) -> Result<T, Vec<SettingProblem>> {
    let table = toml::Value::Table(settings.vendor.clone());
    T::deserialize(table).map_err(|err| {
        let message = err.to_string();
        let key = key_named_in(&message).unwrap_or_default();
        vec![SettingProblem::new(key, message.trim().to_owned())]
    })
}

/// serde names the key in its message (`missing field `password``, `unknown field `x``).
fn key_named_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_owned())
}
