//! The cache layer, a [`Keeper`]: a tenant's reads answered from the shared [`Store`] where it
//! can, one vendor read per key however many ask at once, and every entry of a customer dropped
//! after a change to it, here and on the other replicas (a read in flight during the change
//! included: it stores nothing). Everything else passes through `Keeping`.

mod bulk;
mod flights;
mod key;
mod stats;
pub mod store;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use label_core::keeper::{Changed, Keeper};
use label_core::{
    CallContext, Catalog, CustomerId, Error, ErrorKind, Fetched, LabelList, LabelProvider, Source,
};

use flights::Joined;
use key::{KeyRef, Kind};
pub use store::{CacheCounts, Store};
use store::{Entry, Loaded, Value};

use crate::config::{CacheConfig, Tenant};
use crate::engine::fleet::Announcer;
use crate::engine::invalidation::Invalidate;

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
    /// Tells the other replicas of the fleet what a change made stale.
    announcer: Announcer,
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
        announcer: Announcer,
    ) -> Option<Self> {
        let ttl = tenant.cache_ttl(config);
        if ttl.is_zero() {
            return None;
        }
        Some(Self {
            inner,
            store: store.clone(),
            announcer,
            tenant: tenant.id.as_str().into(),
            lifetimes: Lifetimes {
                ttl,
                negative: Duration::from_secs(config.negative_ttl_seconds),
                stale_window: Duration::from_secs(config.stale_if_error_seconds),
            },
        })
    }

    fn customer_key<'a>(&'a self, ctx: &CallContext, customer: &'a CustomerId) -> KeyRef<'a> {
        let kind = Kind::Labels {
            raw: ctx.include_raw,
        };
        KeyRef::new(&self.tenant, customer.as_str(), kind)
    }

    /// A kept answer, counted as a hit.
    fn hit(&self, key: &KeyRef<'_>, now: Instant) -> Option<Result<Fetched<Value>, Error>> {
        let entry = self.store.get(key, now)?;
        self.store.count().hit();
        let age = entry.age_at(now);
        let source = Source::Kept { age };
        Some(
            answer(entry)
                .map(|value| Fetched { value, source })
                .map_err(|error| error.from_source(source)),
        )
    }

    /// `read` is the vendor read, made only on a miss.
    async fn read<R>(
        &self,
        ctx: &CallContext,
        key: KeyRef<'_>,
        read: R,
    ) -> Result<Fetched<Value>, Error>
    where
        R: Future<Output = Result<Value, Error>> + Send + 'static,
    {
        let lifetimes = self.lifetimes;
        let load = async move { loaded(lifetimes, read.await) };
        if ctx.fresh {
            self.store.count().missed();
            self.store.supersede(&key);
            let (entry, _) = self.store.load(key, load).await;
            return fetched(entry, Source::Refreshed);
        }
        if let Some(hit) = self.hit(&key, Instant::now()) {
            return hit;
        }
        let (entry, joined) = self.store.load(key, load).await;
        let source = match joined {
            Joined::Led => {
                self.store.count().missed();
                Source::Stored
            }
            Joined::Shared => {
                self.store.count().coalesced();
                Source::Shared
            }
        };
        match entry {
            Ok(entry) => fetched(Ok(entry), source),
            Err(error) => self.stale_or(key, Error::clone(&error).from_source(source)),
        }
    }

    /// RFC 5861's stale-if-error: a vendor failure is answered from the expired copy while it
    /// is within the window. An answer the vendor did give (4xx, 429) is never masked.
    fn stale_or(&self, key: KeyRef<'_>, error: Error) -> Result<Fetched<Value>, Error> {
        if !error.kind.is_vendor_outage() || self.lifetimes.stale_window.is_zero() {
            return Err(error);
        }
        let now = Instant::now();
        match self.store.get(&key.shadow(), now) {
            Some(Entry {
                answer: Ok(value),
                stored,
                ..
            }) => {
                self.store.count().stale();
                let age = now.saturating_duration_since(stored).as_secs();
                Ok(Fetched {
                    value,
                    source: Source::Stale { age },
                })
            }
            _ => Err(error),
        }
    }

    /// Every entry of these customers, both representations and their shadows, here and
    /// (before the change is answered) on every other replica.
    async fn forget(&self, customers: &[CustomerId]) {
        for customer in customers {
            self.store.forget_customer(&self.tenant, customer.as_str());
        }
        let named: Vec<&str> = customers.iter().map(CustomerId::as_str).collect();
        self.announcer.changed(&self.tenant, &named).await;
    }
}

