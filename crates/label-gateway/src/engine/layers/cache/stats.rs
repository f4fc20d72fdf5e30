//! What the cache has done since the gateway started, for `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};

use thread_local::ThreadLocal;

#[derive(Debug, Default)]
pub(crate) struct CacheStats {
    /// Counted per thread and summed when read: every hit counts here, and one atomic shared
    /// by every thread is a cache line both CPUs fight over.
    hits: ThreadLocal<AtomicU64>,
    misses: AtomicU64,
    stale: AtomicU64,
    coalesced: AtomicU64,
    evictions: AtomicU64,
}

/// A reading of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Answered from a live entry (negative entries included).
    pub hits: u64,
    /// Answered by a vendor call this read made (client `no-cache` included).
    pub misses: u64,
    /// Answered from an expired entry because the vendor failed.
    pub stale: u64,
    /// Waited for another read's vendor call instead of making one.
    pub coalesced: u64,
    /// Entries dropped to keep the cache within `max_entries` and `max_bytes`.
    pub evictions: u64,
}

impl CacheStats {
    pub fn hit(&self) {
        self.hits.get_or_default().fetch_add(1, Ordering::Relaxed);
    }

    pub fn missed(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stale(&self) {
        self.stale.fetch_add(1, Ordering::Relaxed);
    }

    pub fn coalesced(&self) {
        self.coalesced.fetch_add(1, Ordering::Relaxed);
    }

    pub fn evicted(&self) {
        self.evictions.fetch_add(1, Ordering::Relaxed);
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
