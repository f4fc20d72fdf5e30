//! The one cache every tenant shares: entries bounded by count and by bytes, each with its own
//! lifetime; at most one vendor read per key at a time, shared by every reader that asks while
//! it runs; and a change that supersedes a read in flight, so that labels read before a change
//! are never stored after it.

use std::future::Future;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use label_core::{Catalog, Error, LabelList};
use moka::notification::RemovalCause;
use moka::sync::Cache;
use moka::Expiry;

use super::flights::{Flights, Joined};
use super::key::{Key, KeyRef, Kind};
use super::stats::CacheStats;
use crate::config::CacheConfig;
use crate::engine::invalidation::Invalidate;

pub use super::stats::CacheCounts;

/// moka does its housekeeping on whichever caller finds enough work pending; a periodic task
/// does it first, so requests rarely pay for it.
const HOUSEKEEPING_EVERY: Duration = Duration::from_millis(250);
/// What moka keeps per entry besides its key and value (its map slot, queue and timer nodes).
const ENTRY_OVERHEAD: usize = 320;
/// No limit on an entry's age beyond its lifetime.
const ANY_AGE: u64 = u64::MAX;

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Labels(LabelList),
    Catalog(Arc<Catalog>),
}

/// A kept answer, or a `customer_not_found` kept briefly.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub answer: Result<Value, Arc<Error>>,
    pub stored: Instant,
    /// How long moka keeps it; read by [`PerEntry`].
    pub lifetime: Duration,
}

impl Entry {
    pub fn age_at(&self, now: Instant) -> u64 {
        now.saturating_duration_since(self.stored).as_secs()
    }

    fn weight(&self) -> usize {
        let value = match &self.answer {
            Ok(Value::Labels(labels)) => labels.weight(),
            Ok(Value::Catalog(catalog)) => catalog.weight(),
            Err(error) => error.detail.len() + 256,
        };
        std::mem::size_of::<Self>() + value
    }
}

/// What a finished vendor read leaves in the cache.
pub(crate) struct Loaded {
    pub entry: Entry,
    /// The copy kept for stale-if-error, or `None` to drop the one there is (an unknown
    /// customer has no labels worth serving stale).
    pub shadow: Option<Entry>,
    pub keeps_shadows: bool,
}

/// Every entry lives as long as it says.
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

/// foldhash rather than SipHash: seeded per cache, it resists chosen-key collisions (customer
/// ids are the client's to choose) and costs a third as much on every lookup.
type KeyHasher = foldhash::quality::RandomState;

/// The shared cache; cloning shares it.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    entries: Cache<Key, Entry, KeyHasher>,
    /// Picks a key's flight shard.
    shards: KeyHasher,
    flights: Flights<Entry>,
    stats: CacheStats,
    /// Entries older than this (nanoseconds) are not served: set while the fleet's
    /// invalidations may be missed.
    max_age_ns: AtomicU64,
}

impl Store {
    /// Builds the cache and, inside a tokio runtime, its housekeeping task, which ends once
    /// every clone of the store is gone.
    pub fn new(config: &CacheConfig) -> Self {
        // Each entry weighs at least its share of `max_bytes` when `max_entries` are kept, so
        // that staying within `max_bytes` also keeps the count within `max_entries`.
        let floor = (config.max_bytes / config.max_entries.max(1)).max(1);
        let store = Self {
            inner: Arc::new_cyclic(|weak: &std::sync::Weak<Inner>| {
                let weak = weak.clone();
                let entries = Cache::builder()
                    .max_capacity(config.max_bytes)
                    .weigher(move |key: &Key, entry: &Entry| {
                        let weight = (key.weight() + entry.weight() + ENTRY_OVERHEAD) as u64;
                        u32::try_from(weight.max(floor)).unwrap_or(u32::MAX)
                    })
                    .expire_after(PerEntry)
                    .eviction_listener(move |_, _, cause| {
                        if cause == RemovalCause::Size {
                            if let Some(inner) = weak.upgrade() {
                                inner.stats.evicted();
                            }
                        }
                    })
                    .build_with_hasher(KeyHasher::default());
                Inner {
                    entries,
                    shards: KeyHasher::default(),
                    flights: Flights::default(),
                    stats: CacheStats::default(),
                    max_age_ns: AtomicU64::new(ANY_AGE),
                }
            }),
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(housekeeping(Arc::downgrade(&store.inner)));
        }
        store
    }

    pub fn stats(&self) -> CacheCounts {
        self.inner.stats.read()
    }

    pub(crate) fn count(&self) -> &CacheStats {
        &self.inner.stats
    }

    /// How many entries the cache holds (shadows included), as of the last housekeeping.
    pub fn entry_count(&self) -> u64 {
        self.inner.entries.entry_count()
    }

    /// What the entries weigh, as of the last housekeeping.
    pub fn weighed_bytes(&self) -> u64 {
        self.inner.entries.weighted_size()
    }

