//! Redis killed under load and restarted: reads never fail, nothing cached is served past
//! `max_staleness_seconds`, keyed writes wait for Redis and then run exactly once, and a
//! replica that reconnects drops what it kept before.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use label_gateway_tests::fleet::{labels_path, read, sample, Fleet, AT_MOST};
use label_gateway_tests::TestGateway;
use label_sim::capillary::UNLABELLED_CUSTOMER;
use serde_json::json;

/// Reads on both replicas until told to stop; counts the answers that were not 200.
fn load(
    fleet: &Fleet,
    stop: Arc<AtomicBool>,
    failures: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<()>> {
    [&fleet.a, &fleet.b]
        .into_iter()
        .map(|replica| {
            let (client, url) = (replica.client.clone(), replica.url(&sample()));
            let (stop, failures) = (stop.clone(), failures.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let answer = client.get(&url).bearer_auth("acme-key").send().await;
                    if !answer.is_ok_and(|a| a.status() == 200) {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect()
}

/// A keyed change, asked again until Redis lets it through.
async fn keyed_until_done(replica: &TestGateway, label: &str) {
    let path = labels_path(UNLABELLED_CUSTOMER);
    let deadline = tokio::time::Instant::now() + AT_MOST;
    loop {
        let change = json!({"add": [{"name": label}]});
        let answer = replica
            .patch(&path, "acme-key", change)
            .header("Idempotency-Key", format!("add-{label}"))
            .send()
            .await
            .unwrap();
        match answer.status().as_u16() {
            200 => return,
            503 => assert!(tokio::time::Instant::now() < deadline, "never let through"),
            other => panic!("a keyed change answered {other}"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn redis_killed_under_load_and_restarted() {
    let fleet = Fleet::start("max_staleness_seconds = 0", "").await;
    read(&fleet.a, &sample()).await;
    let (stop, failures) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let readers = load(&fleet, stop.clone(), failures.clone());

    fleet.redis.kill_9();
    fleet.until_state(&fleet.a, "degraded").await;
    fleet.until_state(&fleet.b, "degraded").await;
    // max_staleness_seconds = 0: while cut off, nothing kept is served.
    let (_, status) = read(&fleet.a, &sample()).await;
    // From the vendor: its own read, or (under this load) another's it shared.
    assert!(status.starts_with("label-gateway; fwd=miss"), "{status}");
    let writer = keyed_until_done(&fleet.a, "VIP");

    fleet.redis.restart();
    writer.await;
    keyed_until_done(&fleet.b, "Newsletter").await;
    keyed_until_done(&fleet.b, "VIP").await; // a repeat: replayed, not written again
    fleet.until_state(&fleet.a, "connected").await;
    fleet.until_state(&fleet.b, "connected").await;

    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        reader.await.unwrap();
    }
    assert_eq!(
        failures.load(Ordering::Relaxed),
        0,
        "every read was answered 200"
    );
    let posts = fleet.sim.server.requests();
    let writes = posts.iter().filter(|r| r.method == "POST").count();
    assert_eq!(
        writes, 2,
        "each keyed change reached the vendor exactly once"
    );
    let mut attached = fleet.sim.attached_names(UNLABELLED_CUSTOMER);
    attached.sort();
    assert_eq!(attached, ["Newsletter", "VIP"]);
}

#[tokio::test]
async fn a_replica_drops_what_it_kept_before_reconnecting() {
    let fleet = Fleet::start("max_staleness_seconds = 3600", "").await;
    read(&fleet.b, &sample()).await;
    fleet.redis.kill_9();
    fleet.until_state(&fleet.b, "degraded").await;
    let (_, status) = read(&fleet.b, &sample()).await;
    assert_eq!(
        status, "label-gateway; hit",
        "within max_staleness, kept entries serve"
    );
    fleet.redis.restart();
    fleet.until_state(&fleet.b, "connected").await;
    let (_, status) = read(&fleet.b, &sample()).await;
    assert_eq!(
        status, "label-gateway; fwd=miss",
        "it may have missed invalidations"
    );
}
