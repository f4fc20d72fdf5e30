//! stale-if-error (RFC 5861): an expired entry answers while the vendor fails, for the window
//! and no longer; what the vendor did answer (4xx) is never hidden behind it.
//!
//! Entries live 1 s; the tests poll until a read stops being a hit instead of sleeping a guess.

use std::time::{Duration, Instant};

use label_gateway_tests::cache::{capillary_tenant, labels_path, poll_until, CacheWorld, Reply};
use label_sim::capillary::SAMPLE_CUSTOMER;
use label_sim::Fault;

const TTL: Duration = Duration::from_secs(1);
const WINDOW: Duration = Duration::from_secs(2);
const LIMIT: Duration = Duration::from_secs(10);

fn config(tenant_extra: &str) -> String {
    format!(
        "[cache]\nttl_seconds = {}\nstale_if_error_seconds = {}\nnegative_ttl_seconds = 1\n{}",
        TTL.as_secs(),
        WINDOW.as_secs(),
        capillary_tenant("acme", "acme-key", tenant_extra)
    )
}

fn failing(status: u16) -> Fault {
    Fault {
        status: Some(status),
        ..Fault::default()
    }
}

/// Reads until the entry has expired, and returns the first answer that was not a hit.
async fn first_read_after_expiry(w: &CacheWorld) -> Reply {
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    poll_until(LIMIT, || w.read(&path, "acme-key", &[]), |r| !r.is_hit())
        .await
        .0
}

#[tokio::test]
async fn an_expired_entry_answers_a_vendor_failure_until_its_window_ends() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let asked = Instant::now();
    let fresh = w.read(&path, "acme-key", &[]).await;
    assert_eq!(fresh.status, 200);
    // From now on every vendor call fails (more faults than the test can use).
    for _ in 0..1000 {
        w.sim.server.push_fault(failing(500));
    }
    let stale = first_read_after_expiry(&w).await;
    assert_eq!(stale.status, 200, "{stale:?}");
    assert_eq!(stale.cache_status, "label-gateway; hit; detail=stale");
    assert!(
        stale.age.is_some_and(|age| age >= TTL.as_secs()),
        "{stale:?}"
    );
    assert_eq!(stale.body, fresh.body);
    assert_eq!(stale.etag, fresh.etag);
    // Every read keeps asking the vendor, and keeps getting the stale answer, until the window
    // is over; then the failure shows.
    let (failed, when) = poll_until(
        LIMIT,
        || w.read(&path, "acme-key", &[]),
        |r| r.status != 200,
    )
    .await;
    assert_eq!(
        (failed.status, failed.body["code"].as_str()),
        (502, Some("upstream_error"))
    );
    assert!(
        when.duration_since(asked) >= TTL + WINDOW,
        "served stale past its window: {:?}",
        when.duration_since(asked)
    );
    assert!(w.label_calls(SAMPLE_CUSTOMER) >= 3);
}

#[tokio::test]
async fn a_vendor_timeout_is_answered_from_the_expired_entry() {
    let w = CacheWorld::start(&config("timeout_ms = 200")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let fresh = w.read(&path, "acme-key", &[]).await;
    w.sim.server.push_fault(Fault {
        delay: Duration::from_secs(2),
        ..Fault::default()
    });
    let stale = first_read_after_expiry(&w).await;
    assert_eq!(
        stale.cache_status, "label-gateway; hit; detail=stale",
        "{stale:?}"
    );
    assert_eq!(stale.body, fresh.body);
}

#[tokio::test]
async fn a_vendor_auth_failure_is_not_masked_by_a_stale_entry() {
    let w = CacheWorld::start(&config("")).await;
    w.read(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", &[])
        .await;
    w.sim.server.push_fault(failing(401));
    let refused = first_read_after_expiry(&w).await;
    assert_eq!(refused.status, 502, "{refused:?}");
    assert_eq!(refused.body["code"], "upstream_auth_failed");
}

#[tokio::test]
async fn a_vendor_rate_limit_is_not_masked_by_a_stale_entry() {
    let w = CacheWorld::start(&config("")).await;
    w.read(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", &[])
        .await;
    w.sim.server.push_fault(failing(429));
    let limited = first_read_after_expiry(&w).await;
    assert_eq!(limited.status, 429, "{limited:?}");
    assert_eq!(limited.body["code"], "upstream_rate_limited");
}

#[tokio::test]
async fn a_customer_the_vendor_forgot_is_not_found_not_stale() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    w.read(&path, "acme-key", &[]).await;
    let id: u64 = SAMPLE_CUSTOMER.parse().unwrap();
    w.sim.data.lock().unwrap().customers.remove(&id);
    let gone = first_read_after_expiry(&w).await;
    assert_eq!(
        (gone.status, gone.body["code"].as_str()),
        (404, Some("customer_not_found"))
    );
    // The old labels are not kept for a later failure either.
    w.sim.server.push_fault(failing(500));
    let after = first_read_after_expiry(&w).await;
    assert_eq!(after.status, 502, "{after:?}");
}

#[tokio::test]
async fn no_cache_is_never_answered_stale() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    w.read(&path, "acme-key", &[]).await;
    w.sim.server.push_fault(failing(500));
    let fresh = w
        .read(&path, "acme-key", &[("cache-control", "no-cache")])
        .await;
    assert_eq!(
        (fresh.status, fresh.cache_status.as_str()),
        (502, "label-gateway; fwd=request")
    );
}
