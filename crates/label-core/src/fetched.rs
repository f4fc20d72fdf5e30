//! A read's value together with where it came from, so that whoever answers the client can say
//! so (an HTTP answer's `Cache-Status` and `Age`) without any side channel from the layers.

/// Where a read's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Asked of the vendor, with no cache on the way.
    Vendor,
    /// Asked of the vendor by this read, because nothing usable was kept; now kept.
    Stored,
    /// Asked of the vendor by another read of the same thing already under way, whose answer
    /// this one shared instead of asking again.
    Shared,
    /// Asked of the vendor because the caller wanted a fresh answer; kept copies were refreshed.
    Refreshed,
    /// A kept answer, fetched from the vendor `age` seconds ago.
    Kept { age: u64 },
    /// An expired kept answer, given because the vendor failed; fetched `age` seconds ago.
    Stale { age: u64 },
}

/// A read's value and its [`Source`].
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Fetched<T> {
    /// A value a backend has just read from its vendor.
    pub fn from_vendor(value: T) -> Self {
        Self {
            value,
            source: Source::Vendor,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        Fetched {
            value: f(self.value),
            source: self.source,
        }
    }
}
