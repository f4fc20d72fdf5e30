//! `[state] command_timeout_ms`: one slow Redis answer is not an outage. The replica stays
//! `connected` while Redis stalls for less than two pings, and still goes `degraded` when
//! Redis is really gone.

use std::time::Duration;

use label_gateway_tests::fleet::Fleet;
use label_gateway_tests::TestGateway;

async fn state(replica: &TestGateway) -> String {
    let body = replica.readyz().await;
    body["state"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_redis_that_stalls_once_past_the_timeout_leaves_the_replica_connected() {
    let fleet = Fleet::start("command_timeout_ms = 200", "").await;
    let mut redis = fleet.redis.manager().await;
    // Three stalls of 600 ms, each longer than the timeout and shorter than the ping period:
    // at most one ping falls in each and times out.
    for _ in 0..3 {
        let mut sleep = redis::cmd("DEBUG");
        sleep.arg("SLEEP").arg("0.6");
        let stall = sleep.exec_async(&mut redis);
        let watch = async {
            let mut seen = Vec::new();
            for _ in 0..70 {
                seen.push(state(&fleet.a).await);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            seen
        };
        let (stalled, seen) = tokio::join!(stall, watch);
        stalled.unwrap();
        assert!(seen.iter().all(|s| s == "connected"), "{seen:?}");
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
}
