//! What the webhook tests share: a gateway on the Capillary simulator (customers 8001 to 8004,
//! without labels) whose tenant `acme` has one webhook to a [`Receiver`], changes that each
//! make one event, and the deliveries list.

use std::time::Duration;

use label_sim::capillary::CapillarySim;
use serde_json::{json, Value};

use crate::receiver::{webhook_table, Receiver};
use crate::world::{capillary_sim, capillary_tenant, labels_path};
use crate::{json, TestGateway};

/// A gateway whose `[events]` has `events`' lines and whose webhook table has `hook`'s.
pub const KEY: &str = "acme-key";
/// Standard Webhooks' own example secret.
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const WAIT: Duration = Duration::from_secs(20);

pub async fn start(receiver: &Receiver, events: &str, hook: &str) -> (CapillarySim, TestGateway) {
    let sim = capillary_sim().await;
    {
        let mut data = sim.data.lock().unwrap();
        for id in 8001..=8004 {
            data.customers.insert(id, Vec::new());
        }
    }
    let config = format!(
        "[events]\n{events}\n{}{}",
        capillary_tenant("acme", &sim.server.base_url(), ""),
        webhook_table("acme", &receiver.url, SECRET, hook)
    );
    (sim, TestGateway::start(&config, &[]).await)
}

/// Attaches (or detaches) VIP to a customer: one `customer.labels.changed`.
pub async fn change(gateway: &TestGateway, customer: &str, op: &str) {
    let body = json!({op: [{"name": "VIP"}]});
    let response = gateway
        .patch(&labels_path("acme", customer), KEY, body)
        .send()
        .await
        .unwrap();
    let (status, answer) = json(response).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["results"][0]["status"], "applied", "{answer}");
}

/// The tenant's failed deliveries once there are at least `count`, read as a client would poll.
pub async fn failed_deliveries(gateway: &TestGateway, count: usize) -> Vec<Value> {
    loop {
        let failed = deliveries(gateway, "?status=failed").await;
        if failed.len() >= count {
            return failed;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The tenant's deliveries list, with `query` (`?status=...`).
pub async fn deliveries(gateway: &TestGateway, query: &str) -> Vec<Value> {
    let path = format!("/v1/tenants/acme/webhooks/deliveries{query}");
    let (status, list) = json(gateway.get(&path, KEY).send().await.unwrap()).await;
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().unwrap().clone()
}
