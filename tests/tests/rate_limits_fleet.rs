//! Per-client limits across a fleet (CONTRACT §12): two replicas sharing a `redis-server` hold
//! a key to one limit, leasing its cells from Redis in batches so that most requests never ask
//! Redis; while Redis is out of reach each replica holds the key to the limit alone.
//!
//! The limits that count refill one request in 1000 s: the admitted count is the burst, not a
//! function of how fast the test runs.

use label_gateway_tests::fleet::{sample, Fleet};
use label_gateway_tests::{expect_problem, TestGateway};

const TWENTY: &str = "client_rate_limit = { requests_per_second = 0.001, burst = 20 }";

async fn get(replica: &TestGateway) -> reqwest::Response {
    replica.get(&sample(), "acme-key").send().await.unwrap()
}

/// Script calls Redis has run so far (`EVALSHA`, and `EVAL` when a script was not loaded).
async fn scripts_run(fleet: &Fleet) -> u64 {
    let mut redis = fleet.redis.manager().await;
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut redis)
        .await
        .unwrap();
    info.lines()
        .filter(|line| line.starts_with("cmdstat_evalsha:") || line.starts_with("cmdstat_eval:"))
        .filter_map(|line| {
            line.split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

#[tokio::test]
async fn two_replicas_hold_a_key_to_one_burst() {
    let fleet = Fleet::start("", TWENTY).await;
    let (mut admitted, mut refused) = ([0; 2], 0);
    for i in 0..60 {
        let (replica, side) = if i % 2 == 0 {
            (&fleet.a, 0)
        } else {
            (&fleet.b, 1)
        };
        let answer = get(replica).await;
        assert!(answer.headers().contains_key("ratelimit"));
        if answer.status() == 200 {
            admitted[side] += 1;
        } else {
            refused += 1;
            let problem = expect_problem(answer, 429, "rate_limited").await;
            assert!(problem["detail"].is_string());
        }
    }
    let total = admitted[0] + admitted[1];
    // Within 10 % of the fleet's limit, whichever replica asks.
    assert!((18..=22).contains(&total), "{admitted:?}");
    assert!(admitted[0] > 0 && admitted[1] > 0, "{admitted:?}");
    assert_eq!(total + refused, 60);
}

#[tokio::test]
async fn cache_hits_spend_leased_cells_without_asking_redis_each_time() {
    // A batch is a tenth of a second's worth: 100 cells.
    let fleet = Fleet::start(
        "",
        "client_rate_limit = { requests_per_second = 1000, burst = 1000 }",
    )
    .await;
    assert_eq!(get(&fleet.a).await.status(), 200);
    let before = scripts_run(&fleet).await;
    for _ in 0..300 {
        let hit = get(&fleet.a).await;
        assert_eq!(hit.status(), 200);
        assert_eq!(hit.headers()["cache-status"], "label-gateway; hit");
    }
    let leases = scripts_run(&fleet).await - before;
    // A lease each time half a batch is spent: about 6, never one per request.
    assert!((1..=12).contains(&leases), "{leases} leases for 300 hits");
}

#[tokio::test]
async fn cut_off_from_redis_each_replica_holds_the_key_itself() {
    let fleet = Fleet::start(
        "",
        "client_rate_limit = { requests_per_second = 0.001, burst = 5 }",
    )
    .await;
    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
    fleet.until_state(&fleet.b, "degraded").await;
    for replica in [&fleet.a, &fleet.b] {
        for _ in 0..5 {
            assert_eq!(get(replica).await.status(), 200, "traffic goes on");
        }
        expect_problem(get(replica).await, 429, "rate_limited").await;
    }
}
