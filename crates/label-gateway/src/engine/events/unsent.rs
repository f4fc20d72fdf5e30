//! Events the log could not take yet (with `[state]`, while Redis is unreachable): kept in the
//! process, in order, and appended by a background task once the log takes them again, so
//! that a change answered during an outage still becomes an event. Bounded: past
//! [`MAX_UNSENT`] events the newest are dropped and logged (the process must not grow without
//! end while Redis is gone).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::event::Recorded;
use super::log::EventLog;

pub const MAX_UNSENT: usize = 100_000;
const RETRY: Duration = Duration::from_millis(500);

#[derive(Default)]
pub struct Unsent {
    queue: Mutex<VecDeque<(String, Vec<Recorded>)>>,
    count: Mutex<usize>,
    flushing: AtomicBool,
}

impl Unsent {
    /// Whether anything waits: later events then wait behind it, to keep their order.
    pub fn waiting(&self) -> bool {
        *self.count.lock().unwrap_or_else(|p| p.into_inner()) > 0
    }

    /// Keeps a tenant's events for later and makes sure something appends them.
    pub fn keep(self: &Arc<Self>, log: Arc<dyn EventLog>, tenant: &str, events: Vec<Recorded>) {
        {
            let mut count = self.count.lock().unwrap_or_else(|p| p.into_inner());
            if *count + events.len() > MAX_UNSENT {
                tracing::error!(tenant, count = events.len(),
                    "change events dropped: the event log is unreachable and {MAX_UNSENT} already wait");
                return;
            }
            *count += events.len();
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            queue.push_back((tenant.to_owned(), events));
        }
        if !self.flushing.swap(true, Ordering::AcqRel) {
            let unsent = self.clone();
            tokio::spawn(async move { unsent.flush(log).await });
        }
    }

    async fn flush(self: Arc<Self>, log: Arc<dyn EventLog>) {
        loop {
            let next = self
                .queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .front()
                .cloned();
            let Some((tenant, events)) = next else {
                self.flushing.store(false, Ordering::Release);
                // One kept after the check above would have found `flushing` set: look again.
                if self.waiting() && !self.flushing.swap(true, Ordering::AcqRel) {
                    continue;
                }
                return;
            };
            match log.append(&tenant, events.clone()).await {
                Ok(()) => {
                    self.queue
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .pop_front();
                    *self.count.lock().unwrap_or_else(|p| p.into_inner()) -= events.len();
                }
                Err(_) => tokio::time::sleep(RETRY).await,
            }
        }
    }
}
