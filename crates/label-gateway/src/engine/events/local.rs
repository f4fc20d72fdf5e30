//! The event log in the process, for a gateway without `[state]`: per tenant, a queue of the
//! events kept (by age, by count, and by the bytes of all tenants together), lost with the
//! process. Positions are `<epoch>-<sequence>`: a cursor from before a restart names another
//! epoch and is `cursor_expired`, never silently read from the wrong place.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::event::Recorded;
use super::log::{expired, not_a_position, EventLog, Page, Read};
use crate::config::EventsConfig;
use crate::contract::Error;

pub struct LocalLog {
    epoch: String,
    retention: Duration,
    max_events: usize,
    max_bytes: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    tenants: HashMap<String, TenantLog>,
    bytes: usize,
}

#[derive(Default)]
struct TenantLog {
    events: VecDeque<Kept>,
    /// The sequence of the last event appended (0: none yet).
    last: u64,
    /// Every event up to this sequence was dropped: a reader before it has missed some.
    dropped_through: u64,
    by_id: HashMap<std::sync::Arc<str>, u64>,
    bytes: usize,
}

struct Kept {
    seq: u64,
    at: Instant,
    event: Recorded,
}

impl LocalLog {
    pub fn new(config: &EventsConfig) -> Self {
        Self {
            epoch: format!("{:08x}", rand::random::<u32>()),
            retention: config.retention,
            max_events: config.max_events,
            max_bytes: config.max_bytes,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn position(&self, seq: u64) -> String {
        format!("{}-{seq}", self.epoch)
    }

    /// The sequence a position of this log names.
    fn sequence(&self, position: &str) -> Result<u64, Error> {
        let (epoch, seq) = position.split_once('-').ok_or_else(not_a_position)?;
        let seq: u64 = seq.parse().map_err(|_| not_a_position())?;
        if epoch != self.epoch {
            // Another process's log (this one restarted): what it pointed after is gone.
            return Err(expired());
        }
        Ok(seq)
    }
}

impl State {
    fn drop_oldest(&mut self, tenant: &str) {
        let Some(log) = self.tenants.get_mut(tenant) else {
            return;
        };
        if let Some(kept) = log.events.pop_front() {
            let weight = kept.event.weight();
            log.bytes -= weight;
            self.bytes -= weight;
            log.dropped_through = kept.seq;
            log.by_id.remove(&kept.event.id);
        }
    }

    /// What is past the retention or the count, then, while all tenants together weigh too
    /// much, the oldest of the heaviest tenant.
    fn trim(&mut self, tenant: &str, now: Instant, retention: Duration, max_events: usize) {
        loop {
            let Some(log) = self.tenants.get(tenant) else {
                return;
            };
            let old = log
                .events
                .front()
                .is_some_and(|kept| now.saturating_duration_since(kept.at) > retention);
            if !old && log.events.len() <= max_events {
                return;
            }
            self.drop_oldest(tenant);
        }
    }

    fn heaviest(&self) -> Option<String> {
        self.tenants
            .iter()
            .filter(|(_, log)| !log.events.is_empty())
            .max_by_key(|(_, log)| log.bytes)
            .map(|(tenant, _)| tenant.clone())
    }
}

#[async_trait]
impl EventLog for LocalLog {
    async fn append(&self, tenant: &str, events: Vec<Recorded>) -> Result<(), Error> {
        let now = Instant::now();
        {
            let mut state = self.state();
            let log = state.tenants.entry(tenant.to_owned()).or_default();
            let mut added = 0;
            for event in events {
                log.last += 1;
                let weight = event.weight();
                log.bytes += weight;
                added += weight;
                log.by_id.insert(event.id.clone(), log.last);
                log.events.push_back(Kept {
                    seq: log.last,
                    at: now,
                    event,
                });
            }
            state.bytes += added;
            state.trim(tenant, now, self.retention, self.max_events);
            while state.bytes > self.max_bytes {
                let Some(heaviest) = state.heaviest() else {
                    break;
                };
                state.drop_oldest(&heaviest);
            }
        }
        Ok(())
    }

    async fn read(&self, tenant: &str, read: Read<'_>) -> Result<Page, Error> {
        let (filter, limit) = (read.types, read.limit);
        let after = read
            .after
            .map(|position| self.sequence(position))
            .transpose()?;
        let mut state = self.state();
        state.trim(tenant, Instant::now(), self.retention, self.max_events);
        let Some(log) = state.tenants.get(tenant) else {
            // Nothing yet: a cursor of this epoch can only be 0.
            return match after {
                Some(seq) if seq > 0 => Err(not_a_position()),
                _ => Ok(Page {
                    items: Vec::new(),
                    next: self.position(0),
                }),
            };
        };
        let after = match after {
            Some(seq) if seq > log.last => return Err(not_a_position()),
            Some(seq) if seq < log.dropped_through => return Err(expired()),
            Some(seq) => seq,
            None => log.dropped_through,
        };
        // Sequences are dense: the first event after `after` is at a known offset.
        let first = log.events.front().map_or(log.last + 1, |kept| kept.seq);
        let skip = (after + 1).saturating_sub(first) as usize;
        let mut page = Page {
            items: Vec::new(),
            next: self.position(after),
        };
        for kept in log.events.iter().skip(skip) {
            if page.items.len() == limit {
                break;
            }
            if filter.admits(kept.event.kind) {
                page.items.push(kept.event.clone());
            }
            page.next = self.position(kept.seq);
        }
        Ok(page)
    }

    async fn end(&self, tenant: &str) -> Result<String, Error> {
        let state = self.state();
        Ok(self.position(state.tenants.get(tenant).map_or(0, |log| log.last)))
    }

    async fn find(&self, tenant: &str, id: &str) -> Result<Option<Recorded>, Error> {
        let state = self.state();
        let Some(log) = state.tenants.get(tenant) else {
            return Ok(None);
        };
        let Some(&seq) = log.by_id.get(id) else {
            return Ok(None);
        };
        let first = log.events.front().map_or(0, |kept| kept.seq);
        Ok(log
            .events
            .get((seq - first) as usize)
            .map(|kept| kept.event.clone()))
    }

    fn durable(&self) -> bool {
        false
    }
}
