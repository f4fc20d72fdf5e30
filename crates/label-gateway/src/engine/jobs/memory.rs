//! What the process's jobs hold, against `[jobs] max_memory_bytes`: a submission while it is
//! read, a job while it runs and once it has ended (until it is forgotten). Counted as the
//! bytes of the structures that hold them (their capacities), not guessed from a body's
//! length: the same million customers cost 10 MB as JSON and 3 MB packed.

use crate::contract::{Code, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A refused submission is asked to come back after this: jobs end, and ended ones are
/// forgotten, in minutes rather than seconds.
const RETRY_AFTER: Duration = Duration::from_secs(60);

pub struct JobMemory {
    used: AtomicUsize,
    max: usize,
}

/// Bytes held for one submission or job; given back when dropped.
pub struct Held {
    memory: Arc<JobMemory>,
    bytes: usize,
}

impl JobMemory {
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            used: AtomicUsize::new(0),
            max,
        })
    }

    pub fn used(&self) -> usize {
        self.used.load(Ordering::Acquire)
    }

    /// Holds `bytes`, or `jobs_full` when they would take the jobs past the maximum.
    pub fn hold(self: &Arc<Self>, bytes: usize) -> Result<Held, Error> {
        let mut held = Held {
            memory: self.clone(),
            bytes: 0,
        };
        held.resize(bytes)?;
        Ok(held)
    }

    fn add(&self, bytes: usize) -> Result<(), Error> {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|total| *total <= self.max)
            })
            .map(drop)
            .map_err(|_| full(self.max))
    }
}

impl Held {
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Grows (or shrinks) what is held to `bytes`; `jobs_full`, with nothing changed, when
    /// growing would pass the maximum.
    pub fn resize(&mut self, bytes: usize) -> Result<(), Error> {
        if bytes > self.bytes {
            self.memory.add(bytes - self.bytes)?;
        } else {
            self.memory
                .used
                .fetch_sub(self.bytes - bytes, Ordering::AcqRel);
        }
        self.bytes = bytes;
        Ok(())
    }

    /// Grows to `bytes` even past the maximum: a job that was accepted keeps its results (the
    /// next submission is refused instead).
    pub fn force(&mut self, bytes: usize) {
        if self.resize(bytes).is_err() {
            let more = bytes - self.bytes;
            self.memory.used.fetch_add(more, Ordering::AcqRel);
            self.bytes = bytes;
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.memory.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

fn full(max: usize) -> Error {
    Error::new(
        Code::JobsFull,
        format!(
            "the jobs of this gateway hold all the memory they may ([jobs] max_memory_bytes = \
             {max}): try again later"
        ),
    )
    .with_retry_after(Some(RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_add_up_to_the_maximum_and_are_given_back() {
        let memory = JobMemory::new(100);
        let mut first = memory.hold(60).expect("fits");
        let refused = memory.hold(50).err().expect("past the maximum");
        assert_eq!(refused.kind, Code::JobsFull);
        assert!(refused.retry_after.is_some());
        assert_eq!(memory.used(), 60);
        assert!(first.resize(101).is_err());
        assert_eq!(first.bytes(), 60);
        first.resize(20).expect("shrinks");
        let second = memory.hold(80).expect("fits now");
        first.force(90);
        assert_eq!(memory.used(), 170);
        drop(first);
        drop(second);
        assert_eq!(memory.used(), 0);
    }
}
