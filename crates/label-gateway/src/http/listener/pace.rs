//! Request bodies that must keep arriving, and how many one API key may be sending at once.
//!
//! A body must arrive at `min_body_bytes_per_second` once the gateway starts reading it, after
//! a grace: as with Apache's `mod_reqtimeout` `MinRate`, each byte received buys its share of a
//! second, so a reader is due at `start + grace + bytes / rate`. One task per listener looks at
//! every reader once a tick and stops those past due; the body then ends with [`BodyStopped`]
//! and the route answers 408. At the connection cap the slowest reader is stopped first
//! ([`Readers::evict_slowest`]), and one key may hold only so many readers ([`Reader::claim`]),
//! so that connections trickling bodies with one valid key cannot keep other tenants out.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use futures::task::AtomicWaker;

/// How long a body may take before its pace is held against it.
pub const GRACE: Duration = Duration::from_secs(2);

/// A reader stopped before its body's end: too slow, or closed to make room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyStopped {
    TooSlow,
    Evicted,
}

impl std::fmt::Display for BodyStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BodyStopped::TooSlow => {
                "the request body arrived slower than min_body_bytes_per_second"
            }
            BodyStopped::Evicted => "the request body was stopped to make room for other clients",
        })
    }
}

impl std::error::Error for BodyStopped {}

/// Why a body read failed, if the pace stopped it: `err` or any error it wraps.
pub fn stopped(err: &(dyn std::error::Error + 'static)) -> Option<BodyStopped> {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(stopped) = err.downcast_ref::<BodyStopped>() {
            return Some(*stopped);
        }
        cause = err.source();
    }
    None
}

const READING: u8 = 0;
const TOO_SLOW: u8 = 1;
const EVICTED: u8 = 2;
const DONE: u8 = 3;
/// Not read from yet: its clock has not started.
const NOT_STARTED: u64 = u64::MAX;

/// Every body being read on one listener.
pub struct Readers {
    started: Instant,
    min_bytes_per_second: u64,
    readers: Mutex<Vec<Weak<Reader>>>,
}

/// One request body, from its head to its end.
pub struct Reader {
    registry: Arc<Readers>,
    /// Nanoseconds since the registry started, from the first time the body was read.
    first_read: AtomicU64,
    bytes: AtomicU64,
    state: AtomicU8,
    waker: AtomicWaker,
    /// The SHA-256 of the API key sending it, once the key was accepted.
    key: OnceLock<[u8; 32]>,
}

impl Readers {
    pub fn new(min_bytes_per_second: u64) -> Arc<Self> {
        Arc::new(Self {
            started: Instant::now(),
            min_bytes_per_second: min_bytes_per_second.max(1),
            readers: Mutex::new(Vec::new()),
        })
    }

    pub fn start(self: &Arc<Self>) -> Arc<Reader> {
        let reader = Arc::new(Reader {
            registry: self.clone(),
            first_read: AtomicU64::new(NOT_STARTED),
            bytes: AtomicU64::new(0),
            state: AtomicU8::new(READING),
            waker: AtomicWaker::new(),
            key: OnceLock::new(),
        });
        self.lock().push(Arc::downgrade(&reader));
        reader
    }

    /// Stops every reader past due, every `tick`, until dropped.
    pub async fn watch(self: Arc<Self>, tick: Duration) {
        let mut every = tokio::time::interval(tick);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let now = self.now();
            self.lock().retain(|reader| match reader.upgrade() {
                Some(reader) => {
                    if reader.due(self.min_bytes_per_second) <= now {
                        reader.stop(TOO_SLOW);
                    }
                    true
                }
                None => false,
            });
        }
    }

    /// Stops the reader whose body has arrived slowest so far, of those read from for at
    /// least `settled` (a body read a moment ago has no pace to judge yet).
    pub fn evict_slowest(&self, settled: Duration) -> bool {
        let now = self.now();
        let settled = settled.as_nanos() as u64;
        let readers = self.lock();
        let slowest = readers
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|reader| reader.state.load(Ordering::Acquire) == READING)
            .filter_map(|reader| {
                let age = now.checked_sub(reader.first_read.load(Ordering::Acquire))?;
                // Bytes per second, scaled to stay an integer.
                let pace =
                    reader.bytes.load(Ordering::Acquire).saturating_mul(1 << 20) / age.max(1);
                (age >= settled).then_some((pace, reader))
            })
            .min_by_key(|(pace, _)| *pace);
        drop(readers);
        let Some((_, reader)) = slowest else {
            return false;
        };
        reader.stop(EVICTED);
        true
    }

    fn now(&self) -> u64 {
        self.started.elapsed().as_nanos() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Reader>>> {
        self.readers.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Reader {
    /// Lets the reader count against `key`, unless that key already has `limit` others
    /// reading.
    pub fn claim(&self, key: [u8; 32], limit: usize) -> bool {
        let readers = self.registry.lock();
        let reading = readers
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|reader| reader.state.load(Ordering::Acquire) == READING)
            .filter(|reader| reader.key.get() == Some(&key))
            .count();
        reading < limit && self.key.set(key).is_ok()
    }

    /// Before each read: why the body may not be read further, if it may not.
    pub fn check(&self, waker: &std::task::Waker) -> Result<(), BodyStopped> {
        if self.first_read.load(Ordering::Relaxed) == NOT_STARTED {
            let now = self.registry.now();
            let _ = self.first_read.compare_exchange(
                NOT_STARTED,
                now,
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
        }
        self.waker.register(waker);
        match self.state.load(Ordering::Acquire) {
            TOO_SLOW => Err(BodyStopped::TooSlow),
            EVICTED => Err(BodyStopped::Evicted),
            _ => Ok(()),
        }
    }

    pub fn received(&self, bytes: usize) {
        self.bytes.fetch_add(bytes as u64, Ordering::AcqRel);
    }

    /// The body has ended: it no longer counts against its key or its pace.
    pub fn finished(&self) {
        self.state.store(DONE, Ordering::Release);
    }

    fn due(&self, min_bytes_per_second: u64) -> u64 {
        let first_read = self.first_read.load(Ordering::Acquire);
        if first_read == NOT_STARTED || self.state.load(Ordering::Acquire) != READING {
            return u64::MAX;
        }
        let bytes = self.bytes.load(Ordering::Acquire);
        let earned = bytes.saturating_mul(1_000_000_000) / min_bytes_per_second;
        first_read
            .saturating_add(GRACE.as_nanos() as u64)
            .saturating_add(earned)
    }

    fn stop(&self, why: u8) {
        if self
            .state
            .compare_exchange(READING, why, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            self.waker.wake();
        }
    }
}
