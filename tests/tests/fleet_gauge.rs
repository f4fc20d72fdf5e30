//! `label_gateway_state_connected` follows Redis. A file (so a process) of its own: the gauge
//! is the process's, which other tests' gateways would move.

use label_gateway_tests::fleet::Fleet;

fn connected_gauge(metrics: &str) -> Option<String> {
    metrics
        .lines()
        .find(|line| line.starts_with("label_gateway_state_connected "))
        .and_then(|line| line.rsplit(' ').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn the_gauge_and_readyz_follow_redis() {
    let fleet = Fleet::start("", "").await;
    assert_eq!(
        connected_gauge(&fleet.a.metrics().await).as_deref(),
        Some("1")
    );
    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
    fleet.until_state(&fleet.b, "degraded").await;
    assert_eq!(
        connected_gauge(&fleet.a.metrics().await).as_deref(),
        Some("0")
    );
    fleet.redis.restart();
    fleet.until_state(&fleet.a, "connected").await;
    fleet.until_state(&fleet.b, "connected").await;
    assert_eq!(
        connected_gauge(&fleet.a.metrics().await).as_deref(),
        Some("1")
    );
}
