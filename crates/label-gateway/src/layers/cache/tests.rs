//! The layer's counters, against a provider that counts its calls (the HTTP behaviour is tested
//! end to end in `tests/tests/cache_*.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use label_core::{
    CallContext, Capabilities, CustomerId, CustomerIdFormat, Error, ErrorKind, Label, LabelKey,
    LabelList, LabelProvider, Served,
};

use super::{CacheCounts, Cached, Store};
use crate::config::{CacheConfig, Resilience, Tenant};

#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
    delay: Duration,
    failure: Mutex<Option<ErrorKind>>,
}

#[async_trait]
impl LabelProvider for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            read: true,
            add: false,
            remove: false,
            catalog: true,
            weights: false,
            label_key: LabelKey::Name,
            customer_id_format: CustomerIdFormat::PositiveInteger { max_digits: 19 },
            idempotent_writes: false,
        }
    }

    async fn customer_labels(&self, _: &CallContext, _: &CustomerId) -> Result<LabelList, Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        if let Some(kind) = *self.failure.lock().unwrap() {
            return Err(Error::new(kind, "told to fail"));
        }
        Ok(labels())
    }

    async fn catalog(&self, _: &CallContext) -> Result<LabelList, Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(labels())
    }
}

/// Values that must come back exactly from a rendered entry: a weight, a vendor record,
/// characters JSON escapes.
fn labels() -> LabelList {
    let label = Label {
        id: "1".into(),
        name: Some("VIP \"gold\" ü".into()),
        weight: Some(0.1 + 0.2),
        raw: Some(serde_json::json!({"labelId": 1, "tags": [null, true, 1e300]})),
    };
    let plain = Label {
        id: "2".into(),
        name: None,
        weight: None,
        raw: None,
    };
    Arc::from(vec![label, plain])
}

/// The layer around `provider` for tenant `acme`, with its store; the provider to count calls.
fn layered(provider: Counting, config: CacheConfig) -> (Arc<Counting>, Store, Cached) {
    let provider = Arc::new(provider);
    let store = Store::new(&config);
    let tenant = Tenant {
        id: "acme".into(),
        provider: provider.clone(),
        base_url: url::Url::parse("http://vendor.invalid").unwrap(),
        api_keys: Vec::new(),
        cache_ttl_seconds: None,
        resilience: Resilience::default(),
    };
    let layer = Cached::wrap(provider.clone(), &tenant, &config, &store).expect("a TTL above 0");
    (provider, store, layer)
}

fn customer(id: u64) -> CustomerId {
    CustomerId::parse(
        &id.to_string(),
        CustomerIdFormat::PositiveInteger { max_digits: 19 },
    )
    .unwrap()
}

#[tokio::test]
async fn hits_misses_and_coalesced_waits_are_counted() {
    let slow = Counting {
        delay: Duration::from_millis(100),
        ..Counting::default()
    };
    let (provider, store, layer) = layered(slow, CacheConfig::default());
    let ctx = CallContext::default();
    let seven = customer(7);
    let reads = (0..10).map(|_| layer.customer_labels(&ctx, &seven));
    futures::future::join_all(reads).await;
    let hit = CallContext::default();
    layer.customer_labels(&hit, &customer(7)).await.unwrap();
    assert!(matches!(hit.served.get(), Some(Served::Hit { age: 0 })));
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
    let counts = store.stats();
    assert_eq!((counts.misses, counts.coalesced, counts.hits), (1, 9, 1));
}

#[tokio::test]
async fn a_stale_serve_is_counted() {
    let config = CacheConfig {
        ttl_seconds: 1,
        stale_if_error_seconds: 60,
        ..CacheConfig::default()
    };
    let (provider, store, layer) = layered(Counting::default(), config);
    layer
        .customer_labels(&CallContext::default(), &customer(7))
        .await
        .unwrap();
    *provider.failure.lock().unwrap() = Some(ErrorKind::UpstreamError);
    let ctx = CallContext::default();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !matches!(ctx.served.get(), Some(Served::Stale { .. })) {
        assert!(tokio::time::Instant::now() < deadline, "never stale");
        layer.customer_labels(&ctx, &customer(7)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(store.stats().stale, 1);
}

#[tokio::test]
async fn evictions_keep_the_cache_within_max_entries_and_are_counted() {
    let config = CacheConfig {
        max_entries: 10,
        ..CacheConfig::default()
    };
    let (_, store, layer) = layered(Counting::default(), config);
    for id in 1..=200 {
        let ctx = CallContext::default();
        layer.customer_labels(&ctx, &customer(id)).await.unwrap();
    }
    store.run_pending_tasks().await;
    assert!(store.entry_count() <= 10, "{}", store.entry_count());
    let CacheCounts { evictions, .. } = store.stats();
    assert!(evictions >= 190 - 10, "{evictions}");
}

#[tokio::test]
async fn labels_read_back_from_a_rendered_entry_are_the_vendors() {
    let (provider, _, layer) = layered(Counting::default(), CacheConfig::default());
    let ctx = CallContext {
        include_raw: true,
        ..CallContext::default()
    };
    let miss = layer.customer_labels(&ctx, &customer(7)).await.unwrap();
    let hit = layer.customer_labels(&ctx, &customer(7)).await.unwrap();
    assert!(matches!(ctx.served.get(), Some(Served::Hit { .. })));
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
    assert_eq!(miss, labels());
    assert_eq!(hit, labels());
}

#[tokio::test]
async fn a_cached_catalog_is_indexed_once_and_shared() {
    let (provider, _, layer) = layered(Counting::default(), CacheConfig::default());
    let ctx = CallContext::default();
    let first = layer.indexed_catalog(&ctx).await.unwrap();
    let second = layer.indexed_catalog(&ctx).await.unwrap();
    assert!(Arc::ptr_eq(&first, &second), "the hit rebuilt the lookups");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
    let vip = label_core::LabelRef::Name("VIP \"gold\" ü".into());
    assert_eq!(second.find(&vip).map(|l| l.id.as_str()), Some("1"));
    assert_eq!(layer.catalog(&ctx).await.unwrap(), labels());
}
