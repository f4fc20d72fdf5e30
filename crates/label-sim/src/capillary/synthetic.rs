//! Customers made up on demand, so that a benchmark can fill a cache with as many distinct
//! customers as it likes without the simulator holding them.

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
        if !self.synthetic {
            return None;
        }
        let active: Vec<u64> = self
            .labels
            .iter()
            .filter(|l| l.active)
            .map(|l| l.id)
            .collect();
        if active.is_empty() {
            return Some(Cow::Owned(Vec::new()));
        }
        let first = (id % active.len() as u64) as usize;
        let made = (0..SYNTHETIC_LABELS.min(active.len()))
            .map(|k| Mapping {
                id: id.wrapping_mul(10).wrapping_add(k as u64),
                label_id: active[(first + k) % active.len()],
            })
            .collect();
        Some(Cow::Owned(made))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_ids_exist_only_when_asked_for_with_the_same_five_labels_each_time() {
        let mut data = CapillaryData::sample();
        assert!(data.mappings_of(1_000_001).is_none());
        data.synthetic = true;
        let made = data.mappings_of(1_000_001).expect("made up");
        assert_eq!(made.len(), SYNTHETIC_LABELS);
        let again = data.mappings_of(1_000_001).expect("made up");
        let ids = |m: &[Mapping]| m.iter().map(|m| m.label_id).collect::<Vec<_>>();
        assert_eq!(ids(&made), ids(&again));
        let mut distinct = ids(&made);
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), SYNTHETIC_LABELS);
        // Stored customers keep their own labels.
        assert_eq!(data.mappings_of(565345934).map(|m| m.len()), Some(0));
    }
}
