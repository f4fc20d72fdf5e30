//! The cache layer: a tenant's reads answered from the shared [`Store`] where it can, one vendor
//! call per key however many ask at once, the customer's entries dropped on every write.
//! A customer's labels are kept as the rendered answer ([`Cached::customer_answer`]), a
//! catalog with its lookups ([`LabelProvider::indexed_catalog`]).

mod store;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::FutureExt;
use label_core::{
    CallContext, Capabilities, Catalog, CustomerId, Error, ErrorKind, LabelIdentity, LabelList,
    LabelProvider, Served, WriteStatus,
};

pub use store::{CacheCounts, CacheStats, Store};
use store::{Entry, Event, KeyRef, Kind, Stored};

use crate::config::{CacheConfig, Tenant};
use crate::rendered::{self, Rendered};

/// Lifetimes of one tenant's entries.
#[derive(Debug, Clone, Copy)]
struct Lifetimes {
    ttl: Duration,
    /// Zero: a `customer_not_found` is not kept.
    negative: Duration,
    /// Zero: no stale-if-error, and no shadow copies.
    stale_window: Duration,
}

pub struct Cached {
    inner: Arc<dyn LabelProvider>,
    store: Store,
    tenant: Arc<str>,
    lifetimes: Lifetimes,
}

impl Cached {
    /// `None` when the tenant's TTL is 0: its reads then go straight to the vendor.
    pub fn wrap(
        inner: Arc<dyn LabelProvider>,
        tenant: &Tenant,
        config: &CacheConfig,
        store: &Store,
    ) -> Option<Self> {
        let ttl = tenant.cache_ttl(config);
        if ttl.is_zero() {
            return None;
        }
        Some(Self {
            inner,
            store: store.clone(),
            tenant: tenant.id.as_str().into(),
            lifetimes: Lifetimes {
                ttl,
                negative: Duration::from_secs(config.negative_ttl_seconds),
                stale_window: Duration::from_secs(config.stale_if_error_seconds),
            },
        })
    }

    fn key<'a>(&'a self, customer: &'a str, kind: Kind) -> KeyRef<'a> {
        KeyRef {
            tenant: &self.tenant,
            customer,
            kind,
            shadow: false,
        }
    }

