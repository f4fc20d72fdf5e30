//! The timer behind hyper's header-read deadline, kept to within a tick instead of exactly.
//!
//! hyper makes a new sleep for every request head it waits for and drops it once the head is
//! in. On tokio's timer each of those is an entry put into and taken out of the runtime's
//! timer wheel, under its lock: about 6 % of the instructions of a cache hit (BENCHMARKS.md).
//! Here a connection owns one slot holding its current deadline and the waker of its task;
//! a sleep only writes its deadline into the slot, and one task per listener checks every
//! slot once a tick and wakes the connections whose deadline has passed. For a limit of
//! seconds against clients that never finish their headers, a tick's lateness is harmless.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::task::AtomicWaker;
use hyper::rt::{Sleep, Timer};

/// No deadline: the slot's connection is not waiting for a head.
const UNSET: u64 = u64::MAX;

/// Every connection's slot, and a clock that moves once a tick.
pub struct Deadlines {
    started: Instant,
    tick: Duration,
    /// Nanoseconds since `started` at the last tick.
    now: AtomicU64,
    slots: Mutex<Vec<Weak<Slot>>>,
}

struct Slot {
    /// Nanoseconds since `started`, or [`UNSET`].
    deadline: AtomicU64,
    /// Set to close the connection while it waits for a head: its sleep ends at once.
    evicted: AtomicBool,
    /// Header deadlines set: past the first, the connection has been served and waits idle
    /// between requests (hyper's timer serves only the header deadline).
    heads: AtomicU32,
    waker: AtomicWaker,
    /// Reached through the slot, so that a request's sleep clones only its connection's
    /// `Arc`: one shared by every connection would be an atomic write both CPUs contend for.
    deadlines: Arc<Deadlines>,
}

impl Deadlines {
    /// Deadlines kept to within a tenth of `limit` (at least 10 ms, at most a second).
    pub fn new(limit: Duration) -> Arc<Self> {
        let tick = (limit / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
        Arc::new(Self {
            started: Instant::now(),
            tick,
            now: AtomicU64::new(0),
            slots: Mutex::new(Vec::new()),
        })
    }

    /// A connection's timer: one slot, checked every tick while the connection lives.
    pub fn timer(self: &Arc<Self>) -> ConnectionTimer {
        let slot = Arc::new(Slot {
            deadline: AtomicU64::new(UNSET),
            evicted: AtomicBool::new(false),
            heads: AtomicU32::new(0),
            waker: AtomicWaker::new(),
            deadlines: self.clone(),
        });
        self.slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Arc::downgrade(&slot));
        ConnectionTimer { slot }
    }

    /// Wakes the connections whose deadline has passed, once a tick, until dropped.
    pub async fn watch(self: Arc<Self>) {
        let mut every = tokio::time::interval(self.tick);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let now = self.since_start(Instant::now());
            self.now.store(now, Ordering::Relaxed);
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            slots.retain(|slot| match slot.upgrade() {
                Some(slot) => {
                    if slot.deadline.load(Ordering::Acquire) <= now {
                        slot.waker.wake();
                    }
                    true
                }
                None => false,
            });
        }
    }

    /// Closes the connection that has waited longest for a request head, if any waits: at the
    /// connection cap, an idle or silent connection gives way to a new one, so that sockets
    /// which send nothing can never keep out clients that do. Connections serving a request
    /// are never chosen; a connection already served (idle between requests, as a client's
    /// keep-alive pool holds it) only when `served_too`, so that a flood of new connections
    /// does not close the connections of clients being served.
    pub fn evict_longest_waiting(&self, served_too: bool) -> bool {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let waiting = slots
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|slot| !slot.evicted.load(Ordering::Relaxed))
            .map(|slot| {
                let served = slot.heads.load(Ordering::Relaxed) > 1;
                ((served, slot.deadline.load(Ordering::Acquire)), slot)
            })
            .filter(|((served, deadline), _)| *deadline != UNSET && (served_too || !served))
            // A connection waiting for its first head before any served one.
            .min_by_key(|(order, _)| *order);
        let Some((_, slot)) = waiting else {
            return false;
        };
        slot.evicted.store(true, Ordering::Release);
        slot.waker.wake();
        true
    }

    /// How often deadlines are checked.
    pub fn tick(&self) -> Duration {
        self.tick
    }

    fn since_start(&self, at: Instant) -> u64 {
        let nanos = at.saturating_duration_since(self.started).as_nanos();
        u64::try_from(nanos).unwrap_or(UNSET - 1)
    }

    fn now(&self) -> u64 {
        self.now.load(Ordering::Relaxed)
    }
}

