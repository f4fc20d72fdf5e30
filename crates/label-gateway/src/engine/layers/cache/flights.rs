//! Vendor reads in flight, one per key: readers that ask for a key while its read runs wait for
//! it and share its outcome; a change to the key supersedes the read, so that what it brings
//! back (read, perhaps, before the change) is stored nowhere and later readers start afresh.
//!
//! Storing and superseding take the same lock, so one of them always comes after the other: a
//! read that finishes first is dropped by the change; a change that comes first keeps the read
//! from being stored.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use futures::future::{BoxFuture, FutureExt, Shared, WeakShared};
use label_core::Error;

use super::key::{Key, KeyRef};

/// Locks enough for two CPUs' worth of concurrent misses and changes not to queue on one.
const SHARDS: usize = 64;

type Loading<T> = BoxFuture<'static, Result<T, Arc<Error>>>;

/// Whether a reader made the vendor read itself or shared another reader's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Joined {
    Led,
    Shared,
}

struct Flight<T> {
    id: u64,
    /// Weak, so that a read every reader has abandoned is dropped, vendor call and all.
    loading: WeakShared<Loading<T>>,
}

/// The reads in flight, each bringing back a `T`.
pub(crate) struct Flights<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for Flights<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Default for Flights<T> {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
        }
    }
}

struct Inner<T> {
    shards: Vec<Mutex<HashMap<Key, Flight<T>>>>,
    next_id: AtomicU64,
}

impl<T> Default for Inner<T> {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            next_id: AtomicU64::new(0),
        }
    }
}

/// The right of one flight to store what it read, if it is still the key's flight when it
/// finishes. Dropped unused (the read was abandoned), it frees the key.
pub(crate) struct Finish<T> {
    flights: Flights<T>,
    shard: usize,
    key: Key,
    id: u64,
}

impl<T> Finish<T> {
    /// Runs `store` unless a change superseded this flight; either way the flight ends.
    pub fn store(self, store: impl FnOnce()) {
        let mut flights = self.flights.shard(self.shard);
        if flights.get(&self.key).is_some_and(|f| f.id == self.id) {
            flights.remove(&self.key);
            store();
        }
    }
}

impl<T> Drop for Finish<T> {
    fn drop(&mut self) {
        let mut flights = self.flights.shard(self.shard);
        if flights.get(&self.key).is_some_and(|f| f.id == self.id) {
            flights.remove(&self.key);
        }
    }
}

impl<T> Flights<T> {
    fn shard(&self, shard: usize) -> MutexGuard<'_, HashMap<Key, Flight<T>>> {
        self.inner.shards[shard % SHARDS]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: Clone + Send + Sync + 'static> Flights<T> {
    /// Joins the key's read in flight, or starts one made by `make` from the key and the
    /// [`Finish`] it must use to store what it read.
    pub async fn join_or_start<M, Fut>(
        &self,
        shard: usize,
        key: KeyRef<'_>,
        make: M,
    ) -> (Result<T, Arc<Error>>, Joined)
    where
        M: FnOnce(Key, Finish<T>) -> Fut,
        Fut: Future<Output = Result<T, Arc<Error>>> + Send + 'static,
    {
        let key = key.to_key();
        let (loading, joined) = {
            let mut flights = self.shard(shard);
            match flights.get(&key).and_then(|f| f.loading.upgrade()) {
                Some(loading) => (loading, Joined::Shared),
                None => {
                    let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
                    let finish = Finish {
                        flights: self.clone(),
                        shard,
                        key: key.clone(),
                        id,
                    };
                    let loading: Shared<Loading<T>> = make(key.clone(), finish).boxed().shared();
                    let weak = loading.downgrade().expect("a shared future not yet polled");
                    flights.insert(key, Flight { id, loading: weak });
                    (loading, Joined::Led)
                }
            }
        };
        (loading.await, joined)
    }

    /// Ends the key's read in flight, if any, so that it stores nothing, and runs `drop` (the
    /// key's entries) under the same lock.
    pub fn supersede(&self, shard: usize, key: &KeyRef<'_>, drop: impl FnOnce()) {
        let mut flights = self.shard(shard);
        flights.retain(|held, _| !key_is(key, held));
        drop();
    }

    /// Ends every read in flight and runs `drop` (every entry) with every lock held.
    pub fn supersede_all(&self, drop: impl FnOnce()) {
        let mut held: Vec<_> = (0..SHARDS).map(|shard| self.shard(shard)).collect();
        for flights in &mut held {
            flights.clear();
        }
        drop();
    }
}

fn key_is(key: &KeyRef<'_>, held: &Key) -> bool {
    moka::Equivalent::equivalent(key, held)
}