/// What a vendor answer leaves in the cache: a value, or a `customer_not_found` kept briefly
/// (with the shadow dropped: an unknown customer has no labels worth serving stale). Any other
/// failure is stored nowhere.
fn loaded(lifetimes: Lifetimes, answer: Result<Value, Error>) -> Result<Loaded, Error> {
    let stored = Instant::now();
    let keeps_shadows = !lifetimes.stale_window.is_zero();
    match answer {
        Ok(value) => {
            let entry = Entry {
                answer: Ok(value),
                stored,
                lifetime: lifetimes.ttl,
            };
            let shadow = keeps_shadows.then(|| Entry {
                lifetime: lifetimes.ttl.saturating_add(lifetimes.stale_window),
                ..entry.clone()
            });
            Ok(Loaded {
                entry,
                shadow,
                keeps_shadows,
            })
        }
        Err(error) if error.kind == ErrorKind::CustomerNotFound => Ok(Loaded {
            entry: Entry {
                answer: Err(Arc::new(error)),
                stored,
                lifetime: lifetimes.negative,
            },
            shadow: None,
            keeps_shadows,
        }),
        Err(error) => Err(error),
    }
}

fn answer(entry: Entry) -> Result<Value, Error> {
    entry.answer.map_err(|error| Error::clone(&error))
}

fn fetched(entry: Result<Entry, Arc<Error>>, source: Source) -> Result<Fetched<Value>, Error> {
    let entry = entry.map_err(|error| Error::clone(&error).from_source(source))?;
    answer(entry)
        .map(|value| Fetched { value, source })
        .map_err(|error| error.from_source(source))
}

/// Keys of a kind only ever hold values of that kind; a mismatch would be a bug here, and is
/// answered as a failed read rather than with another key's data.
fn mismatch() -> Error {
    Error::new(
        ErrorKind::UpstreamError,
        "the cache held an entry of another kind",
    )
}

/// The cache states only what it adds: the reads it answers and what it drops after a write
/// (`Keeping` forwards the rest: `members` is never kept, any change could change it).
impl Keeper for Cached {
    fn inner(&self) -> &Arc<dyn LabelProvider> {
        &self.inner
    }

    fn customer_labels_at_hand(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Option<Result<Fetched<LabelList>, Error>> {
        if ctx.fresh {
            return None;
        }
        let hit = self.hit(&self.customer_key(ctx, customer), Instant::now())?;
        Some(hit.and_then(labels))
    }

    async fn customer_labels(
        &self,
        ctx: &CallContext,
        customer: &CustomerId,
    ) -> Result<Fetched<LabelList>, Error> {
        let (inner, call, id) = (self.inner.clone(), ctx.clone(), customer.clone());
        let read = async move {
            let labels = inner.customer_labels(&call, &id).await?.value;
            Ok(Value::Labels(labels.compact()))
        };
        labels(
            self.read(ctx, self.customer_key(ctx, customer), read)
                .await?,
        )
    }

    async fn catalog(&self, ctx: &CallContext) -> Result<Fetched<Arc<Catalog>>, Error> {
        let (inner, call) = (self.inner.clone(), ctx.clone());
        let read = async move { Ok(Value::Catalog(inner.catalog(&call).await?.value)) };
        let fetched = self.read(ctx, self.catalog_key(ctx), read).await?;
        match fetched.value {
            Value::Catalog(catalog) => Ok(Fetched {
                value: catalog,
                source: fetched.source,
            }),
            Value::Labels(_) => Err(mismatch()),
        }
    }

    async fn customers_labels(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Result<Vec<Result<Fetched<LabelList>, Error>>, Error> {
        Ok(self.read_many(ctx, customers).await)
    }

    async fn search_catalog(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        self.search(ctx, text).await
    }

    /// Drops what the write may have made stale, whatever its outcome.
    async fn changed(&self, changed: Changed<'_>) {
        match changed {
            Changed::Customers(customers) => self.forget(customers).await,
            Changed::Catalog => self.forget_catalog().await,
            Changed::Everything => {
                self.store.forget_tenant(&self.tenant);
                self.announcer.changed_everything(&self.tenant).await;
            }
        }
    }
}

/// A kept or read value as a customer's labels.
pub(super) fn labels(fetched: Fetched<Value>) -> Result<Fetched<LabelList>, Error> {
    match fetched.value {
        Value::Labels(labels) => Ok(Fetched {
            value: labels,
            source: fetched.source,
        }),
        Value::Catalog(_) => Err(mismatch()),
    }
}
