//! The cache seen from outside: hits cost no vendor call, concurrent misses make one, tenants
//! never share an entry, and a TTL of 0 turns it off.

use std::time::Duration;

use label_gateway_tests::cache::{capillary_tenant, labels_path, CacheWorld};
use label_sim::capillary::SAMPLE_CUSTOMER;
use label_sim::Fault;

fn config(extra_tenants: &str) -> String {
    format!(
        "[cache]\nttl_seconds = 300\n{}{extra_tenants}",
        capillary_tenant("acme", "acme-key", "")
    )
}

#[tokio::test]
async fn a_second_read_is_a_hit_with_an_age_and_no_vendor_call() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let first = w.read(&path, "acme-key", &[]).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.cache_status, "label-gateway; fwd=miss");
    assert_eq!(first.age, None);
    let second = w.read(&path, "acme-key", &[]).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.cache_status, "label-gateway; hit");
    assert!(second.age.is_some_and(|age| age < 300), "{second:?}");
    assert_eq!(second.body, first.body);
    assert_eq!(second.etag, first.etag);
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 1);
}

#[tokio::test]
async fn with_and_without_raw_records_are_two_entries() {
    let w = CacheWorld::start(&config("")).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let raw_path = format!("{path}?include=raw");
    assert!(!w.read(&path, "acme-key", &[]).await.is_hit());
    let raw = w.read(&raw_path, "acme-key", &[]).await;
    assert!(!raw.is_hit(), "{raw:?}");
    assert!(raw.body["labels"][0]["raw"].is_object());
    let plain = w.read(&path, "acme-key", &[]).await;
    assert!(plain.is_hit());
    assert!(plain.body["labels"][0].get("raw").is_none());
    assert!(w.read(&raw_path, "acme-key", &[]).await.is_hit());
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 2);
}

#[tokio::test]
async fn fifty_concurrent_cold_reads_make_one_vendor_call() {
    let w = CacheWorld::start(&config("")).await;
    // The vendor takes its time, so every read arrives while the first is still out.
    w.sim.server.push_fault(Fault {
        delay: Duration::from_millis(400),
        ..Fault::default()
    });
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let reads = (0..50).map(|_| w.read(&path, "acme-key", &[]));
    let replies = futures::future::join_all(reads).await;
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 1);
    assert!(replies
        .iter()
        .all(|r| r.status == 200 && r.body == replies[0].body));
    let misses = replies
        .iter()
        .filter(|r| r.cache_status == "label-gateway; fwd=miss")
        .count();
    assert_eq!(misses, 1, "{replies:?}");
    // The others waited for that call (RFC 9211 `collapsed`), or came after it and hit.
    assert!(replies.iter().all(|r| [
        "label-gateway; fwd=miss",
        "label-gateway; fwd=miss; collapsed",
        "label-gateway; hit"
    ]
    .contains(&r.cache_status.as_str())));
}

#[tokio::test]
async fn concurrent_reads_share_one_failure_and_it_is_not_stored() {
    let w = CacheWorld::start(&config("")).await;
    w.sim.server.push_fault(Fault {
        delay: Duration::from_millis(400),
        status: Some(500),
        ..Fault::default()
    });
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    let reads = (0..20).map(|_| w.read(&path, "acme-key", &[]));
    let replies = futures::future::join_all(reads).await;
    assert!(
        replies
            .iter()
            .all(|r| r.status == 502 && r.body["code"] == "upstream_error"),
        "{replies:?}"
    );
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 1);
    let after = w.read(&path, "acme-key", &[]).await;
    assert_eq!(
        (after.status, after.cache_status.as_str()),
        (200, "label-gateway; fwd=miss")
    );
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 2);
}

