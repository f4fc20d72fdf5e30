//! The vendor budget admits honestly: a call waits for it only while it keeps enough of its
//! deadline for the vendor, a refused call reserves nothing, an unused cell goes back, and the
//! gateway's own waits never count against the vendor.

use std::time::Duration;

use label_gateway_tests::fleet::{fresh_read, sample, Fleet, AT_MOST};
use label_gateway_tests::{expect_problem, metric_sum, TestGateway};
use label_sim::Fault;
use redis::AsyncCommands;

const TAT: &str = "lg-test:budget:acme";

async fn tat(fleet: &Fleet) -> Option<u64> {
    fleet.redis.manager().await.get(TAT).await.unwrap()
}

fn calls(metrics: &str, outcome: &str) -> f64 {
    metric_sum(
        metrics,
        "label_gateway_vendor_calls_total",
        &[("tenant", "acme"), ("outcome", outcome)],
    )
}

#[tokio::test]
async fn a_call_that_would_wait_past_its_deadline_is_refused_at_once_and_reserves_nothing() {
    // A call a second, two at once; the third's cell is a second away, and a second of waiting
    // would leave the vendor nothing of a 1000 ms deadline.
    let budget = "vendor_requests_per_minute = 60\nvendor_burst = 1\ntimeout_ms = 1000";
    let fleet = Fleet::start("", budget).await;
    for replica in [&fleet.a, &fleet.b] {
        assert_eq!(fresh_read(replica).await.status(), 200);
    }
    let before = tat(&fleet).await;
    let refused = fresh_read(&fleet.a).await;
    assert_eq!(
        refused.headers()["retry-after"],
        "1",
        "when the next cell is due"
    );
    expect_problem(refused, 429, "upstream_rate_limited").await;
    assert_eq!(tat(&fleet).await, before, "the refusal reserved no cell");
    assert_eq!(fleet.sim.server.calls(), 2);
    // At least: the process's recorder is shared with the other tests of this file.
    assert!(calls(&fleet.a.metrics().await, "budget") >= 1.0);
}

#[tokio::test]
async fn a_call_waits_for_the_budget_no_longer_than_a_vendor_call_needs() {
    // A call a second, two at once; the third's cell is a second away. A 3000 ms deadline
    // could afford that second, but a vendor call needs only `min_call_ms` (100): the client
    // is told when the cell is due instead of being held for it.
    let budget = "vendor_requests_per_minute = 60\nvendor_burst = 1\ntimeout_ms = 3000\n\
                  min_call_ms = 100";
    let fleet = Fleet::start("", budget).await;
    for replica in [&fleet.a, &fleet.b] {
        assert_eq!(fresh_read(replica).await.status(), 200);
    }
    let before = tat(&fleet).await;
    let refused = fresh_read(&fleet.b).await;
    assert_eq!(
        refused.headers()["retry-after"],
        "1",
        "when the cell is due"
    );
    let problem = expect_problem(refused, 429, "upstream_rate_limited").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("budget"),
        "{problem}"
    );
    assert_eq!(tat(&fleet).await, before, "the refusal reserved no cell");
    // (The refusal's metric is not counted here: the replicas of this file's tests share
    // one process's recorder, and the test above refuses acme's calls too.)
    assert_eq!(
        fleet.sim.server.calls(),
        2,
        "nothing more reached the vendor"
    );
}

#[tokio::test]
async fn a_cell_reserved_for_a_call_that_gets_no_slot_goes_back_to_the_budget() {
    // One slot; the first call holds it far longer than the second may queue (a quarter of
    // the deadline).
    let settings = "vendor_requests_per_minute = 60\nvendor_burst = 5\ntimeout_ms = 3000\n\
                    max_in_flight = 1\nmax_retries = 0";
    let fleet = Fleet::start("", settings).await;
    fleet
        .sim
        .server
        .push_fault(Fault::delay(Duration::from_millis(2500)));
    let slow = tokio::spawn({
        let url = fleet.a.url(&sample());
        let client = fleet.a.client.clone();
        async move {
            client
                .get(url)
                .bearer_auth("acme-key")
                .header("Cache-Control", "no-cache")
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    while fleet.sim.server.calls() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let held = tat(&fleet).await;
    let busy = fresh_read(&fleet.a).await;
    expect_problem(busy, 503, "upstream_unavailable").await;
    let deadline = tokio::time::Instant::now() + AT_MOST;
    while tat(&fleet).await != held {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the cell never came back"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(slow.await.unwrap(), 200);
    let metrics = fleet.a.metrics().await;
    assert_eq!(calls(&metrics, "in_flight"), 1.0);
}

#[tokio::test]
async fn clients_retrying_at_once_get_every_allowed_call_and_never_open_the_circuit() {
    let budget = "vendor_requests_per_minute = 120\nvendor_burst = 12\ntimeout_ms = 3000\n\
                  circuit_failures = 5";
    let fleet = Fleet::start("", budget).await;
    let until = tokio::time::Instant::now() + Duration::from_millis(2500);
    let client = |replica: &TestGateway| {
        let (url, http) = (replica.url(&sample()), replica.client.clone());
        async move {
            let mut statuses = Vec::new();
            while tokio::time::Instant::now() < until {
                let answer = http
                    .get(&url)
                    .bearer_auth("acme-key")
                    .header("Cache-Control", "no-cache")
                    .send()
                    .await
                    .unwrap();
                statuses.push(answer.status().as_u16());
            }
            statuses
        }
    };
    let clients =
        (0..32).map(|i| tokio::spawn(client(if i % 2 == 0 { &fleet.a } else { &fleet.b })));
    let mut statuses = Vec::new();
    for answers in futures::future::join_all(clients).await {
        statuses.extend(answers.unwrap());
    }
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(
        count(429) + count(200),
        statuses.len(),
        "only 200s and 429s"
    );
    assert!(count(200) >= 13, "at least the burst went: {}", count(200));
    assert_eq!(
        fleet.sim.server.calls(),
        count(200),
        "every call that reached the vendor became a 200"
    );
    for replica in [&fleet.a, &fleet.b] {
        let metrics = replica.metrics().await;
        assert!(calls(&metrics, "budget") > 0.0);
        assert_eq!(calls(&metrics, "deadline"), 0.0);
        assert_eq!(
            metric_sum(
                &metrics,
                "label_gateway_circuit_open",
                &[("tenant", "acme")]
            ),
            0.0
        );
    }
}
