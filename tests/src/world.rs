//! A Capillary simulator with a gateway in front of it, for the tests of how the gateway
//! behaves when the vendor misbehaves.

use label_sim::capillary::{self, CapillarySim};

use crate::TestGateway;

pub const USERNAME: &str = "till_42";
pub const PASSWORD: &str = "s3cret-pa55";

/// The simulator, and a gateway whose tenant `acme` (key `acme-key`) talks to it.
pub struct World {
    pub sim: CapillarySim,
    pub gateway: TestGateway,
}

/// A `[tenants.<id>]` block for a Capillary tenant with key `<id>-key`; `settings` are extra
/// lines (timeouts, retries, ...).
/// The cache is off (`cache_ttl_seconds = 0`): these tests count the vendor calls the
/// resilience layer makes, which a cache would answer or coalesce.
pub fn capillary_tenant(id: &str, base_url: &str, settings: &str) -> String {
    format!(
        "[tenants.{id}]\nprovider = \"capillary\"\nbase_url = \"{base_url}\"\n\
         username = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\napi_keys = [\"{id}-key\"]\n\
         cache_ttl_seconds = 0\n{settings}\n"
    )
}

pub async fn capillary_sim() -> CapillarySim {
    CapillarySim::start(USERNAME, PASSWORD)
        .await
        .expect("simulator")
}

/// A world whose tenant `acme` has the given resilience settings.
pub async fn world(settings: &str) -> World {
    let sim = capillary_sim().await;
    let config = capillary_tenant("acme", &sim.server.base_url(), settings);
    let gateway = TestGateway::start(&config, &[]).await;
    World { sim, gateway }
}

pub fn labels_path(tenant: &str, customer: &str) -> String {
    format!("/v1/tenants/{tenant}/customers/{customer}/labels")
}

/// The sample customer's labels at tenant `acme`.
pub fn sample_path() -> String {
    labels_path("acme", capillary::SAMPLE_CUSTOMER)
}

impl World {
    pub async fn get_sample(&self) -> reqwest::Response {
        self.gateway
            .get(&sample_path(), "acme-key")
            .send()
            .await
            .expect("the gateway answers")
    }
}
