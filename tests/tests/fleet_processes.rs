//! Two replicas as two processes (each the test binary serving one config, as `label-gateway
//! serve` does) sharing a real `redis-server`, one Capillary simulator behind them: a change
//! through one is read through the other, the same `Idempotency-Key` sent to both at once
//! writes once, and a replica killed with SIGKILL takes nothing with it but its own cache.

use std::time::Duration;

use label_gateway_tests::child::{serve_if_child, ChildGateway};
use label_gateway_tests::fleet::{names_and_cache_status, replica_config, sample, AT_MOST};
use label_gateway_tests::redis::RedisServer;
use label_gateway_tests::world::capillary_sim;
use label_sim::Fault;
use serde_json::json;

const CHILD: &str = "replica";

#[test]
#[ignore = "a replica process of the tests below, which start it by name"]
fn replica() {
    serve_if_child();
}

/// The labels a replica answers for the sample customer, and how its cache served them.
async fn read(client: &reqwest::Client, replica: &ChildGateway) -> (Vec<String>, String) {
    let answer = client
        .get(replica.url(&sample()))
        .bearer_auth("acme-key")
        .send()
        .await
        .unwrap();
    names_and_cache_status(answer).await
}

/// Waits until the replica reports Redis connected.
async fn connected(client: &reqwest::Client, replica: &ChildGateway) {
    let deadline = tokio::time::Instant::now() + AT_MOST;
    loop {
        let ready = client.get(replica.url("/readyz")).send().await;
        if let Ok(ready) = ready {
            let body: serde_json::Value = ready.json().await.unwrap_or_default();
            if body["state"] == "connected" {
                return;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "never connected");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn two_replica_processes_share_their_changes_and_their_keys() {
    let redis = RedisServer::start();
    let sim = capillary_sim().await;
    let config = replica_config(&redis.url(), &sim.server.base_url(), "", "");
    let a = ChildGateway::start(CHILD, &config);
    let b = ChildGateway::start(CHILD, &config);
    let client = reqwest::Client::new();
    connected(&client, &a).await;
    connected(&client, &b).await;

    // Write on A, read on B.
    read(&client, &b).await;
    assert_eq!(read(&client, &b).await.1, "label-gateway; hit");
    let change = json!({"add": [{"name": "VIP"}]});
    let patch = |replica: &ChildGateway, key: Option<&str>, body: &serde_json::Value| {
        let mut request = client
            .patch(replica.url(&sample()))
            .bearer_auth("acme-key")
            .json(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    assert_eq!(patch(&a, None, &change).await.unwrap().status(), 200);
    let deadline = tokio::time::Instant::now() + AT_MOST;
    let (names, status) = loop {
        let read = read(&client, &b).await;
        if read.1 != "label-gateway; hit" || tokio::time::Instant::now() > deadline {
            break read;
        }
    };
    assert_eq!(status, "label-gateway; fwd=miss");
    assert!(names.contains(&"VIP".to_owned()), "{names:?}");

    // The same key on both at once: one write.
    sim.server
        .push_fault(Fault::delay(Duration::from_millis(300)).on_method("POST"));
    let posts = || {
        sim.server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };
    let before = posts();
    let other = json!({"add": [{"name": "Newsletter"}]});
    let first = tokio::spawn(patch(&a, Some("both-at-once"), &other));
    // B is asked while A's write waits at the vendor.
    while posts() == before {
        tokio::task::yield_now().await;
    }
    let second = patch(&b, Some("both-at-once"), &other).await.unwrap();
    assert_eq!(second.status(), 409);
    assert_eq!(first.await.unwrap().unwrap().status(), 200);
    assert_eq!(posts() - before, 1, "one vendor write for the key");

    // A replica killed outright: the other serves on, and the key's answer is still there.
    drop(a);
    let replay = patch(&b, Some("both-at-once"), &other).await.unwrap();
    assert_eq!(replay.status(), 200);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(posts() - before, 1);
}
