//! The records in the process, for a gateway without `[state]`: bounded by what they weigh in
//! the process's memory, the least useful dropped first.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use moka::future::Cache;

use super::{in_progress, reused, Kept, Scoped, TTL};
use crate::contract::Error;

/// What an entry costs in the process's memory besides its key and body: moka's own slot,
/// queue and timer nodes, the key's two strings, the slot's lock and state, the kept headers
/// and the body's handle. Measured (`tests/tests/memory_ceilings.rs`): 640 kept 120 000 small
/// answers in 1.14 times the default 64 MiB.
const ENTRY_OVERHEAD: usize = 800;

#[derive(Clone)]
pub(super) struct Local {
    slots: Cache<Scoped, Arc<Slot>>,
}

/// One key's state; a running request holds its slot, to free it.
pub(super) struct Slot(Mutex<SlotState>);

#[derive(Clone)]
enum SlotState {
    /// Nobody holds the key: never used, or its last use left no answer to keep.
    Vacant,
    Running {
        fingerprint: [u8; 32],
    },
    Done {
        fingerprint: [u8; 32],
        answer: Kept,
    },
}

impl Local {
    pub fn new(max_bytes: u64) -> Self {
        let slots = Cache::builder()
            .time_to_live(TTL)
            .max_capacity(max_bytes)
            .weigher(|(tenant, key): &Scoped, slot: &Arc<Slot>| {
                let body = match &*slot.state() {
                    SlotState::Done { answer, .. } => answer.body.len(),
                    _ => 0,
                };
                let weight = tenant.len() + key.len() + body + ENTRY_OVERHEAD;
                u32::try_from(weight).unwrap_or(u32::MAX)
            })
            .build();
        Self { slots }
    }

    /// The kept answer to replay, or the slot of the key, now this request's to run.
    pub async fn claim(
        &self,
        key: &Scoped,
        fingerprint: [u8; 32],
    ) -> Result<Result<Kept, Arc<Slot>>, Error> {
        let slot = self
            .slots
            .entry(key.clone())
            .or_insert_with(async { Arc::new(Slot(Mutex::new(SlotState::Vacant))) })
            .await
            .into_value();
        let mut state = slot.state();
        match &*state {
            SlotState::Vacant => {}
            SlotState::Running { fingerprint: first }
            | SlotState::Done {
                fingerprint: first, ..
            } if *first != fingerprint => return Err(reused()),
            SlotState::Running { .. } => return Err(in_progress()),
            SlotState::Done { answer, .. } => return Ok(Ok(answer.clone())),
        }
        *state = SlotState::Running { fingerprint };
        drop(state);
        Ok(Err(slot))
    }

    pub async fn keep(&self, key: &Scoped, slot: &Slot, fingerprint: [u8; 32], mut answer: Kept) {
        // Collected bodies may carry spare capacity; a kept one is held for a day.
        answer.body = Bytes::copy_from_slice(&answer.body);
        let done = SlotState::Done {
            fingerprint,
            answer,
        };
        *slot.state() = done.clone();
        // Inserted anew so that the cache weighs the entry with its body.
        let fresh = Arc::new(Slot(Mutex::new(done)));
        self.slots.insert(key.clone(), fresh).await;
    }
}

impl Slot {
    /// Frees the key: its request left no answer to keep.
    pub fn release(&self) {
        let mut state = self.state();
        if matches!(*state, SlotState::Running { .. }) {
            *state = SlotState::Vacant;
        }
    }
}

impl Slot {
    /// A poisoned lock only means a panic elsewhere mid-update; the state is still a state.
    fn state(&self) -> MutexGuard<'_, SlotState> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
