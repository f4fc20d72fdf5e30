//! The one moka cache every tenant shares: its keys (always with the tenant), its entries (each
//! with its own lifetime), its counters, and the periodic housekeeping.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use label_core::{Catalog, Error};
use moka::future::Cache;
use moka::notification::RemovalCause;
use moka::{Equivalent, Expiry};
use thread_local::ThreadLocal;

use crate::config::CacheConfig;
use crate::rendered::Rendered;

/// moka does its housekeeping on whichever task calls it once enough work is pending; a
/// periodic task does it first, so requests rarely pay for it.
const HOUSEKEEPING_EVERY: Duration = Duration::from_millis(250);

/// What an entry is: a customer's labels (with or without the vendor records), or a catalog.
/// A shadow is the copy kept past the entry's lifetime for stale-if-error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Labels { raw: bool },
    Catalog,
}

/// An entry's key. The tenant is always part of it: two tenants on one vendor account with the
/// same customer id have two entries.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Key {
    /// The tenant, `/`, the customer (empty for a catalog): one allocation per entry. A tenant
    /// id has no `/`, so the first one splits the two.
    scope: Box<str>,
    kind: Kind,
    shadow: bool,
}

impl Key {
    fn parts(&self) -> (&str, &str) {
        self.scope.split_once('/').unwrap_or((&self.scope, ""))
    }
}

/// A key borrowed from the request, so that a hit allocates nothing to look itself up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRef<'a> {
    pub tenant: &'a str,
    /// Empty for a catalog.
    pub customer: &'a str,
    pub kind: Kind,
    pub shadow: bool,
}

impl KeyRef<'_> {
    pub fn to_key(self) -> Key {
        Key {
            scope: [self.tenant, "/", self.customer].concat().into(),
            kind: self.kind,
            shadow: self.shadow,
        }
    }

    pub fn shadow(self) -> Self {
        Self {
            shadow: true,
            ..self
        }
    }
}

// `Key` and `KeyRef` must hash alike for moka to find one by the other.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (tenant, customer) = self.parts();
        (tenant, customer, self.kind, self.shadow).hash(state);
    }
}

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.tenant, self.customer, self.kind, self.shadow).hash(state);
    }
}

impl Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        key.parts() == (self.tenant, self.customer)
            && key.kind == self.kind
            && key.shadow == self.shadow
    }
}

/// What a live entry holds: a customer's labels as the API answers them (a hit only clones a
/// reference), or a catalog with the lookups change requests resolve through.
#[derive(Debug, Clone)]
pub(crate) enum Stored {
    Customer(Rendered),
    Catalog(Arc<Catalog>),
}

/// A stored answer, or a `customer_not_found` kept briefly.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub answer: Result<Stored, Arc<Error>>,
    pub stored: Instant,
    /// How long moka keeps it; read by [`PerEntry`].
    pub lifetime: Duration,
}

impl Entry {
    pub fn age(&self) -> u64 {
        self.age_at(Instant::now())
    }

    /// The age at `now`, for a caller that has read the clock already.
    pub fn age_at(&self, now: Instant) -> u64 {
        now.saturating_duration_since(self.stored).as_secs()
    }
}

/// Every entry lives as long as it says: the tenant's TTL, the negative TTL, or (a shadow) the
/// TTL plus the stale-if-error window.
struct PerEntry;

impl Expiry<Key, Entry> for PerEntry {
    fn expire_after_create(&self, _: &Key, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(entry.lifetime)
    }

    fn expire_after_update(
        &self,
        _: &Key,
        entry: &Entry,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.lifetime)
    }
}

/// What the cache has done since the gateway started.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Counted per thread and summed when read: every hit counts here, and one atomic shared
    /// by every thread is a cache line both CPUs fight over.
    hits: ThreadLocal<AtomicU64>,
    misses: AtomicU64,
    stale: AtomicU64,
    coalesced: AtomicU64,
    evictions: AtomicU64,
}

/// A reading of [`CacheStats`], for the metrics endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Answered from a live entry (negative entries included).
    pub hits: u64,
    /// Answered by a vendor call this request made (client `no-cache` included).
    pub misses: u64,
    /// Answered from an expired entry because the vendor failed.
    pub stale: u64,
    /// Waited for another request's vendor call instead of making one.
    pub coalesced: u64,
    /// Entries dropped to keep the cache within `max_entries`.
    pub evictions: u64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Event {
    Hit,
    Miss,
    Stale,
    Coalesced,
}