    /// Expiries and evictions, done now (the housekeeping task does them every 250 ms).
    pub fn run_pending_tasks(&self) {
        self.inner.entries.run_pending_tasks();
    }

    /// The live entry for `key` at `now`.
    pub(crate) fn get(&self, key: &KeyRef<'_>, now: Instant) -> Option<Entry> {
        let entry = self.inner.entries.get(key)?;
        let limit = self.inner.max_age_ns.load(Ordering::Relaxed);
        if limit == ANY_AGE {
            return Some(entry);
        }
        let age = now.saturating_duration_since(entry.stored).as_nanos();
        (age <= u128::from(limit)).then_some(entry)
    }

    /// The entry `load` makes, however many readers ask for `key` while it runs; the first
    /// reader's call runs, the others share its outcome (`Joined`). What it loads is kept only
    /// if no change to the key came in the meantime; an error is shared and kept by no one.
    pub(crate) async fn load<F>(
        &self,
        key: KeyRef<'_>,
        load: F,
    ) -> (Result<Entry, Arc<Error>>, Joined)
    where
        F: Future<Output = Result<Loaded, Error>> + Send + 'static,
    {
        let shard = self.shard(&key);
        let inner = self.inner.clone();
        self.inner
            .flights
            .join_or_start(shard, key, move |owned, finish| async move {
                let loaded = load.await;
                finish.store(|| {
                    if let Ok(loaded) = &loaded {
                        inner.keep(&owned, loaded);
                    }
                });
                loaded.map(|loaded| loaded.entry).map_err(Arc::new)
            })
            .await
    }

    /// For a reader that wants the vendor's answer now, before its [`Store::load`]: the read
    /// already in flight for `key` is superseded (its older answer is not stored after this
    /// one) and joined by no one.
    pub(crate) fn supersede(&self, key: &KeyRef<'_>) {
        self.inner.flights.supersede(self.shard(key), key, || {});
    }

    /// Drops the entries of `keys` (their shadows too) and supersedes their reads in flight.
    pub(crate) fn invalidate(&self, keys: &[KeyRef<'_>]) {
        for key in keys {
            let shard = self.shard(key);
            self.inner.flights.supersede(shard, key, || {
                self.inner.entries.invalidate(key);
                self.inner.entries.invalidate(&key.shadow());
            });
        }
    }

    fn shard(&self, key: &KeyRef<'_>) -> usize {
        self.inner.shards.hash_one(key) as usize
    }
}

/// What a change makes stale, dropped here: by this replica's cache layer for its own changes,
/// and by the fleet's link for the other replicas'.
impl Invalidate for Store {
    /// Drops every entry and supersedes every read in flight: nothing read before now is
    /// served or stored after it.
    fn clear(&self) {
        self.inner
            .flights
            .supersede_all(|| self.inner.entries.invalidate_all());
    }

    /// Serve no entry older than `limit` from now on (`None`: any entry within its lifetime).
    fn limit_age(&self, limit: Option<Duration>) {
        let ns = limit.map_or(ANY_AGE, |limit| {
            limit.as_nanos().min(u128::from(ANY_AGE - 1)) as u64
        });
        self.inner.max_age_ns.store(ns, Ordering::Relaxed);
    }

    /// Drops every entry of a customer of `tenant` (and supersedes its reads in flight): for a
    /// change another replica made.
    fn forget_customer(&self, tenant: &str, customer: &str) {
        self.invalidate(&Kind::CUSTOMER.map(|kind| KeyRef::new(tenant, customer, kind)));
    }

    /// Drops every entry of `tenant` and supersedes every read in flight (of any tenant: a
    /// read of another one then answers without being kept, which costs a vendor read, not a
    /// wrong answer). A walk over the cache, for a rare event: a passthrough write.
    fn forget_tenant(&self, tenant: &str) {
        self.inner.flights.supersede_all(|| {
            for (key, _) in self.inner.entries.iter() {
                if key.tenant() == tenant {
                    self.inner.entries.invalidate(key.as_ref());
                }
            }
        });
    }

    /// Drops the tenant's catalog, both representations (and supersedes its reads in flight).
    fn forget_catalog(&self, tenant: &str) {
        self.invalidate(&Kind::CATALOG.map(|kind| KeyRef::new(tenant, "", kind)));
    }
}

impl Inner {
    /// Stores what a read left, under the flight's lock: a change cannot slip in between.
    fn keep(&self, key: &Key, loaded: &Loaded) {
        let shadow_key = Key::shadow_of(key);
        match &loaded.shadow {
            Some(shadow) => self.entries.insert(shadow_key, shadow.clone()),
            None if loaded.keeps_shadows => self.entries.invalidate(&shadow_key),
            None => {}
        }
        if !loaded.entry.lifetime.is_zero() {
            self.entries.insert(key.clone(), loaded.entry.clone());
        }
    }
}

async fn housekeeping(store: std::sync::Weak<Inner>) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(inner) = store.upgrade() else {
            return;
        };
        inner.entries.run_pending_tasks();
    }
}
