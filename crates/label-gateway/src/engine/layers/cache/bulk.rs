//! The cache layer's part in the calls beyond one customer at a time: a batch read answers each
//! customer from its kept entry where it can and reads only the others, each stored under its
//! own key (read-your-writes and coalescing hold per customer as for single reads); a catalog
//! search is answered from the kept catalog when there is one.

use std::time::Instant;

use futures::future::{join_all, FutureExt};
use label_core::provider::name_contains;
use label_core::{CallContext, CustomerId, Error, ErrorKind, Fetched, LabelList};

use super::key::{KeyRef, Kind};
use super::store::Value;
use super::{labels, Cached};
use crate::engine::invalidation::Invalidate;

impl Cached {
    pub(super) fn catalog_key(&self, ctx: &CallContext) -> KeyRef<'_> {
        let kind = Kind::Catalog {
            raw: ctx.include_raw,
        };
        KeyRef::new(&self.tenant, "", kind)
    }

    /// Drops the catalog, with and without the vendor's records, here and on every other
    /// replica: a label was created.
    pub(super) async fn forget_catalog(&self) {
        self.store.forget_catalog(&self.tenant);
        self.announcer.changed(&self.tenant, &[]).await;
    }

    /// Kept answers where there are any; the rest in one batch read, each stored as it comes.
    pub(super) async fn read_many(
        &self,
        ctx: &CallContext,
        customers: &[CustomerId],
    ) -> Vec<Result<Fetched<LabelList>, Error>> {
        let now = Instant::now();
        let mut answers: Vec<Option<Result<Fetched<LabelList>, Error>>> = customers
            .iter()
            .map(|customer| {
                let hit = (!ctx.fresh).then(|| self.hit(&self.customer_key(ctx, customer), now));
                hit.flatten().map(labels_of)
            })
            .collect();
        let missing: Vec<usize> = (0..customers.len())
            .filter(|&i| answers[i].is_none())
            .collect();
        if missing.is_empty() {
            return answers.into_iter().flatten().collect();
        }
        let ids: Vec<CustomerId> = missing.iter().map(|&i| customers[i].clone()).collect();
        let (inner, call) = (self.inner.clone(), ctx.clone());
        // One vendor call for all of them, made by whichever reader polls it first; a customer
        // whose read another request already has in flight joins that one instead.
        let batch = async move { inner.customers_labels(&call, &ids).await }
            .boxed()
            .shared();
        let reads = missing.iter().enumerate().map(|(k, &i)| {
            let batch = batch.clone();
            let read = async move {
                let each = batch.await?;
                match each.into_iter().nth(k) {
                    Some(answer) => answer.map(|fetched| Value::Labels(fetched.value.compact())),
                    None => Err(Error::new(
                        ErrorKind::UpstreamError,
                        "the vendor's batch read left a customer out",
                    )),
                }
            };
            self.read(ctx, self.customer_key(ctx, &customers[i]), read)
        });
        for (&i, read) in missing.iter().zip(join_all(reads).await) {
            answers[i] = Some(labels_of(read));
        }
        answers.into_iter().flatten().collect()
    }

    /// The kept catalog filtered, or the vendor's search (not kept: the catalog is the entry).
    pub(super) async fn search(
        &self,
        ctx: &CallContext,
        text: &str,
    ) -> Result<Fetched<LabelList>, Error> {
        if !ctx.fresh {
            if let Some(Ok(kept)) = self.hit(&self.catalog_key(ctx), Instant::now()) {
                if let Value::Catalog(catalog) = kept.value {
                    let labels = catalog.labels().iter();
                    let matching = labels.filter(|l| name_contains(l.name.as_deref(), text));
                    return Ok(Fetched {
                        value: matching.cloned().collect(),
                        source: kept.source,
                    });
                }
            }
        }
        self.inner.search_catalog(ctx, text).await
    }
}

fn labels_of(read: Result<Fetched<Value>, Error>) -> Result<Fetched<LabelList>, Error> {
    labels(read?)
}
