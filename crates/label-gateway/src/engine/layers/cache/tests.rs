//! The cache layer against a provider whose reads wait until released, so that the order of
//! reads and changes is the test's to choose.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use label_core::keeper::Keeping;
use label_core::{
    CallContext, Capabilities, CustomerId, CustomerIdFormat, Error, Fetched, Label, LabelChange,
    LabelIdFormat, LabelKey, LabelList, LabelProvider, Op, Source, WriteStatus,
};
use tokio::sync::Semaphore;

use super::{Cached, Store};
use crate::config::{parse, CacheConfig};

/// Each read waits for a permit and answers with the labels written so far.
struct Gated {
    reads: AtomicUsize,
    writes: AtomicUsize,
    gate: Semaphore,
}

#[async_trait]
impl LabelProvider for Gated {
    fn name(&self) -> &'static str {
        "gated"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            read: true,
            add: true,
            remove: true,
            catalog: false,
            weights: false,
            label_key: LabelKey::Name,
            create_labels: false,
            members: false,
            batch: 1,
            batch_read: 1,
            max_label_name_chars: 255,
            catalog_search: false,
            customer_id_format: CustomerIdFormat::PositiveInteger { max_digits: 19 },
            label_id_format: LabelIdFormat::Exact,
            idempotent_writes: false,
        }
    }

    async fn customer_labels(
        &self,
        _: &CallContext,
        _: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        // What the vendor holds when the read reaches it, before it waits.
        let written = self.writes.load(Ordering::SeqCst);
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.gate.acquire().await.expect("open").forget();
        let labels = (0..written)
            .map(|n| label(&format!("written-{n}")))
            .collect();
        Ok(Fetched::from_vendor(labels))
    }

    async fn change_labels(
        &self,
        _: &CallContext,
        change: LabelChange<'_>,
    ) -> Result<Vec<WriteStatus>, Error> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(vec![WriteStatus::Applied; change.labels.len()])
    }
}

fn label(name: &str) -> Label {
    Label {
        id: name.to_owned(),
        name: Some(name.to_owned()),
        weight: None,
        raw: None,
    }
}

fn fixture() -> (Arc<Gated>, Keeping<Cached>) {
    let gated = Arc::new(Gated {
        reads: AtomicUsize::new(0),
        writes: AtomicUsize::new(0),
        gate: Semaphore::new(0),
    });
    let config = parse(
        "[tenants.t]\nprovider = \"capillary\"\nbase_url = \"http://127.0.0.1:9\"\n\
         username = \"u\"\npassword = \"p\"\napi_keys = [\"k\"]\n",
        &|_| None,
    )
    .expect("a valid config");
    let store = Store::new(&CacheConfig::default());
    let cached = Cached::wrap(
        gated.clone(),
        &config.tenants[0],
        &config.cache,
        &store,
        Default::default(),
    )
    .expect("a cache");
    (gated, Keeping(cached))
}

async fn read(cached: &Keeping<Cached>) -> Fetched<LabelList> {
    let customer = CustomerId::parse("7", CustomerIdFormat::PositiveInteger { max_digits: 19 })
        .expect("an id");
    cached
        .customer_labels(&CallContext::default(), &customer)
        .await
        .expect("labels")
}

async fn yield_until(done: impl Fn() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the condition never held");
}

#[tokio::test]
async fn readers_that_ask_at_once_share_one_vendor_read() {
    let (gated, cached) = fixture();
    let (first, second, ()) = tokio::join!(read(&cached), read(&cached), async {
        yield_until(|| gated.reads.load(Ordering::SeqCst) == 1).await;
        gated.gate.add_permits(1);
    });
    assert_eq!(gated.reads.load(Ordering::SeqCst), 1);
    let mut sources = [first.source, second.source];
    sources.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(sources, [Source::Shared, Source::Stored]);
    assert_eq!(read(&cached).await.source, Source::Kept { age: 0 });
}

#[tokio::test]
async fn a_read_in_flight_during_a_change_is_not_stored() {
    let (gated, cached) = fixture();
    let customer = CustomerId::parse("7", CustomerIdFormat::PositiveInteger { max_digits: 19 })
        .expect("an id");
    let before = async {
        let labels = read(&cached).await;
        assert!(
            labels.value.is_empty(),
            "read before the change reached the vendor"
        );
    };
    let change = async {
        yield_until(|| gated.reads.load(Ordering::SeqCst) == 1).await;
        let labels = [label("x").identity()];
        let change = LabelChange {
            op: Op::Add,
            customer: &customer,
            labels: &labels,
        };
        let ctx = CallContext::default();
        cached.change_labels(&ctx, change).await.expect("attached");
        gated.gate.add_permits(1);
    };
    tokio::join!(before, change);
    // The next read goes to the vendor and sees the change.
    gated.gate.add_permits(1);
    let after = read(&cached).await;
    assert_eq!(gated.reads.load(Ordering::SeqCst), 2);
    assert_eq!(after.source, Source::Stored);
    assert_eq!(after.value.len(), 1);
}
