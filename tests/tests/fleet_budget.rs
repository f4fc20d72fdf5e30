//! `vendor_requests_per_minute`: one budget per tenant for the whole fleet (GCRA in Redis), in
//! the process without `[state]`, and in each process while Redis cannot be reached.

use label_gateway_tests::fleet::{fresh_read, Fleet};
use label_gateway_tests::world::capillary_sim;
use label_gateway_tests::{expect_problem, TestGateway};

/// A call a second, three at once (the rate's call plus a burst of two); a call that would
/// wait a second for the budget does not fit in 300 ms.
const BUDGET: &str = "vendor_requests_per_minute = 60\nvendor_burst = 2\ntimeout_ms = 300";

async fn spent(answer: reqwest::Response) {
    let retry_after: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let problem = expect_problem(answer, 429, "upstream_rate_limited").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("budget"), "{detail}");
}

#[tokio::test]
async fn two_replicas_share_one_budget() {
    let fleet = Fleet::start("", BUDGET).await;
    for replica in [&fleet.a, &fleet.b, &fleet.a] {
        assert_eq!(fresh_read(replica).await.status(), 200);
    }
    spent(fresh_read(&fleet.b).await).await;
    assert_eq!(
        fleet.sim.server.calls(),
        3,
        "the refused call reached no vendor"
    );
}

#[tokio::test]
async fn cut_off_from_redis_each_replica_keeps_the_budget_itself() {
    let fleet = Fleet::start("", BUDGET).await;
    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
    for _ in 0..3 {
        assert_eq!(fresh_read(&fleet.a).await.status(), 200);
    }
    spent(fresh_read(&fleet.a).await).await;
}

#[tokio::test]
async fn without_state_the_process_keeps_the_budget() {
    let sim = capillary_sim().await;
    let config = format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{}\"\nusername = \"{}\"\n\
         password = \"{}\"\napi_keys = [\"acme-key\"]\n{BUDGET}\n",
        sim.server.base_url(),
        label_gateway_tests::world::USERNAME,
        label_gateway_tests::world::PASSWORD,
    );
    let gateway = TestGateway::start(&config, &[]).await;
    for _ in 0..3 {
        assert_eq!(fresh_read(&gateway).await.status(), 200);
    }
    spent(fresh_read(&gateway).await).await;
    assert_eq!(sim.server.calls(), 3);
}

#[tokio::test]
async fn a_call_over_budget_waits_when_its_deadline_allows() {
    // A call every 100 ms, two at once, and three seconds to wait in.
    let budget = "vendor_requests_per_minute = 600\nvendor_burst = 1\ntimeout_ms = 3000";
    let fleet = Fleet::start("", budget).await;
    for replica in [&fleet.a, &fleet.b, &fleet.a, &fleet.b] {
        assert_eq!(fresh_read(replica).await.status(), 200);
    }
    let waited = fleet
        .a
        .metrics()
        .await
        .lines()
        .any(|l| l.contains("vendor_budget_waits_total") && l.contains("outcome=\"waited\""));
    assert!(waited, "a call waited for the budget");
}
