//! Per-client limits in one process (CONTRACT §12): a limited key's every request counts, cache
//! hits included, on the front's path and the router's alike; past its burst it is 429
//! `rate_limited` with `Retry-After`; every answer to it carries `RateLimit-Policy` and
//! `RateLimit`; a key without a limit gets neither and is never refused.
//!
//! The limits refill one request in 1000 s, so nothing refills while a test runs and every
//! count is exact.

use label_gateway_tests::world::{capillary_sim, labels_path, PASSWORD, USERNAME};
use label_gateway_tests::{expect_problem, parse_config, TestGateway};
use label_sim::capillary::SAMPLE_CUSTOMER;
use reqwest::Response;

/// `acme`: an unlimited key and one of 4 at once; `globex`: a default of 2 at once for its
/// plain key, 5 for the key whose table says so.
fn config(sim: &str) -> String {
    format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{sim}\"\nusername = \"{USERNAME}\"\n\
         password = \"{PASSWORD}\"\ncache_ttl_seconds = 3600\napi_keys = [\"free-key\", \
         {{ key = \"tight-key\", requests_per_second = 0.001, burst = 4 }}]\n\n\
         [tenants.globex]\nprovider = \"capillary\"\nbase_url = \"{sim}\"\nusername = \"{USERNAME}\"\n\
         password = \"{PASSWORD}\"\napi_keys = [\"globex-key\", \
         {{ key = \"globex-own\", requests_per_second = 0.001, burst = 5 }}]\n\
         client_rate_limit = {{ requests_per_second = 0.001, burst = 2 }}\n"
    )
}

async fn gateway() -> (label_sim::capillary::CapillarySim, TestGateway) {
    let sim = capillary_sim().await;
    let gateway = TestGateway::start(&config(&sim.server.base_url()), &[]).await;
    (sim, gateway)
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// `r` of the answer's `RateLimit`, after checking both headers' form and the policy.
fn remaining(response: &Response, policy: &str) -> u32 {
    assert_eq!(
        header(response, "ratelimit-policy").as_deref(),
        Some(policy),
        "{:?}",
        response.headers()
    );
    let limit = header(response, "ratelimit").expect("RateLimit on every answer");
    let rest = limit.strip_prefix("\"default\";r=").expect(&limit);
    let (r, t) = rest.split_once(";t=").expect(&limit);
    t.parse::<u64>().expect(&limit);
    r.parse().expect(&limit)
}

#[tokio::test]
async fn every_answer_counts_and_says_so_until_the_burst_is_spent() {
    let (_sim, gateway) = gateway().await;
    let labels = labels_path("acme", SAMPLE_CUSTOMER);
    let policy = "\"default\";q=4;w=4000";

    let miss = gateway.get(&labels, "tight-key").send().await.unwrap();
    assert_eq!(miss.status(), 200);
    assert_eq!(
        header(&miss, "cache-status").unwrap(),
        "label-gateway; fwd=miss"
    );
    assert_eq!(remaining(&miss, policy), 3);
    let etag = header(&miss, "etag").unwrap();

    // A hit is counted like the miss was.
    let hit = gateway.get(&labels, "tight-key").send().await.unwrap();
    assert_eq!(hit.status(), 200);
    assert_eq!(header(&hit, "cache-status").unwrap(), "label-gateway; hit");
    assert_eq!(remaining(&hit, policy), 2);

    let not_modified = gateway
        .get(&labels, "tight-key")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
    assert_eq!(remaining(&not_modified, policy), 1);

    // An error counts too, on the router's path as on the front's.
    let error = gateway
        .get("/v1/tenants/globex", "tight-key")
        .send()
        .await
        .unwrap();
    assert_eq!(remaining(&error, policy), 0);
    expect_problem(error, 403, "forbidden").await;

    for path in [labels.as_str(), "/v1/tenants/acme"] {
        let refused = gateway.get(path, "tight-key").send().await.unwrap();
        assert_eq!(remaining(&refused, policy), 0);
        let retry_after: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
        assert!((990..=1000).contains(&retry_after), "{retry_after}");
        let problem = expect_problem(refused, 429, "rate_limited").await;
        assert!(problem["detail"].as_str().unwrap().contains("4 requests"));
    }
}

#[tokio::test]
async fn a_key_without_a_limit_is_never_counted_nor_refused() {
    let (_sim, gateway) = gateway().await;
    let labels = labels_path("acme", SAMPLE_CUSTOMER);
    for _ in 0..5 {
        let spent = gateway.get(&labels, "tight-key").send().await.unwrap();
        assert!(matches!(spent.status().as_u16(), 200 | 429));
    }
    for path in [labels.as_str(), "/v1/tenants/acme"] {
        for _ in 0..10 {
            let answer = gateway.get(path, "free-key").send().await.unwrap();
            assert_eq!(answer.status(), 200);
            assert_eq!(header(&answer, "ratelimit"), None);
            assert_eq!(header(&answer, "ratelimit-policy"), None);
        }
    }
    // Without an accepted key nothing is counted: the answer is 401, and says nothing of limits.
    let unknown = gateway.get(&labels, "no-such-key").send().await.unwrap();
    assert_eq!(header(&unknown, "ratelimit"), None);
    expect_problem(unknown, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_key_table_overrides_the_tenant_default() {
    let (_sim, gateway) = gateway().await;
    for (key, burst) in [("globex-key", 2), ("globex-own", 5)] {
        let policy = format!("\"default\";q={burst};w={}", burst * 1000);
        for left in (0..burst).rev() {
            let answer = gateway.get("/v1/tenants/globex", key).send().await.unwrap();
            assert_eq!(answer.status(), 200, "{key}");
            assert_eq!(remaining(&answer, &policy), left, "{key}");
        }
        let refused = gateway.get("/v1/tenants/globex", key).send().await.unwrap();
        assert_eq!(remaining(&refused, &policy), 0);
        expect_problem(refused, 429, "rate_limited").await;
    }
}

#[tokio::test]
async fn bad_limits_are_config_problems_at_their_key_path() {
    let config = config("http://127.0.0.1:9")
        .replace("burst = 4", "burst = 0")
        .replace(
            "requests_per_second = 0.001, burst = 2",
            "requests_per_second = -1, burst = 2",
        );
    let problems = parse_config(&config, &[]).expect_err("bad limits are refused");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with("tenants.acme.api_keys[1].burst: must be"),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with("tenants.globex.client_rate_limit.requests_per_second: must be"),
        "{shown:#?}"
    );
}

#[tokio::test]
async fn a_change_over_the_limit_reaches_no_vendor_and_its_body_is_not_read() {
    let (sim, gateway) = gateway().await;
    for _ in 0..4 {
        let spent = gateway
            .get("/v1/tenants/acme", "tight-key")
            .send()
            .await
            .unwrap();
        assert_eq!(spent.status(), 200);
    }
    let change = serde_json::json!({"add": [{"name": "VIP"}]});
    let refused = gateway
        .patch(&labels_path("acme", SAMPLE_CUSTOMER), "tight-key", change)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&refused, "connection").as_deref(), Some("close"));
    assert!(header(&refused, "retry-after").is_some());
    expect_problem(refused, 429, "rate_limited").await;
    assert_eq!(sim.server.calls(), 0, "nothing was sent to the vendor");
}
