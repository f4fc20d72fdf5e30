//! How a read was answered, reported by a cache layer back to the HTTP layer, which turns it
//! into `Cache-Status` (RFC 9211) and `Age`.

use std::sync::atomic::{AtomicU64, Ordering};

/// How a cache answered one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// Nothing usable was cached: the vendor answered, and the answer was stored.
    Miss,
    /// Nothing usable was cached, and another request was already asking the vendor: this one
    /// waited for that answer instead of asking again.
    Collapsed,
    /// The client asked for a fresh answer: the vendor answered, and the entry was refreshed.
    Refreshed,
    /// A cached answer, stored `age` seconds ago.
    Hit { age: u64 },
    /// An expired answer, served because the vendor failed; stored `age` seconds ago.
    Stale { age: u64 },
}

const TAG_BITS: u32 = 3;
const TAG_MASK: u64 = (1 << TAG_BITS) - 1;
const MAX_AGE: u64 = u64::MAX >> TAG_BITS;

/// Where a cache layer records how it answered. The layer only sees `&CallContext`, so the slot
/// is written through a shared reference; one atomic word keeps the hit path free of
/// allocations and locks. A clone starts with the same value but is a separate slot.
#[derive(Debug, Default)]
pub struct ServedSlot(AtomicU64);

impl ServedSlot {
    pub fn set(&self, served: Served) {
        let (tag, age) = match served {
            Served::Miss => (1, 0),
            Served::Collapsed => (2, 0),
            Served::Refreshed => (3, 0),
            Served::Hit { age } => (4, age),
            Served::Stale { age } => (5, age),
        };
        self.0
            .store((age.min(MAX_AGE) << TAG_BITS) | tag, Ordering::Relaxed);
    }

    /// `None` when no cache took part in the read.
    pub fn get(&self) -> Option<Served> {
        let word = self.0.load(Ordering::Relaxed);
        let age = word >> TAG_BITS;
        match word & TAG_MASK {
            1 => Some(Served::Miss),
            2 => Some(Served::Collapsed),
            3 => Some(Served::Refreshed),
            4 => Some(Served::Hit { age }),
            5 => Some(Served::Stale { age }),
            _ => None,
        }
    }
}

impl Clone for ServedSlot {
    fn clone(&self) -> Self {
        Self(AtomicU64::new(self.0.load(Ordering::Relaxed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_reads_back_as_written() {
        let slot = ServedSlot::default();
        assert_eq!(slot.get(), None);
        for served in [
            Served::Miss,
            Served::Collapsed,
            Served::Refreshed,
            Served::Hit { age: 0 },
            Served::Hit { age: 86_400 },
            Served::Stale { age: 7 },
        ] {
            slot.set(served);
            assert_eq!(slot.get(), Some(served));
        }
    }

    #[test]
    fn an_absurd_age_saturates_instead_of_corrupting_the_tag() {
        let slot = ServedSlot::default();
        slot.set(Served::Stale { age: u64::MAX });
        assert_eq!(slot.get(), Some(Served::Stale { age: MAX_AGE }));
    }
}