#[tokio::test]
async fn tenants_on_one_vendor_account_never_share_an_entry() {
    // Same vendor, same customer id; `umbrella` has the account, `wrongpw` a bad password.
    let others = format!(
        "{}[tenants.wrongpw]\nprovider = \"capillary\"\nbase_url = \"${{CAP_URL}}\"\n\
         username = \"till_42\"\npassword = \"not-the-password\"\napi_keys = [\"wrongpw-key\"]\n",
        capillary_tenant("umbrella", "umbrella-key", "")
    );
    let w = CacheWorld::start(&config(&others)).await;
    let acme = w
        .read(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", &[])
        .await;
    assert_eq!(acme.status, 200);
    assert!(w
        .read(&labels_path("acme", SAMPLE_CUSTOMER), "acme-key", &[])
        .await
        .is_hit());
    // A tenant whose vendor refuses it gets the refusal, never acme's labels.
    let refused = w
        .read(&labels_path("wrongpw", SAMPLE_CUSTOMER), "wrongpw-key", &[])
        .await;
    assert_eq!(refused.status, 502, "{refused:?}");
    assert_eq!(refused.body["code"], "upstream_auth_failed");
    assert!(refused.body.get("labels").is_none());
    // A tenant the vendor accepts asks the vendor itself, then has its own entry.
    let path = labels_path("umbrella", SAMPLE_CUSTOMER);
    let umbrella = w.read(&path, "umbrella-key", &[]).await;
    assert_eq!(umbrella.cache_status, "label-gateway; fwd=miss");
    assert_eq!(umbrella.body["tenant"], "umbrella");
    assert!(w.read(&path, "umbrella-key", &[]).await.is_hit());
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 3);
}

#[tokio::test]
async fn the_catalog_is_cached_per_tenant() {
    let w = CacheWorld::start(&config(&capillary_tenant("umbrella", "umbrella-key", ""))).await;
    let acme = w.read("/v1/tenants/acme/labels", "acme-key", &[]).await;
    assert_eq!(
        (acme.status, acme.cache_status.as_str()),
        (200, "label-gateway; fwd=miss")
    );
    let again = w.read("/v1/tenants/acme/labels", "acme-key", &[]).await;
    assert!(again.is_hit() && again.age.is_some(), "{again:?}");
    assert_eq!(again.label_ids(), acme.label_ids());
    assert_eq!(w.catalog_calls(), 1);
    let umbrella = w
        .read("/v1/tenants/umbrella/labels", "umbrella-key", &[])
        .await;
    assert_eq!(umbrella.cache_status, "label-gateway; fwd=miss");
    assert_eq!(umbrella.body["tenant"], "umbrella");
    assert_eq!(w.catalog_calls(), 2);
}

#[tokio::test]
async fn a_tenant_with_ttl_0_asks_the_vendor_every_time() {
    let toml = format!(
        "[cache]\nttl_seconds = 300\n{}",
        capillary_tenant("acme", "acme-key", "cache_ttl_seconds = 0")
    );
    let w = CacheWorld::start(&toml).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    for _ in 0..3 {
        let reply = w.read(&path, "acme-key", &[]).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.cache_status, "label-gateway; fwd=bypass");
        assert_eq!(reply.age, None);
    }
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 3);
    for _ in 0..2 {
        let catalog = w.read("/v1/tenants/acme/labels", "acme-key", &[]).await;
        assert_eq!(catalog.cache_status, "label-gateway; fwd=bypass");
    }
    assert_eq!(w.catalog_calls(), 2);
}

#[tokio::test]
async fn a_cached_answer_is_guarded_and_answered_alike_however_it_is_asked_for() {
    let w = CacheWorld::start(&config(&capillary_tenant("umbrella", "umbrella-key", ""))).await;
    let path = labels_path("acme", SAMPLE_CUSTOMER);
    assert_eq!(w.read(&path, "acme-key", &[]).await.status, 200);
    let hit = w.read(&path, "acme-key", &[]).await;
    assert!(hit.is_hit(), "{hit:?}");
    // Held in the cache, the answer is still refused without the tenant's own key.
    for (key, status, code) in [
        ("", 401, "unauthorized"),
        ("not-a-key", 401, "unauthorized"),
        ("umbrella-key", 403, "forbidden"),
    ] {
        let refused = w.read(&path, key, &[]).await;
        assert_eq!(
            (refused.status, &refused.body["code"]),
            (status, &code.into())
        );
        assert!(refused.body.get("labels").is_none(), "{refused:?}");
    }
    // An escaped digit names the same customer: the same entry, bytes and validator.
    let (head, last) = path.split_at(path.len() - "8/labels".len());
    assert_eq!(last, "8/labels", "the sample customer ends in 8");
    let escaped = w.read(&format!("{head}%38/labels"), "acme-key", &[]).await;
    assert!(escaped.is_hit(), "{escaped:?}");
    assert_eq!((escaped.body, escaped.etag), (hit.body, hit.etag));
    let unchanged = w
        .read(&path, "acme-key", &[("if-none-match", "W/\"x\", *")])
        .await;
    assert_eq!(
        (unchanged.status, unchanged.cache_status.as_str()),
        (304, "label-gateway; hit")
    );
    assert_eq!(w.label_calls(SAMPLE_CUSTOMER), 1);
}
