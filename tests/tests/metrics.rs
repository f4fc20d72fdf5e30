//! `GET /metrics` over real HTTP: the Prometheus families after some traffic, counts that move
//! exactly with the traffic (vendor calls as the simulator saw them), bounded label values.
//!
//! The recorder is process-wide, so each test uses tenants of its own and reads only their
//! series.

use label_gateway_tests::world::{capillary_sim, capillary_tenant, labels_path};
use label_gateway_tests::{metric_sum as sum, TestGateway};
use label_sim::{capillary, Fault};

/// The cache is off (`capillary_tenant`), so every read is a vendor call; the circuit stays out
/// of the way.
const SETTINGS: &str = "max_retries = 2\ncircuit_failures = 100";

async fn scrape(gateway: &TestGateway) -> String {
    // Never on the public listener, where it would tell anyone which tenants exist.
    let public = gateway.client.get(gateway.url("/metrics")).send().await;
    assert_eq!(public.expect("the gateway answers").status(), 404);
    let response = gateway
        .client
        .get(format!("{}/metrics", gateway.admin_url))
        .send()
        .await
        .expect("the admin listener answers");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_and_every_vendor_attempt() {
    let sim = capillary_sim().await;
    let config = capillary_tenant("metered", &sim.server.base_url(), SETTINGS);
    let gateway = TestGateway::start(&config, &[]).await;
    let sample = labels_path("metered", capillary::SAMPLE_CUSTOMER);
    // One 500 first: the read is retried, so two vendor calls make one answer.
    sim.server.push_fault(Fault::status(500));
    for _ in 0..3 {
        let response = gateway.get(&sample, "metered-key").send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let stranger = labels_path("metered", "987654321987");
    let response = gateway.get(&stranger, "metered-key").send().await.unwrap();
    assert_eq!(response.status(), 404);
    // A tenant nobody configured must not become a series of its own: the request counts
    // under the caller its key names.
    let unknown = labels_path("made-up-tenant", "1");
    gateway.get(&unknown, "metered-key").send().await.unwrap();
    // Nor may a request without an accepted key name a tenant in the series.
    let keyless = gateway
        .client
        .get(gateway.url(&sample))
        .send()
        .await
        .unwrap();
    assert_eq!(keyless.status(), 401);
    let wrong_key = gateway.get(&sample, "not-a-key").send().await.unwrap();
    assert_eq!(wrong_key.status(), 401);

    let text = scrape(&gateway).await;
    let tenant = ("tenant", "metered");
    let route = (
        "route",
        "/v1/tenants/{tenant}/customers/{customer_id}/labels",
    );
    let http = "label_gateway_http_requests_total";
    assert_eq!(
        sum(
            &text,
            http,
            &[tenant, route, ("method", "GET"), ("status", "200")]
        ),
        3.0,
        "{text}"
    );
    assert_eq!(sum(&text, http, &[tenant, route, ("status", "404")]), 2.0);
    assert!(!text.contains("made-up-tenant"), "{text}");
    let unauthenticated = [("tenant", "unauthenticated"), route, ("status", "401")];
    assert_eq!(sum(&text, http, &unauthenticated), 2.0, "{text}");
    assert_eq!(sum(&text, http, &[tenant, route, ("status", "401")]), 0.0);
    let calls = "label_gateway_vendor_calls_total";
    assert_eq!(
        sum(&text, calls, &[tenant]),
        sim.server.calls() as f64,
        "one count per call the vendor saw: {text}"
    );
    assert_eq!(
        sim.server.calls(),
        5,
        "three reads, one retry, one stranger"
    );
    let ok = [tenant, ("provider", "capillary"), ("outcome", "ok")];
    assert_eq!(sum(&text, calls, &ok), 3.0);
    assert_eq!(
        sum(&text, calls, &[tenant, ("outcome", "upstream_error")]),
        1.0
    );
    assert_eq!(
        sum(&text, calls, &[tenant, ("outcome", "customer_not_found")]),
        1.0
    );
    let histogram = "label_gateway_vendor_call_duration_seconds_count";
    assert_eq!(sum(&text, histogram, &[tenant]), 5.0);
    assert_eq!(
        sum(&text, "label_gateway_vendor_retries_total", &[tenant]),
        1.0
    );
    assert!(text.contains("label_gateway_circuit_open{tenant=\"metered\"} 0"));
    for secret in [capillary::SAMPLE_CUSTOMER, "987654321987", "made-up-tenant"] {
        assert!(!text.contains(secret), "{secret} is a label value: {text}");
    }

    // The counts move with the traffic, not only once.
    gateway.get(&sample, "metered-key").send().await.unwrap();
    let text = scrape(&gateway).await;
    assert_eq!(sum(&text, calls, &ok), 4.0);
    assert_eq!(sum(&text, calls, &[tenant]), sim.server.calls() as f64);
}

#[tokio::test]
async fn the_circuit_gauge_follows_the_breaker() {
    let sim = capillary_sim().await;
    let settings = "max_retries = 0\ncircuit_failures = 1";
    let config = capillary_tenant("fragile", &sim.server.base_url(), settings);
    let gateway = TestGateway::start(&config, &[]).await;
    let gauge = "label_gateway_circuit_open{tenant=\"fragile\"}";
    assert!(scrape(&gateway).await.contains(&format!("{gauge} 0")));
    sim.server.push_fault(Fault::status(500));
    let sample = labels_path("fragile", capillary::SAMPLE_CUSTOMER);
    let response = gateway.get(&sample, "fragile-key").send().await.unwrap();
    assert_eq!(response.status(), 502);
    let text = scrape(&gateway).await;
    assert!(text.contains(&format!("{gauge} 1")), "{text}");
}
