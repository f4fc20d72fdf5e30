//! Idempotency keys are the fleet's: the same key sent to two replicas at once makes one vendor
//! write; without Redis, a request with a key is refused before anything reaches the vendor.

use std::time::Duration;

use label_gateway_tests::fleet::{sample, Fleet};
use label_gateway_tests::{expect_problem, TestGateway};
use label_sim::Fault;
use serde_json::json;

fn keyed(replica: &TestGateway, key: &str) -> reqwest::RequestBuilder {
    let change = json!({"add": [{"name": "VIP"}]});
    replica
        .patch(&sample(), "acme-key", change)
        .header("Idempotency-Key", key)
}

fn writes(fleet: &Fleet) -> usize {
    let requests = fleet.sim.server.requests();
    requests.iter().filter(|r| r.method == "POST").count()
}

#[tokio::test]
async fn the_same_key_on_two_replicas_at_once_writes_once() {
    let fleet = Fleet::start("", "").await;
    // The first replica's change waits at the vendor while the second asks.
    fleet
        .sim
        .server
        .push_fault(Fault::delay(Duration::from_millis(400)).on_method("POST"));
    let first = tokio::spawn(keyed(&fleet.a, "order-7").send());
    while writes(&fleet) == 0 {
        tokio::task::yield_now().await;
    }
    let second = keyed(&fleet.b, "order-7").send().await.unwrap();
    assert_eq!(
        second.headers()["retry-after"],
        "1",
        "when to ask again for the replay"
    );
    expect_problem(second, 409, "idempotency_in_progress").await;
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), 200);
    let first_body = first.text().await.unwrap();

    let replay = keyed(&fleet.b, "order-7").send().await.unwrap();
    assert_eq!(replay.status(), 200);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.text().await.unwrap(), first_body);
    assert_eq!(
        writes(&fleet),
        1,
        "one vendor write for the key, fleet-wide"
    );

    let other_body = json!({"add": [{"name": "Newsletter"}]});
    let reused = fleet
        .a
        .patch(&sample(), "acme-key", other_body)
        .header("Idempotency-Key", "order-7")
        .send()
        .await
        .unwrap();
    expect_problem(reused, 422, "idempotency_key_reused").await;
}

#[tokio::test]
async fn without_redis_a_keyed_change_is_refused_and_a_plain_one_served() {
    let fleet = Fleet::start("", "").await;
    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
    let calls = fleet.sim.server.calls();
    let refused = keyed(&fleet.a, "order-8").send().await.unwrap();
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, 503, "state_unavailable").await;
    assert_eq!(
        fleet.sim.server.calls(),
        calls,
        "nothing reached the vendor"
    );

    let change = json!({"add": [{"name": "VIP"}]});
    let plain = fleet
        .a
        .patch(&sample(), "acme-key", change)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    let read = fleet.a.get(&sample(), "acme-key").send().await.unwrap();
    assert_eq!(read.status(), 200);
}
