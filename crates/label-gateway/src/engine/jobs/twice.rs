//! A customer named twice in one submission, found without a table of a million ids: each
//! entry is 8 bytes, its target's hash above its place in the body; sorted, equal hashes sit
//! side by side, and only those are compared in full (a million entries: 8 MB for a moment,
//! where a hash map of them took 34 MB).

/// Places fit in the low bits: 16 million, over `max_customers`' largest allowed value.
const PLACE_BITS: u32 = 24;

/// The entry of the customer at `place` whose target hashes to `hash`.
pub fn entry(hash: u64, place: usize) -> u64 {
    hash >> PLACE_BITS << PLACE_BITS | place as u64
}

/// `(later place, first place)` of every target named again, in body order; `entry_at` reads
/// the entry at a place, `target` the customer it changes.
pub fn found(
    mut entries: Vec<u64>,
    entry_at: impl Fn(usize) -> Option<String>,
    target: impl Fn(&str) -> &str,
) -> Vec<(usize, usize)> {
    entries.sort_unstable();
    let place = |entry: u64| (entry & ((1 << PLACE_BITS) - 1)) as usize;
    let mut found = Vec::new();
    for group in entries.chunk_by(|a, b| a >> PLACE_BITS == b >> PLACE_BITS) {
        if group.len() < 2 {
            continue;
        }
        // A group is the few entries of one hash, in body order: each is compared with those
        // before it, so that two targets whose hashes collide are told apart.
        let read: Vec<(usize, Option<String>)> = group
            .iter()
            .map(|&e| (place(e), entry_at(place(e))))
            .collect();
        for (i, (at, entry)) in read.iter().enumerate() {
            let Some(entry) = entry else { continue };
            let first = read[..i].iter().find(|(_, earlier)| {
                earlier
                    .as_deref()
                    .is_some_and(|e| target(e) == target(entry))
            });
            if let Some((first, _)) = first {
                found.push((*at, *first));
            }
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_equal_targets_are_found_even_when_their_hashes_collide() {
        let ids = ["a", "b", "a", "c", "b", "a"];
        // Every hash the same: entries are still compared in full.
        let entries = (0..ids.len()).map(|place| entry(7 << 40, place)).collect();
        let at = |place: usize| ids.get(place).map(|id| (*id).to_owned());
        assert_eq!(found(entries, at, |id| id), [(2, 0), (4, 1), (5, 0)]);
        let entries = (0..ids.len())
            .map(|place| entry(u64::from(ids[place].as_bytes()[0]) << 40, place))
            .collect();
        assert_eq!(found(entries, at, |id| id), [(2, 0), (4, 1), (5, 0)]);
    }
}