    /// `load` is only called on a miss: making the inner call's future costs an allocation.
    async fn read<L, F>(&self, ctx: &CallContext, key: KeyRef<'_>, load: L) -> Result<Stored, Error>
    where
        L: FnOnce() -> F + Send,
        F: Future<Output = Result<Stored, Error>> + Send,
    {
        if ctx.fresh {
            self.store.count(Event::Miss);
            ctx.served.set(Served::Refreshed);
            let entry = self.keep(key, load().await).await?;
            self.store.insert(key, entry.clone()).await;
            return answer(&entry);
        }
        if let Some(entry) = self.store.get(&key).await {
            self.store.count(Event::Hit);
            ctx.served.set(Served::Hit { age: entry.age() });
            return answer(&entry);
        }
        // Set only by the one caller whose load runs; the others waited for it.
        let loaded = &AtomicBool::new(false);
        // Boxed: moka's loading future is large, and inline it would make the future of every
        // read, hits included, as large, copied whole each time it moves.
        let result = Box::pin(self.store.get_or_load(key, async move {
            loaded.store(true, Ordering::Relaxed);
            self.keep(key, load().await).await
        }))
        .await;
        let (event, served) = if loaded.load(Ordering::Relaxed) {
            (Event::Miss, Served::Miss)
        } else {
            (Event::Coalesced, Served::Collapsed)
        };
        self.store.count(event);
        ctx.served.set(served);
        match result {
            Ok(entry) => answer(&entry),
            Err(error) => self.stale_or(ctx, key, Error::clone(&error)).await,
        }
    }

    /// Turns a vendor answer into the entry to store, storing its shadow on the side; a failure
    /// other than `customer_not_found` stays an error and is stored nowhere.
    async fn keep(&self, key: KeyRef<'_>, answer: Result<Stored, Error>) -> Result<Entry, Error> {
        let Lifetimes {
            ttl,
            negative,
            stale_window,
        } = self.lifetimes;
        let stored = Instant::now();
        let entry = match answer {
            Ok(answer) => Entry {
                answer: Ok(answer),
                stored,
                lifetime: ttl,
            },
            Err(error) if error.kind == ErrorKind::CustomerNotFound => {
                // A customer the vendor no longer knows has no stale labels worth serving.
                if !stale_window.is_zero() {
                    self.store.invalidate(&key.shadow()).await;
                }
                if negative.is_zero() {
                    return Err(error);
                }
                Entry {
                    answer: Err(Arc::new(error)),
                    stored,
                    lifetime: negative,
                }
            }
            Err(error) => return Err(error),
        };
        if !stale_window.is_zero() && entry.answer.is_ok() {
            let shadow = Entry {
                lifetime: ttl.saturating_add(stale_window),
                ..entry.clone()
            };
            self.store.insert(key.shadow(), shadow).await;
        }
        Ok(entry)
    }

    /// RFC 5861's stale-if-error: a vendor failure is answered from the expired copy while it
    /// is within the window. An answer the vendor did give (4xx, 429) is never masked.
    async fn stale_or(
        &self,
        ctx: &CallContext,
        key: KeyRef<'_>,
        error: Error,
    ) -> Result<Stored, Error> {
        if !error.kind.is_vendor_outage() || self.lifetimes.stale_window.is_zero() {
            return Err(error);
        }
        match self.store.get(&key.shadow()).await {
            Some(Entry {
                answer: Ok(answer),
                stored,
                ..
            }) => {
                self.store.count(Event::Stale);
                ctx.served.set(Served::Stale {
                    age: stored.elapsed().as_secs(),
                });
                Ok(answer)
            }
            _ => Err(error),
        }
    }

    /// The customer's labels as the API answers them: a hit is a lookup and a reference count.
    pub async fn customer_answer(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Rendered, Error> {
        let kind = Kind::Labels {
            raw: ctx.include_raw,
        };
        let key = self.key(customer.as_str(), kind);
        let load = || async {
            let labels = self.inner.customer_labels(ctx, customer).await?;
            let answer = rendered::customer_labels(&self.tenant, customer, self.name(), &labels)?;
            Ok(Stored::Customer(answer))
        };
        match self.read(ctx, key, load).await? {
            Stored::Customer(answer) => Ok(answer),
            Stored::Catalog(_) => Err(mismatch()),
        }
    }

    /// A live answer for the customer (without vendor records) and its age at `now`, counted
    /// as a hit; a miss or a kept `customer_not_found` is left uncounted, to
    /// [`Self::customer_answer`]. Without waiting: moka's lookup waits only when its
    /// housekeeping is due, and then it is dropped (moka's futures may be) and the read is
    /// left to [`Self::customer_answer`] too.
    pub fn live_answer(&self, customer: &CustomerId, now: Instant) -> Option<(Rendered, u64)> {
        let key = self.key(customer.as_str(), Kind::Labels { raw: false });
        let entry = self.store.get(&key).now_or_never()??;
        let age = entry.age_at(now);
        let Ok(Stored::Customer(answer)) = entry.answer else {
            return None;
        };
        self.store.count(Event::Hit);
        Some((answer, age))
    }

    /// Every entry of the customer, both representations and their shadows.
    async fn forget(&self, customer: &CustomerId) {
        for raw in [false, true] {
            let key = self.key(customer.as_str(), Kind::Labels { raw });
            self.store.invalidate(&key).await;
            self.store.invalidate(&key.shadow()).await;
        }
    }
}

fn answer(entry: &Entry) -> Result<Stored, Error> {
    match &entry.answer {
        Ok(stored) => Ok(stored.clone()),
        Err(error) => Err(Error::clone(error)),
    }
}

/// Keys of a kind only ever hold answers of that kind; a mismatch would be a bug here, and is
/// answered as a failed read rather than with another key's data.
fn mismatch() -> Error {
    Error::new(
        ErrorKind::UpstreamError,
        "the cache held an entry of another kind",
    )
}

#[async_trait]
#[deny(clippy::missing_trait_methods)]
impl LabelProvider for Cached {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    /// Read back from the rendered answer: the HTTP reads use [`Cached::customer_answer`], and a
    /// change's fresh read pays a decode beside its vendor call.
    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<LabelList, Error> {
        self.customer_answer(ctx, customer).await?.customer_labels()
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<LabelList, Error> {
        Ok(self.indexed_catalog(ctx).await?.labels().clone())
    }

    async fn indexed_catalog(&self, ctx: &CallContext) -> Result<Arc<Catalog>, Error> {
        let key = self.key("", Kind::Catalog);
        let load = || async {
            let labels = self.inner.catalog(ctx).await?;
            Ok(Stored::Catalog(Arc::new(Catalog::new(labels))))
        };
        match self.read(ctx, key, load).await? {
            Stored::Catalog(catalog) => Ok(catalog),
            Stored::Customer(_) => Err(mismatch()),
        }
    }

    async fn attach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        // Dropped whatever the outcome: a change that failed part-way still changed the vendor.
        let result = self.inner.attach(ctx, customer, labels).await;
        self.forget(customer).await;
        result
    }

    async fn detach(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
        labels: &[LabelIdentity],
    ) -> Result<Vec<WriteStatus>, Error> {
        let result = self.inner.detach(ctx, customer, labels).await;
        self.forget(customer).await;
        result
    }
}
