//! Helpers for the cache tests: a Capillary simulator, a gateway in front of it, and reads that
//! report what the cache said about them.

use std::future::Future;
use std::time::{Duration, Instant};

use label_sim::capillary::CapillarySim;

use crate::{json, TestGateway};

pub const USERNAME: &str = "till_42";
pub const PASSWORD: &str = "s3cret-pa55";

/// How often a test asks again while it waits for an entry to expire.
const POLL_EVERY: Duration = Duration::from_millis(20);

/// A `[tenants.<id>]` block on the simulator, with `extra` keys appended. Retries are off so
/// that one read is one vendor request and each queued fault meets the read it is meant for.
pub fn capillary_tenant(id: &str, api_key: &str, extra: &str) -> String {
    format!(
        "[tenants.{id}]\nprovider = \"capillary\"\nbase_url = \"${{CAP_URL}}\"\n\
         username = \"{USERNAME}\"\npassword = \"${{CAP_PASSWORD}}\"\n\
         api_keys = [\"{api_key}\"]\nmax_retries = 0\ncircuit_failures = 1000\n{extra}\n"
    )
}

pub fn labels_path(tenant: &str, customer: &str) -> String {
    format!("/v1/tenants/{tenant}/customers/{customer}/labels")
}

/// One answer of the gateway, with its cache headers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub cache_status: String,
    pub age: Option<u64>,
    pub etag: Option<String>,
    pub body: serde_json::Value,
}

impl Reply {
    pub fn is_hit(&self) -> bool {
        self.cache_status == "label-gateway; hit"
    }

    /// The label ids of a customer-labels or catalog body.
    pub fn label_ids(&self) -> Vec<String> {
        self.body["labels"]
            .as_array()
            .map(|labels| {
                labels
                    .iter()
                    .filter_map(|l| l["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct CacheWorld {
    pub sim: CapillarySim,
    pub gateway: TestGateway,
}

impl CacheWorld {
    /// A simulator and a gateway with `toml`, which may use `${CAP_URL}` and `${CAP_PASSWORD}`.
    pub async fn start(toml: &str) -> Self {
        let sim = CapillarySim::start(USERNAME, PASSWORD)
            .await
            .expect("simulator");
        let gateway = TestGateway::start(toml, &Self::vars(&sim)).await;
        Self { sim, gateway }
    }

    /// Another gateway with the same config on the same simulator: a cold cache.
    pub async fn second_gateway(&self, toml: &str) -> TestGateway {
        TestGateway::start(toml, &Self::vars(&self.sim)).await
    }

    fn vars(sim: &CapillarySim) -> [(&'static str, String); 2] {
        [
            ("CAP_URL", sim.server.base_url()),
            ("CAP_PASSWORD", PASSWORD.to_owned()),
        ]
    }

    pub async fn read(&self, path: &str, key: &str, headers: &[(&str, &str)]) -> Reply {
        read_from(&self.gateway, path, key, headers).await
    }

    /// Vendor requests for one customer's labels so far.
    pub fn label_calls(&self, customer: &str) -> usize {
        let path = format!("/v2/customers/{customer}/labels");
        self.vendor_calls(|target| target == path)
    }

    pub fn catalog_calls(&self) -> usize {
        self.vendor_calls(|target| target.starts_with("/v2/organization/labels"))
    }

    fn vendor_calls(&self, matches: impl Fn(&str) -> bool) -> usize {
        let requests = self.sim.server.requests();
        requests.iter().filter(|r| matches(&r.target)).count()
    }

    /// Attaches a sample org label to a customer behind the gateway's back.
    pub fn attach_at_vendor(&self, customer: &str, label_id: u64) {
        let id: u64 = customer.parse().expect("a numeric customer id");
        let mut data = self.sim.data.lock().expect("data lock");
        let mappings = data.customers.entry(id).or_default();
        let mapping_id = 90_000 + mappings.len() as u64;
        mappings.push(label_sim::capillary::Mapping {
            id: mapping_id,
            label_id,
        });
    }
}

pub async fn read_from(
    gateway: &TestGateway,
    path: &str,
    key: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = gateway.get(path, key);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the gateway answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let cache_status = header("cache-status").unwrap_or_default();
    let age = header("age").map(|v| v.parse().expect("Age is a number of seconds"));
    let etag = header("etag");
    let (status, body) = json(response).await;
    Reply {
        status,
        cache_status,
        age,
        etag,
        body,
    }
}

/// Reads until `done` says so, for at most `limit`; returns the answer and when it came. An
/// expiry is observed this way instead of guessed with a sleep.
pub async fn poll_until<F, Fut>(
    limit: Duration,
    mut read: F,
    done: impl Fn(&Reply) -> bool,
) -> (Reply, Instant)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Reply>,
{
    let start = Instant::now();
    loop {
        let reply = read().await;
        if done(&reply) {
            return (reply, Instant::now());
        }
        assert!(
            start.elapsed() < limit,
            "still not there after {limit:?}: {reply:?}"
        );
        tokio::time::sleep(POLL_EVERY).await;
    }
}
