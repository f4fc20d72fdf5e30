//! A customer's labels are answered alike whether the front answers them (a plain path) or the
//! router does (a path with an escaped segment, which only the router decodes): one
//! authorization, one read, the same status, headers, body and metrics. A file (so a process)
//! of its own, since it reads the process's request series.

use label_gateway_tests::world::{capillary_sim, capillary_tenant};
use label_gateway_tests::TestGateway;
use label_sim::capillary::SAMPLE_CUSTOMER;

const ROUTE: &str = "/v1/tenants/{tenant}/customers/{customer_id}/labels";

/// Everything an answer says, but `Date`, which moves with the clock.
async fn answer(
    gateway: &TestGateway,
    path: &str,
    key: &str,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let response = gateway
        .get(path, key)
        .header("x-request-id", "parity-check")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn requests(metrics: &str, status: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("label_gateway_http_requests_total{"))
        .filter(|l| {
            l.contains(&format!("route=\"{ROUTE}\"")) && l.contains(&format!("status=\"{status}\""))
        })
        .filter(|l| l.contains("tenant=\"acme\"") || l.contains("tenant=\"unauthenticated\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn the_front_and_the_router_answer_a_read_alike() {
    let sim = capillary_sim().await;
    let mut config = capillary_tenant("acme", &sim.server.base_url(), "");
    config = config.replace("cache_ttl_seconds = 0", "cache_ttl_seconds = 3600");
    let gateway = TestGateway::start(&config, &[]).await;
    let plain = format!("/v1/tenants/acme/customers/{SAMPLE_CUSTOMER}/labels");
    // The last digit of the sample customer, escaped: the same customer, through the router.
    let escaped = format!(
        "{}%{:02X}/labels",
        &plain[..plain.len() - "8/labels".len()],
        b'8'
    );
    assert!(plain.ends_with("8/labels"));

    let miss = answer(&gateway, &plain, "acme-key").await;
    assert_eq!(miss.0, 200);
    let by_front = answer(&gateway, &plain, "acme-key").await;
    let by_router = answer(&gateway, &escaped, "acme-key").await;
    assert!(by_front
        .1
        .contains(&("cache-status".into(), "label-gateway; hit".into())));
    assert_eq!(by_front, by_router, "a hit answered alike by both");

    let refused_front = answer(&gateway, &plain, "not-a-key").await;
    let refused_router = answer(&gateway, &escaped, "not-a-key").await;
    assert_eq!(refused_front.0, 401);
    assert_eq!(
        refused_front, refused_router,
        "a refusal answered alike by both"
    );

    let metrics = gateway.metrics().await;
    assert_eq!(
        requests(&metrics, "200"),
        3.0,
        "every answer counted once, under the route"
    );
    assert_eq!(requests(&metrics, "401"), 2.0);
    assert!(!metrics.contains("%38"), "never a raw path in a series");
    assert_eq!(sim.server.calls(), 1, "one vendor read in all");
}
