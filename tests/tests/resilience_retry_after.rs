//! What vendors say about time: a `Retry-After` is clamped to the tenant's
//! `max_retry_after_seconds` before the client (or the breaker) sees it.

use label_gateway_tests::expect_problem;
use label_gateway_tests::world::world;
use label_sim::Fault;

fn retry_after(response: &reqwest::Response) -> Option<String> {
    let value = response.headers().get("retry-after")?;
    Some(value.to_str().ok()?.to_owned())
}

#[tokio::test]
async fn a_vendor_retry_after_past_the_tenants_ceiling_is_clamped() {
    let w = world("max_retries = 0\nmax_retry_after_seconds = 45").await;
    w.sim
        .server
        .push_fault(Fault::status(429).with_retry_after("86400"));
    let answer = w.get_sample().await;
    assert_eq!(retry_after(&answer).as_deref(), Some("45"));
    expect_problem(answer, 429, "upstream_rate_limited").await;
}

#[tokio::test]
async fn the_default_ceiling_is_five_minutes_and_shorter_waits_pass_unchanged() {
    let w = world("max_retries = 0").await;
    w.sim
        .server
        .push_fault(Fault::status(429).with_retry_after("3600"));
    let answer = w.get_sample().await;
    assert_eq!(retry_after(&answer).as_deref(), Some("300"));
    expect_problem(answer, 429, "upstream_rate_limited").await;
    w.sim
        .server
        .push_fault(Fault::status(429).with_retry_after("7"));
    assert_eq!(retry_after(&w.get_sample().await).as_deref(), Some("7"));
}
