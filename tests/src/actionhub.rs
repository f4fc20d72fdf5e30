//! Helpers for the ActionHub tests: its simulator, and the backend built against it the way
//! the gateway builds it, through the provider registry.

use std::sync::Arc;
use std::time::Duration;

use label_core::{CustomerId, Label, LabelProvider};
use label_providers::{ProviderSettings, SettingProblem};
use label_sim::actionhub::{ActionHubSim, DEMO_API_KEY, DEMO_PROGRAM_ID};

/// Settings as the gateway's config would hand them over; `vendor` is the tenant's own keys.
pub fn settings(base_url: &str, vendor: &str) -> ProviderSettings {
    ProviderSettings {
        base_url: reqwest::Url::parse(base_url).expect("the simulator's url parses"),
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(5),
        max_body_bytes: 4 * 1024 * 1024,
        in_flight: label_providers::InFlight::new(64 * 1024 * 1024),
        hidden: Vec::new(),
        vendor: vendor.parse().expect("test settings are valid TOML"),
    }
}

/// Builds the backend from vendor keys alone, for tests of the settings.
pub fn build(vendor: &str) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    let factory = label_providers::factory("actionhub").expect("actionhub is registered");
    factory(&settings("http://127.0.0.1:9", vendor))
}

/// A simulator with the demo key and a backend for the demo program talking to it.
pub async fn start() -> (ActionHubSim, Arc<dyn LabelProvider>) {
    let sim = ActionHubSim::start(DEMO_API_KEY)
        .await
        .expect("simulator starts");
    let provider = backend(&sim, DEMO_API_KEY, DEMO_PROGRAM_ID);
    (sim, provider)
}

pub fn backend(sim: &ActionHubSim, api_key: &str, program_id: &str) -> Arc<dyn LabelProvider> {
    let vendor = format!("api_key = {api_key:?}\nprogram_id = {program_id:?}");
    let factory = label_providers::factory("actionhub").expect("actionhub is registered");
    factory(&settings(&sim.server.base_url(), &vendor)).expect("valid settings")
}

pub fn customer(provider: &Arc<dyn LabelProvider>, raw: &str) -> CustomerId {
    CustomerId::parse(raw, provider.capabilities().customer_id_format).expect("a valid id")
}

/// Each label as (text, weight), checking on the way that the id is the label text.
pub fn ranked(labels: &[Label]) -> Vec<(&str, f64)> {
    labels
        .iter()
        .map(|l| {
            assert_eq!(Some(&l.id), l.name.as_ref(), "the id is the label text");
            (
                l.id.as_str(),
                l.weight.expect("ActionHub labels carry weights"),
            )
        })
        .collect()
}
