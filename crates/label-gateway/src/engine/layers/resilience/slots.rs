//! The tenant's cap on calls in flight to its vendor (`max_in_flight`): a call over it waits
//! for a slot, at most a share of `timeout_ms` and only while it keeps what it needs of its
//! deadline; past that it is refused (`in_flight`), so a burst is ridden out and a flood is
//! answered at once.

use std::time::Duration;

use label_core::{Error, ErrorKind};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// A call over the tenant's `max_in_flight` waits at most this share of `timeout_ms` for a
/// slot: long enough to ride out a burst, short enough to leave the vendor call its time.
const QUEUE_SHARE: u32 = 4;

pub struct Slots {
    slots: Semaphore,
    max_in_flight: usize,
    /// The longest a call waits for a slot.
    queue_for: Duration,
}

impl Slots {
    pub fn new(max_in_flight: usize, timeout: Duration) -> Self {
        Self {
            slots: Semaphore::new(max_in_flight.clamp(1, Semaphore::MAX_PERMITS)),
            max_in_flight,
            queue_for: timeout / QUEUE_SHARE,
        }
    }

    /// A slot, held until the call ends; waited for until `latest` at the most.
    pub async fn take(&self, latest: Instant) -> Result<SemaphorePermit<'_>, Error> {
        let until = latest.min(Instant::now() + self.queue_for);
        match tokio::time::timeout_at(until, self.slots.acquire()).await {
            Ok(Ok(slot)) => Ok(slot),
            _ => Err(self.busy()),
        }
    }

    fn busy(&self) -> Error {
        Error::new(
            ErrorKind::UpstreamUnavailable,
            format!(
                "the tenant already has {} calls to its vendor in flight",
                self.max_in_flight
            ),
        )
        .with_retry_after(Some(Duration::from_secs(1)))
    }
}
