//! The first event of a webhook with `[state]`, and a redelivery asked of a replica that does
//! not hold the webhook's lease: it is sent from there, and must leave the stream's entry
//! pending with the replica that does (which is still retrying it): acknowledging it would
//! take it from that replica's successor, were it killed before its retry. Alone in its file,
//! so that the backlog gauge (one metrics recorder per test process) counts only these two
//! replicas.

use label_gateway_tests::fleet::{Fleet, AT_MOST};
use label_gateway_tests::metric_sum;
use label_gateway_tests::receiver::{webhook_table, Receiver};
use label_gateway_tests::webhooks::{change, KEY, SECRET};
use serde_json::{json, Value};

/// What the webhook's consumer group has handed out and nobody acknowledged.
async fn pending_in_group(fleet: &Fleet) -> i64 {
    let mut redis = fleet.redis.manager().await;
    let groups: Vec<redis::Value> = redis::cmd("XINFO")
        .arg("GROUPS")
        .arg("lg-test:events:acme")
        .query_async(&mut redis)
        .await
        .expect("the tenant's stream and its group");
    assert_eq!(groups.len(), 1, "one webhook, one group: {groups:?}");
    let redis::Value::Array(fields) = &groups[0] else {
        panic!("a group's fields: {groups:?}");
    };
    let at = fields
        .iter()
        .position(|field| matches!(field, redis::Value::BulkString(name) if name == b"pending"))
        .expect("the group's pending count");
    redis::from_redis_value(&fields[at + 1]).expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_leaves_the_lease_holders_pending_entry_pending() {
    let receiver = Receiver::start(|_| 503).await;
    // One attempt, then a retry far beyond the test: the first delivery stays pending.
    let events = "\n[events]\nretry_schedule_ms = [600000]";
    let hook = webhook_table("acme", &receiver.url, SECRET, "");
    let fleet = Fleet::start(events, &hook).await;
    fleet
        .sim
        .data
        .lock()
        .unwrap()
        .customers
        .insert(8101, Vec::new());
    // Made as soon as both replicas are connected, before either may hold the webhook's lease:
    // it still reaches the receiver (a group made at the stream's end once the lease was first
    // taken skipped it).
    change(&fleet.a, "8101", "add").await;
    let first = receiver.until(AT_MOST, |got| !got.is_empty()).await;
    let id = first[0].header("webhook-id").to_owned();
    let deadline = tokio::time::Instant::now() + AT_MOST;
    while pending_in_group(&fleet).await != 1 {
        assert!(tokio::time::Instant::now() < deadline, "never pending");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    // Asked of both replicas, so that one of them is not the lease holder: its redelivery goes
    // out at once; the holder's waits behind the first delivery, in the customer's lane.
    receiver.answer_with(|_| 204);
    for replica in [&fleet.a, &fleet.b] {
        let path = format!("/v1/tenants/acme/events/{id}/redeliver");
        let answer = replica.post(&path, KEY, json!({})).send().await.unwrap();
        assert_eq!(answer.status(), 202);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["queued"], 1, "{body}");
    }
    receiver
        .until(AT_MOST, |got| {
            got.len() >= 2 && got[1..].iter().any(|r| r.header("webhook-id") == id)
        })
        .await;
    // The backlog (both replicas: the first delivery and the holder's redelivery, then the
    // other's) falls to 2 once the other replica's redelivery has ended, acknowledgement and
    // all.
    let deadline = tokio::time::Instant::now() + AT_MOST;
    loop {
        let metrics = fleet.a.metrics().await;
        let backlog = metric_sum(
            &metrics,
            "label_gateway_webhook_backlog",
            &[("tenant", "acme")],
        );
        if backlog == 2.0 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "backlog {backlog}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        pending_in_group(&fleet).await,
        1,
        "the holder's first delivery is still its to retry"
    );
}
