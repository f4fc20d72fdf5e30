//! A page of a job's results, read from its compact records: in submission order, customers
//! not done left out, filtered by status. Failed customers are found through the job's list
//! of their places, so a page of failures out of a million costs a few chunks, not all.

use std::sync::Arc;

use crate::contract::Error;

use super::model::Meta;
use super::record::{self, Outcome};
use super::store::JobStore;
use super::view::JobItem;

/// Most chunks one page reads through: a page of a huge job whose matches are rare ends early
/// with a cursor where it stopped, rather than reading the whole job.
const MAX_CHUNKS_READ: u64 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Succeeded,
    Failed,
}

impl Filter {
    pub fn name(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Succeeded => "succeeded",
            Filter::Failed => "failed",
        }
    }

    fn keeps(self, outcome: &Outcome) -> bool {
        match (self, outcome) {
            (_, Outcome::NotDone) => false,
            (Filter::All, _) => true,
            (Filter::Succeeded, Outcome::Succeeded(_)) => true,
            (Filter::Failed, Outcome::Failed { .. }) => true,
            _ => false,
        }
    }
}

/// Items from place `from` on, at most `limit`, and the place to go on from (`None`: no more
/// results are ready).
pub async fn page(
    store: &Arc<dyn JobStore>,
    meta: &Meta,
    filter: Filter,
    from: u64,
    limit: usize,
) -> Result<(Vec<JobItem>, Option<u64>), Error> {
    let size = u64::from(meta.chunk_size.max(1));
    let places: Vec<u64> = match filter {
        Filter::Failed => store.failed_from(meta, from, limit + 1).await?,
        _ => Vec::new(),
    };
    let mut items = Vec::with_capacity(limit);
    let first = from / size;
    let mut chunks: Vec<u64> = match filter {
        Filter::Failed => places.iter().map(|place| place / size).collect(),
        _ => (first..first + MAX_CHUNKS_READ).collect(),
    };
    chunks.dedup();
    let mut after = first;
    for chunk in chunks {
        after = chunk + 1;
        let Some(records) = store.records(&meta.tenant, &meta.id, chunk).await? else {
            return Ok((items, None));
        };
        let customers = store.customers(&meta.tenant, &meta.id, chunk).await?;
        let mut at = 0;
        for (offset, entry) in customers.iter().enumerate() {
            let Some(outcome) = record::decode(&records, &mut at) else {
                break;
            };
            let place = chunk * size + offset as u64;
            if place < from || !filter.keeps(&outcome) {
                continue;
            }
            if items.len() == limit {
                return Ok((items, Some(place)));
            }
            items.extend(JobItem::of(entry, outcome, meta));
        }
    }
    let next = match filter {
        Filter::Failed => None,
        _ if after * size >= meta.counts.total => None,
        _ => Some(after * size),
    };
    Ok((items, next))
}
