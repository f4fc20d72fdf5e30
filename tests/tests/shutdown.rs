//! Graceful shutdown is bounded: requests in flight get the grace period, not for ever. (The
//! real binary under SIGTERM is tested in `crates/label-gateway/tests/signals.rs`.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use label_gateway::http::state::Gateway;
use label_gateway::serve::{serve_gateway, Listeners};
use label_gateway_tests::parse_config;
use label_gateway_tests::world::{capillary_sim, capillary_tenant, sample_path};
use label_sim::Fault;
use tokio::sync::oneshot;

#[tokio::test]
async fn shutdown_stops_waiting_for_a_stuck_request_after_the_grace_period() {
    let sim = capillary_sim().await;
    let tenant = capillary_tenant("acme", &sim.server.base_url(), "timeout_ms = 60000");
    let config = parse_config(&tenant, &[]).expect("a valid config");
    let free = "127.0.0.1:0".parse().unwrap();
    let listeners = Listeners::bind(free, free).await.unwrap();
    let url = format!(
        "http://{}{}",
        listeners.public.local_addr().unwrap(),
        sample_path()
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };
    let grace = Duration::from_millis(300);
    let gateway = Arc::new(Gateway::new(&config));
    let server = tokio::spawn(serve_gateway(gateway, listeners, shutdown, grace));
    sim.server.push_fault(Fault::delay(Duration::from_secs(60)));
    let stuck = tokio::spawn(
        reqwest::Client::new()
            .get(url)
            .bearer_auth("acme-key")
            .send(),
    );
    while sim.server.calls() < 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    stop.send(()).unwrap();
    let served = tokio::time::timeout(Duration::from_secs(20), server).await;
    let served = served.expect("the server stopped").expect("no panic");
    assert!(served.is_ok(), "{served:?}");
    // 300 ms of grace; 10 s is a generous bound, far below the 60 s the request would take.
    assert!(started.elapsed() < Duration::from_secs(10));
    stuck.abort();
}