impl CacheStats {
    pub(crate) fn count(&self, event: Event) {
        let counter = match event {
            Event::Hit => self.hits.get_or_default(),
            Event::Miss => &self.misses,
            Event::Stale => &self.stale,
            Event::Coalesced => &self.coalesced,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn read(&self) -> CacheCounts {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        CacheCounts {
            hits: self.hits.iter().map(get).sum(),
            misses: get(&self.misses),
            stale: get(&self.stale),
            coalesced: get(&self.coalesced),
            evictions: get(&self.evictions),
        }
    }
}

/// The shared cache; cloning shares it.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

/// foldhash rather than SipHash: seeded per cache, it resists chosen-key collisions (customer
/// ids are the client's to choose) and costs a third as much on every lookup.
type KeyHasher = foldhash::quality::RandomState;

struct Inner {
    entries: Cache<Key, Entry, KeyHasher>,
    stats: Arc<CacheStats>,
}

impl Store {
    /// Builds the cache and, inside a tokio runtime, its housekeeping task, which ends once
    /// every clone of the store is gone.
    pub fn new(config: &CacheConfig) -> Self {
        let stats = Arc::new(CacheStats::default());
        let counted = stats.clone();
        let entries = Cache::builder()
            .max_capacity(config.max_entries)
            .expire_after(PerEntry)
            .eviction_listener(move |_, _, cause| {
                if cause == RemovalCause::Size {
                    counted.evictions.fetch_add(1, Ordering::Relaxed);
                }
            })
            .build_with_hasher(KeyHasher::default());
        let store = Self {
            inner: Arc::new(Inner { entries, stats }),
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(housekeeping(Arc::downgrade(&store.inner)));
        }
        store
    }

    pub fn stats(&self) -> CacheCounts {
        self.inner.stats.read()
    }

    /// How many entries the cache holds (shadows included), as of the last housekeeping.
    pub fn entry_count(&self) -> u64 {
        self.inner.entries.entry_count()
    }

    /// Drops every entry, as a config reload must.
    pub fn clear(&self) {
        self.inner.entries.invalidate_all();
    }

    /// Expiries and evictions, done now (the housekeeping task does them every 250 ms).
    pub async fn run_pending_tasks(&self) {
        self.inner.entries.run_pending_tasks().await;
    }

    pub(crate) fn count(&self, event: Event) {
        self.inner.stats.count(event);
    }

    pub(crate) async fn get(&self, key: &KeyRef<'_>) -> Option<Entry> {
        self.inner.entries.get(key).await
    }

    pub(crate) async fn insert(&self, key: KeyRef<'_>, entry: Entry) {
        self.inner.entries.insert(key.to_key(), entry).await;
    }

    pub(crate) async fn invalidate(&self, key: &KeyRef<'_>) {
        self.inner.entries.invalidate(key).await;
    }

    /// The live entry, or the one entry `load` makes however many callers ask at once; its
    /// error is shared by every caller and stored by no one.
    pub(crate) async fn get_or_load(
        &self,
        key: KeyRef<'_>,
        load: impl std::future::Future<Output = Result<Entry, Error>>,
    ) -> Result<Entry, Arc<Error>> {
        self.inner.entries.try_get_with(key.to_key(), load).await
    }
}

async fn housekeeping(store: Weak<Inner>) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(inner) = store.upgrade() else {
            return;
        };
        inner.entries.run_pending_tasks().await;
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// moka finds a stored key by a borrowed one only if both hash alike and compare equal;
        /// a `/` in a customer id must not move the split between tenant and customer.
        #[test]
        fn a_borrowed_key_finds_its_own_entry_only(
            tenant in "[a-z0-9][a-z0-9_-]{0,8}",
            customer in "[a-z/]{0,6}",
            other in "[a-z/]{0,6}",
        ) {
            let hasher = std::collections::hash_map::RandomState::new();
            let borrowed = |customer| KeyRef { tenant: &tenant, customer, kind: Kind::Catalog, shadow: false };
            let key = borrowed(customer.as_str()).to_key();
            prop_assert_eq!(hasher.hash_one(borrowed(&customer)), hasher.hash_one(&key));
            prop_assert!(borrowed(&customer).equivalent(&key));
            prop_assert_eq!(borrowed(&other).equivalent(&key), other == customer);
        }
    }
}
