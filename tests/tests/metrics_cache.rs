//! The cache's counters on `/metrics`. A file (so a process) of its own: the cache counters are
//! copied from the scraped gateway's cache into the process-wide recorder, so another gateway
//! scraped at the same moment would overwrite them.

use label_gateway_tests::world::{capillary_sim, labels_path, PASSWORD, USERNAME};
use label_gateway_tests::TestGateway;
use label_sim::capillary;

fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in:\n{text}"))
}

#[tokio::test]
async fn cache_hits_and_misses_are_counted() {
    let sim = capillary_sim().await;
    // Written out: `world::capillary_tenant` turns the cache off.
    let config = format!(
        "[tenants.cached]\nprovider = \"capillary\"\nbase_url = \"{}\"\nusername = \"{USERNAME}\"\n\
         password = \"{PASSWORD}\"\napi_keys = [\"cached-key\"]\ncache_ttl_seconds = 60\n",
        sim.server.base_url()
    );
    let gateway = TestGateway::start(&config, &[]).await;
    let sample = labels_path("cached", capillary::SAMPLE_CUSTOMER);
    for _ in 0..3 {
        let response = gateway.get(&sample, "cached-key").send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let text = gateway.metrics().await;
    assert_eq!(sim.server.calls(), 1, "one miss, two hits");
    assert_eq!(value(&text, "label_gateway_cache_misses_total"), 1.0);
    assert_eq!(value(&text, "label_gateway_cache_hits_total"), 2.0);
    assert_eq!(value(&text, "label_gateway_cache_stale_total"), 0.0);
    assert_eq!(value(&text, "label_gateway_cache_coalesced_total"), 0.0);
    assert_eq!(value(&text, "label_gateway_cache_evictions_total"), 0.0);
    assert!(text.contains("label_gateway_cache_entries "), "{text}");
    let calls = "label_gateway_vendor_calls_total{";
    let counted: f64 = text
        .lines()
        .filter(|l| l.starts_with(calls) && l.contains("tenant=\"cached\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(counted, 1.0, "hits make no vendor call");
}
