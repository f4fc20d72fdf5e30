//! Customers made up on demand, so that a benchmark can fill a cache with as many distinct
//! customers as it likes without the simulator holding them. A write to one copies its five
//! labels into a stored record first (copy on write), so only written customers take memory.

use std::borrow::Cow;

use super::{CapillaryData, Mapping};

/// How many labels every made-up customer has.
pub const SYNTHETIC_LABELS: usize = 5;

impl CapillaryData {
    /// The customer's mappings: stored ones, or with `synthetic` on, five made from the id for
    /// any id that is not stored. The same id always gets the same labels.
    pub(super) fn mappings_of(&self, id: u64) -> Option<Cow<'_, [Mapping]>> {
        if let Some(stored) = self.customers.get(&id) {
            return Some(Cow::Borrowed(stored));
        }
        self.synthetic.then(|| Cow::Owned(self.made_up(id)))
    }

    /// The customer's stored mappings, to change: a made-up customer is stored first, with
    /// exactly its five labels' worth of room. `None`: no such customer.
    pub(super) fn stored_mut(&mut self, id: u64) -> Option<&mut Vec<Mapping>> {
        if !self.customers.contains_key(&id) {
            if !self.synthetic {
                return None;
            }
            let mut made = self.made_up(id);
            made.shrink_to_fit();
            self.customers.insert(id, made);
        }
        self.customers.get_mut(&id)
    }

    /// Five mappings made from the id: the same id always gets the same labels. They are drawn
    /// from the seeded labels only, so that labels created through the API while a benchmark
    /// runs do not change the customers it has not written.
    fn made_up(&self, id: u64) -> Vec<Mapping> {
        let active: Vec<u64> = self
            .labels
            .iter()
            .filter(|l| l.active && self.seeded(l.id))
            .map(|l| l.id)
            .collect();
        if active.is_empty() {
            return Vec::new();
        }
        let first = (id % active.len() as u64) as usize;
        (0..SYNTHETIC_LABELS.min(active.len()))
            .map(|k| Mapping {
                id: id.wrapping_mul(10).wrapping_add(k as u64),
                label_id: active[(first + k) % active.len()],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label_ids(mappings: &[Mapping]) -> Vec<u64> {
        mappings.iter().map(|m| m.label_id).collect()
    }

    #[test]
    fn unknown_ids_exist_only_when_asked_for_with_the_same_five_labels_each_time() {
        let mut data = CapillaryData::sample();
        assert!(data.mappings_of(1_000_001).is_none());
        data.synthetic = true;
        let made = data.mappings_of(1_000_001).expect("made up");
        assert_eq!(made.len(), SYNTHETIC_LABELS);
        let again = data.mappings_of(1_000_001).expect("made up");
        assert_eq!(label_ids(&made), label_ids(&again));
        let mut distinct = label_ids(&made);
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), SYNTHETIC_LABELS);
        // Stored customers keep their own labels.
        assert_eq!(data.mappings_of(565345934).map(|m| m.len()), Some(0));
    }

    #[test]
    fn a_write_stores_the_made_up_labels_first_and_only_then_changes_them() {
        let mut data = CapillaryData::sample();
        assert!(
            data.stored_mut(1_000_001).is_none(),
            "not synthetic: unknown"
        );
        data.synthetic = true;
        let made = label_ids(&data.mappings_of(1_000_001).unwrap());
        let stored = data.stored_mut(1_000_001).expect("made up, now stored");
        assert_eq!(stored.capacity(), SYNTHETIC_LABELS);
        stored.remove(0);
        let after = label_ids(&data.mappings_of(1_000_001).unwrap());
        assert_eq!(after, made[1..]);
        assert_eq!(data.customers.len(), 4, "one customer stored, no other");
    }
}