/// hyper's timer for one connection.
#[derive(Clone)]
pub struct ConnectionTimer {
    slot: Arc<Slot>,
}

impl ConnectionTimer {
    /// Makes `deadline` the one the connection is woken for.
    fn set(&self, deadline: Instant) -> u64 {
        self.slot.heads.fetch_add(1, Ordering::Relaxed);
        let deadline = self.slot.deadlines.since_start(deadline);
        self.slot.deadline.store(deadline, Ordering::Release);
        deadline
    }
}

impl Timer for ConnectionTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(self.now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        Box::pin(SlotSleep {
            slot: self.slot.clone(),
            deadline: self.set(deadline),
        })
    }

    /// The tick's time, which costs no clock read; deadlines are counted from it.
    fn now(&self) -> Instant {
        let deadlines = &self.slot.deadlines;
        deadlines.started + Duration::from_nanos(deadlines.now())
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<SlotSleep>() {
            Some(mut sleep) => sleep.deadline = self.set(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

struct SlotSleep {
    slot: Arc<Slot>,
    deadline: u64,
}

impl Future for SlotSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.is_due() {
            return Poll::Ready(());
        }
        self.slot.waker.register(cx.waker());
        // A tick (or an eviction) between the check and the registration would have woken nobody.
        if self.is_due() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl SlotSleep {
    fn is_due(&self) -> bool {
        self.slot.deadlines.now() >= self.deadline || self.slot.evicted.load(Ordering::Acquire)
    }
}

impl Sleep for SlotSleep {}

impl Drop for SlotSleep {
    /// The head arrived: the connection is no longer woken for this deadline.
    fn drop(&mut self) {
        let _ = self.slot.deadline.compare_exchange(
            self.deadline,
            UNSET,
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use futures::FutureExt;
    use hyper::rt::Timer;

    use super::{ConnectionTimer, Deadlines, UNSET};

    /// Bounds a wait that should end within ticks, so that a broken timer fails, not hangs.
    const AT_MOST: Duration = Duration::from_secs(10);

    /// Whether `sleep` was woken and ended before `AT_MOST`. The bound is checked first, so a
    /// sleep that is never woken is not rescued by being polled when the bound ends.
    async fn woken(sleep: impl std::future::Future<Output = ()>) -> bool {
        tokio::select! {
            biased;
            () = tokio::time::sleep(AT_MOST) => false,
            () = sleep => true,
        }
    }

    /// A connection's timer, with its listener's watch running until the handle is aborted.
    fn watched_timer() -> (ConnectionTimer, tokio::task::JoinHandle<()>) {
        let deadlines = Deadlines::new(Duration::from_millis(100));
        let watching = tokio::spawn(deadlines.clone().watch());
        (deadlines.timer(), watching)
    }

    #[tokio::test]
    async fn a_sleep_is_pending_until_its_deadline_then_woken() {
        let (timer, watching) = watched_timer();
        let mut far = timer.sleep(Duration::from_secs(3600));
        assert!((&mut far).now_or_never().is_none());
        let near = timer.sleep(Duration::from_millis(20));
        assert!(woken(near).await);
        watching.abort();
    }

    #[tokio::test]
    async fn a_reset_sleep_keeps_the_new_deadline() {
        let (timer, watching) = watched_timer();
        let mut sleep = timer.sleep(Duration::from_secs(3600));
        timer.reset(&mut sleep, timer.now() + Duration::from_millis(20));
        assert!(woken(sleep).await);
        watching.abort();
    }

    #[tokio::test]
    async fn eviction_ends_the_longest_wait_for_a_head_only() {
        let deadlines = Deadlines::new(Duration::from_secs(3600));
        let (older, newer, busy) = (deadlines.timer(), deadlines.timer(), deadlines.timer());
        let mut older_sleep = older.sleep(Duration::from_secs(60));
        let mut newer_sleep = newer.sleep(Duration::from_secs(120));
        assert!((&mut older_sleep).now_or_never().is_none());
        assert!(deadlines.evict_longest_waiting(true));
        assert!(woken(older_sleep).await);
        assert!((&mut newer_sleep).now_or_never().is_none());
        drop(busy);
        assert!(deadlines.evict_longest_waiting(true));
        assert!(woken(newer_sleep).await);
        assert!(
            !deadlines.evict_longest_waiting(true),
            "nobody else waits for a head"
        );
    }

    #[test]
    fn a_dropped_sleep_leaves_its_connection_unwoken() {
        let deadlines = Deadlines::new(Duration::from_millis(100));
        let timer = deadlines.timer();
        drop(timer.sleep(Duration::from_millis(1)));
        assert_eq!(timer.slot.deadline.load(Ordering::Relaxed), UNSET);
    }
}
