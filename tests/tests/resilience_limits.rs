//! The circuit breaker, the concurrency cap, and the isolation of tenants from each other's
//! vendors. Timing is only ever bounded generously; what must not happen is shown by counting
//! the vendor's calls.

use std::time::{Duration, Instant};

use futures::future::join_all;
use label_gateway_tests::world::{capillary_sim, capillary_tenant, labels_path, world, World};
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::{SAMPLE_CUSTOMER, UNLABELLED_CUSTOMER};
use label_sim::Fault;

const BREAKER: &str =
    "timeout_ms = 3000\nmax_retries = 0\ncircuit_failures = 3\ncircuit_open_seconds = 1";

fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Waits out the open period: waiting at least as long is all a test needs to know.
async fn wait_open_period() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

async fn expect_circuit_open(w: &World) {
    let response = w.get_sample().await;
    let after = retry_after(&response);
    expect_problem(response, 503, "upstream_unavailable").await;
    assert_eq!(after, Some(1), "seconds until a probe may go through");
}

#[tokio::test]
async fn the_breaker_opens_after_n_failures_then_fails_fast_without_vendor_calls() {
    let w = world(BREAKER).await;
    w.sim.server.push_faults(3, Fault::status(500));
    for _ in 0..3 {
        expect_problem(w.get_sample().await, 502, "upstream_error").await;
    }
    let started = Instant::now();
    for _ in 0..5 {
        expect_circuit_open(&w).await;
    }
    assert!(started.elapsed() < Duration::from_secs(1), "fails fast");
    assert_eq!(w.sim.server.calls(), 3, "an open circuit calls nothing");
}

#[tokio::test]
async fn one_probe_after_the_open_period_reopens_on_failure_and_closes_on_success() {
    let w = world(BREAKER).await;
    w.sim.server.push_faults(3, Fault::status(500));
    for _ in 0..3 {
        expect_problem(w.get_sample().await, 502, "upstream_error").await;
    }
    wait_open_period().await;
    w.sim.server.push_fault(Fault::status(500));
    expect_problem(w.get_sample().await, 502, "upstream_error").await;
    expect_circuit_open(&w).await;
    assert_eq!(
        w.sim.server.calls(),
        4,
        "the failed probe reopened the circuit"
    );

    wait_open_period().await;
    // The probe is slow, so that the other requests arrive while it is out.
    w.sim
        .server
        .push_fault(Fault::delay(Duration::from_millis(500)));
    let answers = join_all((0..4).map(|_| async { w.get_sample().await.status().as_u16() })).await;
    let mut sorted = answers.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [200, 503, 503, 503],
        "exactly one probe: {answers:?}"
    );
    assert_eq!(w.sim.server.calls(), 5);
    let (status, _) = json(w.get_sample().await).await;
    assert_eq!(status, 200, "the successful probe closed the circuit");
    assert_eq!(w.sim.server.calls(), 6);
}

#[tokio::test]
async fn client_errors_and_answers_never_count_as_vendor_failures() {
    let w = world("max_retries = 0\ncircuit_failures = 2").await;
    let unknown = labels_path("acme", "999999999");
    for round in 0..3 {
        w.sim.server.push_fault(Fault::status(500));
        expect_problem(w.get_sample().await, 502, "upstream_error").await;
        // The vendor answers "no such customer": it works, so the count starts again.
        let response = w.gateway.get(&unknown, "acme-key").send().await.unwrap();
        expect_problem(response, 404, "customer_not_found").await;
        // Caught before any vendor call.
        let bad = labels_path("acme", "not-a-number");
        let response = w.gateway.get(&bad, "acme-key").send().await.unwrap();
        expect_problem(response, 400, "invalid_customer_id").await;
        assert_eq!(w.sim.server.calls(), 2 * (round + 1));
    }
    let path = labels_path("acme", UNLABELLED_CUSTOMER);
    let (status, body) = json(w.gateway.get(&path, "acme-key").send().await.unwrap()).await;
    assert_eq!(status, 200, "the circuit never opened: {body}");
}

#[tokio::test]
async fn max_in_flight_caps_the_calls_to_a_vendor_and_refuses_the_excess() {
    // A call over the cap waits up to a quarter of timeout_ms (1 s here) for a slot.
    let w = world("timeout_ms = 4000\nmax_in_flight = 2\nmax_retries = 0").await;
    w.sim
        .server
        .push_faults(2, Fault::delay(Duration::from_secs(3)));
    let slow =
        async { join_all((0..2).map(|_| async { w.get_sample().await.status().as_u16() })).await };
    let excess = async {
        while w.sim.server.calls() < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let started = Instant::now();
        let response = w.get_sample().await;
        let waited = started.elapsed();
        let after = retry_after(&response);
        expect_problem(response, 503, "upstream_unavailable").await;
        (waited, after, w.sim.server.calls())
    };
    let (slow, (waited, after, calls)) = tokio::join!(slow, excess);
    assert_eq!(slow, [200, 200]);
    assert_eq!(calls, 2, "the excess request never reached the vendor");
    assert!(after.is_some());
    assert!(waited < Duration::from_millis(2500), "waited {waited:?}");
}

#[tokio::test]
async fn a_slow_vendor_for_one_tenant_leaves_another_tenant_fast() {
    let slow_sim = capillary_sim().await;
    let fast_sim = capillary_sim().await;
    let settings = "timeout_ms = 2000\nmax_in_flight = 4\nmax_retries = 2";
    let config = capillary_tenant("slow", &slow_sim.server.base_url(), settings)
        + &capillary_tenant("fast", &fast_sim.server.base_url(), settings);
    let gateway = TestGateway::start(&config, &[]).await;
    slow_sim
        .server
        .push_faults(100, Fault::delay(Duration::from_secs(10)));
    let slow = async {
        let path = labels_path("slow", SAMPLE_CUSTOMER);
        let answers = join_all((0..12).map(|_| async {
            let response = gateway.get(&path, "slow-key").send().await.unwrap();
            response.status().as_u16()
        }));
        answers.await
    };
    let fast = async {
        // Start once the slow tenant's vendor is saturated.
        while slow_sim.server.calls() < 4 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let started = Instant::now();
        let path = labels_path("fast", SAMPLE_CUSTOMER);
        for _ in 0..20 {
            let response = gateway.get(&path, "fast-key").send().await.unwrap();
            assert_eq!(response.status(), 200);
        }
        started.elapsed()
    };
    let (slow, fast_took) = tokio::join!(slow, fast);
    assert!(slow.iter().all(|&s| s == 504 || s == 503), "{slow:?}");
    assert_eq!(fast_sim.server.calls(), 20);
    // Twenty local round trips take milliseconds; the slow tenant's requests take 2 s each.
    assert!(fast_took < Duration::from_millis(1500), "{fast_took:?}");
}
