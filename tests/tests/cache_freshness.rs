//! When the cache must not answer from what it holds: after a write, on `no-cache`; and how it
//! validates (`If-None-Match`) and forgets an unknown customer.

use std::time::Duration;

use label_gateway_tests::cache::{capillary_tenant, labels_path, poll_until, CacheWorld};
use label_sim::capillary::SAMPLE_CUSTOMER;
use label_sim::Fault;
use serde_json::json;

const VIP: &str = "20960";
const NEWSLETTER: u64 = 20961;

fn config(cache: &str) -> String {
    format!(
        "[cache]\nttl_seconds = 300\n{cache}\n{}",
        capillary_tenant("acme", "acme-key", "")
    )
}

#[tokio::test]
async fn a_read_after_a_write_shows_the_change() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let raw_path = format!("{path}?include=raw");
    let before = w.read(&path, "acme-key", &[]).await;
    w.read(&raw_path, "acme-key", &[]).await;
    assert!(!before.label_ids().contains(&VIP.to_owned()));
    assert!(w.read(&path, "acme-key", &[]).await.is_hit());
    let change = w
        .gateway
        .patch(&path, "acme-key", json!({"add": [{"name": "VIP"}]}));
    assert_eq!(change.send().await.unwrap().status(), 200);
    for path in [&path, &raw_path] {
        let after = w.read(path, "acme-key", &[]).await;
        assert_eq!(after.cache_status, "label-gateway; fwd=miss", "{after:?}");
        assert!(after.label_ids().contains(&VIP.to_owned()), "{after:?}");
        assert_ne!(after.etag, before.etag);
    }
}

#[tokio::test]
async fn a_write_that_fails_at_the_vendor_drops_the_entry_too() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    w.read("/v1/tenants/acme/labels", "acme-key", &[]).await;
    w.read(&path, "acme-key", &[]).await;
    let calls = w.label_calls(SAMPLE_CUSTOMER);
    // The change's own fresh read passes; its changeLabels call meets a vendor failure, which
    // may or may not have changed the vendor's state.
    w.sim.server.push_fault(Fault::default());
    w.sim.server.push_fault(Fault {
        status: Some(500),
        ..Fault::default()
    });
    let change = w
        .gateway
        .patch(&path, "acme-key", json!({"add": [{"name": "VIP"}]}));
    assert_eq!(change.send().await.unwrap().status(), 502);
    let after = w.read(&path, "acme-key", &[]).await;
    assert_eq!(after.cache_status, "label-gateway; fwd=miss", "{after:?}");
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), calls + 2);
}

#[tokio::test]
async fn no_cache_asks_the_vendor_and_refreshes_the_entry() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let first = w.read(&path, "acme-key", &[]).await;
    w.attach_at_vendor(SAMPLE_CUSTOMER, NEWSLETTER);
    let cached = w.read(&path, "acme-key", &[]).await;
    assert!(cached.is_hit());
    assert_eq!(cached.label_ids(), first.label_ids());
    let fresh = w
        .read(&path, "acme-key", &[("cache-control", "no-cache")])
        .await;
    assert_eq!(fresh.cache_status, "label-gateway; fwd=request");
    assert_eq!(fresh.age, None);
    assert!(fresh.label_ids().contains(&NEWSLETTER.to_string()));
    let refreshed = w.read(&path, "acme-key", &[]).await;
    assert!(refreshed.is_hit(), "{refreshed:?}");
    assert_eq!(refreshed.label_ids(), fresh.label_ids());
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 2);
}

#[tokio::test]
async fn if_none_match_gets_304_on_a_hit_and_on_a_miss() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let first = w.read(&path, "acme-key", &[]).await;
    let etag = first.etag.clone().expect("an ETag");
    let hit = w.read(&path, "acme-key", &[("if-none-match", &etag)]).await;
    assert_eq!(
        (hit.status, hit.cache_status.as_str()),
        (304, "label-gateway; hit")
    );
    assert_eq!(hit.body, serde_json::Value::Null);
    assert_eq!(hit.etag.as_deref(), Some(etag.as_str()));
    let refreshed = w
        .read(
            &path,
            "acme-key",
            &[("if-none-match", &etag), ("cache-control", "no-cache")],
        )
        .await;
    assert_eq!(
        (refreshed.status, refreshed.cache_status.as_str()),
        (304, "label-gateway; fwd=request")
    );
    // A gateway with a cold cache: a true miss whose fresh answer is unchanged.
    let cold = w.second_gateway(&config("")).await;
    let miss = label_gateway_tests::cache::read_from(
        &cold,
        &path,
        "acme-key",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(
        (miss.status, miss.cache_status.as_str()),
        (304, "label-gateway; fwd=miss")
    );
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 3);
}

#[tokio::test]
async fn an_unknown_customer_is_remembered_for_the_negative_ttl() {
    let w = CacheWorld::start(&config("negative_ttl_seconds = 1")).await;
    let path = labels_path("acme", "123456");
    let first = w.read(&path, "acme-key", &[]).await;
    assert_eq!(
        (first.status, first.body["code"].as_str()),
        (404, Some("customer_not_found"))
    );
    assert_eq!(first.cache_status, "label-gateway; fwd=miss");
    let second = w.read(&path, "acme-key", &[]).await;
    assert_eq!(
        (second.status, second.cache_status.as_str()),
        (404, "label-gateway; hit")
    );
    assert_eq!(second.body["code"], "customer_not_found");
    assert_eq!(w.label_calls("123456"), 1);
    // Past the negative TTL the vendor is asked again.
    let (expired, _) = poll_until(
        Duration::from_secs(5),
        || w.read(&path, "acme-key", &[]),
        |reply| !reply.is_hit(),
    )
    .await;
    assert_eq!(
        (expired.status, expired.cache_status.as_str()),
        (404, "label-gateway; fwd=miss")
    );
    assert_eq!(w.label_calls("123456"), 2);
}

#[tokio::test]
async fn without_a_negative_ttl_an_unknown_customer_is_asked_every_time() {
    let w = CacheWorld::start(&config("negative_ttl_seconds = 0")).await;
    let path = labels_path("acme", "123456");
    for _ in 0..3 {
        let reply = w.read(&path, "acme-key", &[]).await;
        assert_eq!(
            (reply.status, reply.cache_status.as_str()),
            (404, "label-gateway; fwd=miss")
        );
    }
    assert_eq!(w.label_calls("123456"), 3);
}
