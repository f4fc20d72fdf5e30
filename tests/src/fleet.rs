//! Two replicas of one gateway sharing a real `redis-server`, in front of one Capillary
//! simulator: what a fleet behind a load balancer looks like to its clients.

use std::time::Duration;

use label_sim::capillary::{self, CapillarySim};

use crate::redis::RedisServer;
use crate::world::{capillary_sim, PASSWORD, USERNAME};
use crate::TestGateway;

/// Only keeps a broken build from hanging a test: every wait ends far sooner.
pub const AT_MOST: Duration = Duration::from_secs(20);

pub struct Fleet {
    pub redis: RedisServer,
    pub sim: CapillarySim,
    pub a: TestGateway,
    pub b: TestGateway,
}

/// The config of every replica: `[state]` on `redis`, tenant `acme` (key `acme-key`) on the
/// simulator with an hour-long cache (so an entry that goes was dropped, not expired), and
/// `tenant` lines of its own.
pub fn replica_config(redis: &str, sim: &str, state: &str, tenant: &str) -> String {
    format!(
        "[state]\nredis_url = \"{redis}\"\nkey_prefix = \"lg-test\"\n{state}\n\n\
         [tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{sim}\"\n\
         username = \"{USERNAME}\"\npassword = \"{PASSWORD}\"\napi_keys = [\"acme-key\"]\n\
         cache_ttl_seconds = 3600\n{tenant}\n"
    )
}

impl Fleet {
    pub async fn start(state: &str, tenant: &str) -> Self {
        let redis = RedisServer::start();
        let sim = capillary_sim().await;
        let config = replica_config(&redis.url(), &sim.server.base_url(), state, tenant);
        let a = TestGateway::start(&config, &[]).await;
        let b = TestGateway::start(&config, &[]).await;
        let fleet = Self { redis, sim, a, b };
        fleet.until_state(&fleet.a, "connected").await;
        fleet.until_state(&fleet.b, "connected").await;
        fleet
    }

    /// Waits until `replica`'s `/readyz` reports the shared state as `wanted`.
    pub async fn until_state(&self, replica: &TestGateway, wanted: &str) {
        let deadline = tokio::time::Instant::now() + AT_MOST;
        loop {
            let readyz = replica.client.get(replica.url("/readyz")).send().await;
            if let Ok(response) = readyz {
                assert_eq!(
                    response.status(),
                    200,
                    "/readyz stays 200 whatever Redis does"
                );
                let body: serde_json::Value = response.json().await.unwrap_or_default();
                if body["state"] == wanted {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the shared state never became {wanted}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn labels_path(customer: &str) -> String {
    format!("/v1/tenants/acme/customers/{customer}/labels")
}

pub fn sample() -> String {
    labels_path(capillary::SAMPLE_CUSTOMER)
}

/// A read of the sample customer the cache may not answer: every one is a vendor call.
pub async fn fresh_read(replica: &TestGateway) -> reqwest::Response {
    replica
        .get(&sample(), "acme-key")
        .header("Cache-Control", "no-cache")
        .send()
        .await
        .unwrap()
}

/// The names of a customer's labels and the answer's `Cache-Status`.
pub async fn read(replica: &TestGateway, path: &str) -> (Vec<String>, String) {
    let response = replica.get(path, "acme-key").send().await.unwrap();
    names_and_cache_status(response).await
}

/// A successful read's label names and its `Cache-Status`.
pub async fn names_and_cache_status(response: reqwest::Response) -> (Vec<String>, String) {
    assert_eq!(response.status(), 200);
    let status = response.headers()["cache-status"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    let names = body["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect();
    (names, status)
}
