//! One backend per vendor. Each folder owns its vendor's wire types, auth, id rules and error
//! codes, and hands back the common model of `label-core`; nothing outside a folder knows its
//! vendor's JSON.

pub mod actionhub;
pub mod capillary;
mod endpoint;
mod http;
pub mod in_flight;
pub mod passthrough;
pub mod redact;
pub mod settings;
pub mod trybe;

use std::sync::Arc;

use label_core::{Capabilities, LabelProvider};

pub use in_flight::InFlight;
pub use settings::{ProviderSettings, SettingProblem};

/// Builds a provider from its settings, or lists every problem with them.
pub type Factory = fn(&ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>>;

/// Every provider the gateway knows, by the name a config gives in `provider = "..."`.
/// Adding a vendor is one module and one line here.
pub const PROVIDERS: &[(&str, Factory)] = &[
    ("capillary", capillary::build),
    ("trybe", trybe::build),
    ("actionhub", actionhub::build),
];

pub fn factory(provider: &str) -> Option<Factory> {
    PROVIDERS
        .iter()
        .find(|(name, _)| *name == provider)
        .map(|(_, factory)| *factory)
}

pub fn provider_names() -> impl Iterator<Item = &'static str> {
    PROVIDERS.iter().map(|(name, _)| *name)
}

/// Every provider's capabilities by name, known without a tenant: what the API document says
/// of each provider (its customer-id format) comes from here, not from a second description.
pub const CAPABILITIES: &[(&str, Capabilities)] = &[
    ("capillary", capillary::CAPABILITIES),
    ("trybe", trybe::CAPABILITIES),
    ("actionhub", actionhub::CAPABILITIES),
];
