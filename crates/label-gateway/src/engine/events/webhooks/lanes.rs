//! One webhook's deliveries in this process: a lane per customer, so that one customer's events
//! go one after another (the next waits until the previous is delivered or failed) while other
//! customers' go beside them, at most `max_deliveries_in_flight` attempts at once. A failing
//! receiver holds only the lanes of its failing deliveries: a retry waits without a slot.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::Digest;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::record::{self, DeliveryStatus, Record, Shared};
use super::send::{Answer, Sender, Target};
use crate::contract::TypeFilter;
use crate::engine::clock::{now_ms, rfc3339};
use crate::engine::events::event::Recorded;
use crate::telemetry::names::{WEBHOOK_BACKLOG, WEBHOOK_DELIVERIES, WEBHOOK_LATENCY};

/// Deliveries one webhook holds at most; past it the hook reads no further from the log until
/// some end (the events wait in the log, which is bounded itself).
pub const MAX_PENDING: usize = 100_000;

/// Told when a delivery ended (delivered or failed), by its position in a shared log.
#[async_trait::async_trait]
pub trait Acknowledge: Send + Sync {
    async fn ack(&self, position: &str);
}

pub struct Hook {
    pub tenant: String,
    /// What makes it the same webhook across a reload: its URL, secret and types.
    pub identity: String,
    /// A short name made from the identity: its consumer group's, its deliveries' key.
    pub name: String,
    pub(super) record: Arc<Record>,
    pub target: Target,
    pub types: TypeFilter,
    /// A 410 from the receiver: nothing more is sent until the config is reloaded.
    pub disabled: AtomicBool,
    pub(super) schedule: Arc<[Duration]>,
    pub(super) sender: Arc<Sender>,
    slots: Semaphore,
    lanes: Mutex<Lanes>,
    /// The lanes' workers.
    tasks: Mutex<JoinSet<()>>,
    /// What reads the events for this hook (in the process, or from its consumer group).
    pub(super) follower: Mutex<Option<tokio::task::AbortHandle>>,
    /// With `[state]`: the consumer group told of each delivery that ended.
    pub(super) group: std::sync::OnceLock<Arc<dyn Acknowledge>>,
}

#[derive(Default)]
struct Lanes {
    /// A lane exists while its worker runs: the worker removes it once it finds it empty.
    queued: HashMap<Arc<str>, VecDeque<Queued>>,
    pending: usize,
}

struct Queued {
    event: Recorded,
    delivery: Shared,
}

impl Hook {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tenant: &str,
        identity: String,
        record: Arc<Record>,
        target: Target,
        types: TypeFilter,
        schedule: Arc<[Duration]>,
        sender: Arc<Sender>,
        in_flight: usize,
    ) -> Self {
        Self {
            tenant: tenant.to_owned(),
            name: format!(
                "webhook-{}",
                &hex::encode(sha2::Sha256::digest(identity.as_bytes()))[..16]
            ),
            identity,
            record,
            target,
            types,
            disabled: AtomicBool::new(false),
            schedule,
            sender,
            slots: Semaphore::new(in_flight),
            lanes: Mutex::new(Lanes::default()),
            tasks: Mutex::new(JoinSet::new()),
            follower: Mutex::new(None),
            group: std::sync::OnceLock::new(),
        }
    }

    fn lanes(&self) -> std::sync::MutexGuard<'_, Lanes> {
        self.lanes.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn pending(&self) -> usize {
        self.lanes().pending
    }

    /// Queues `event` for this webhook, as a new delivery in the list.
    pub async fn queue(self: &Arc<Self>, event: Recorded) {
        let url = self.target.url.as_str();
        let delivery = self
            .record
            .start(&self.tenant, &self.name, &event.id, event.kind, url)
            .await;
        self.enqueue(event, delivery);
    }

    /// Queues `event` behind the earlier events of its customer (an event of no customer has
    /// a lane of its own).
    fn enqueue(self: &Arc<Self>, event: Recorded, delivery: Shared) {
        let key = event.key.clone().unwrap_or_else(|| event.id.clone());
        let start = {
            let mut lanes = self.lanes();
            lanes.pending += 1;
            let queued = Queued { event, delivery };
            match lanes.queued.get_mut(&key) {
                Some(lane) => {
                    lane.push_back(queued);
                    false
                }
                None => {
                    lanes.queued.insert(key.clone(), VecDeque::from([queued]));
                    true
                }
            }
        };
        metrics::gauge!(WEBHOOK_BACKLOG, "tenant" => self.tenant.clone()).increment(1.0);
        if start {
            let hook = self.clone();
            let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
            while tasks.try_join_next().is_some() {}
            tasks.spawn(async move { hook.run_lane(key).await });
        }
    }

    async fn run_lane(self: Arc<Self>, key: Arc<str>) {
        loop {
            let next = {
                let mut lanes = self.lanes();
                match lanes.queued.get_mut(&key).and_then(VecDeque::pop_front) {
                    Some(next) => next,
                    None => {
                        lanes.queued.remove(&key);
                        return;
                    }
                }
            };
            self.deliver(&next).await;
            // A delivery from the stream leaves its group's pending list; a redelivery (no
            // position) was never in it.
            if let (Some(group), false) = (self.group.get(), next.event.position.is_empty()) {
                group.ack(&next.event.position).await;
            }
            self.lanes().pending -= 1;
            metrics::gauge!(WEBHOOK_BACKLOG, "tenant" => self.tenant.clone()).decrement(1.0);
        }
    }

    /// Attempts until a 2xx, a 410 or the end of the schedule.
    async fn deliver(&self, queued: &Queued) {
        let Queued { event, delivery } = queued;
        for attempt in 0..=self.schedule.len() {
            if self.disabled.load(Ordering::Acquire) {
                return self
                    .end(delivery, "disabled", |d| {
                        d.status = DeliveryStatus::Failed;
                        d.next_attempt_at = None;
                        d.last_error =
                            Some("the webhook is disabled: its receiver answered 410".into());
                    })
                    .await;
            }
            let answer = {
                let _slot = self.slots.acquire().await.expect("never closed");
                self.sender.send(&self.target, event).await
            };
            match answer {
                Answer::Delivered(status) => {
                    let took = now_ms().saturating_sub(event.at_ms) as f64 / 1000.0;
                    metrics::histogram!(WEBHOOK_LATENCY, "tenant" => self.tenant.clone())
                        .record(took);
                    return self
                        .end(delivery, "delivered", |d| {
                            d.attempts += 1;
                            d.status = DeliveryStatus::Delivered;
                            d.last_status = Some(status);
                            d.last_error = None;
                            d.next_attempt_at = None;
                        })
                        .await;
                }
                Answer::Gone => {
                    self.disabled.store(true, Ordering::Release);
                    tracing::warn!(tenant = %self.tenant, url = %self.target.url,
                        "webhook disabled until the config is reloaded: its receiver answered 410");
                    return self
                        .end(delivery, "disabled", |d| {
                            d.attempts += 1;
                            d.status = DeliveryStatus::Failed;
                            d.last_status = Some(410);
                            d.last_error =
                                Some("the receiver answered 410: webhook disabled".into());
                            d.next_attempt_at = None;
                        })
                        .await;
                }
                Answer::Failed { status, error } => {
                    let Some(wait) = self.schedule.get(attempt).copied() else {
                        return self
                            .end(delivery, "failed", |d| {
                                d.attempts += 1;
                                d.status = DeliveryStatus::Failed;
                                d.last_status = status;
                                d.last_error = Some(error);
                                d.next_attempt_at = None;
                            })
                            .await;
                    };
                    metrics::counter!(WEBHOOK_DELIVERIES, "tenant" => self.tenant.clone(),
                        "outcome" => "retried")
                    .increment(1);
                    self.record
                        .update(delivery, |d| {
                            d.attempts += 1;
                            d.last_status = status;
                            d.last_error = Some(error);
                            d.next_attempt_at = Some(rfc3339(now_ms() + wait.as_millis() as u64));
                        })
                        .await;
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn end(
        &self,
        delivery: &Shared,
        outcome: &'static str,
        change: impl FnOnce(&mut record::Delivery),
    ) {
        metrics::counter!(WEBHOOK_DELIVERIES, "tenant" => self.tenant.clone(), "outcome" => outcome)
            .increment(1);
        self.record.update(delivery, change).await;
    }

    /// Stops every delivery of this hook in this process (a reload removed it, or the gateway
    /// stops): what was pending is lost here (kept in Redis with `[state]`).
    pub fn stop(&self) {
        if let Some(follower) = self
            .follower
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            follower.abort();
        }
        self.stop_lanes();
    }

    /// Stops the deliveries under way here, leaving the reader: another replica took the
    /// webhook over (with `[state]`, what was pending is still pending in Redis, for it).
    pub fn stop_lanes(&self) {
        self.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .abort_all();
        let pending = std::mem::take(&mut *self.lanes()).pending;
        metrics::gauge!(WEBHOOK_BACKLOG, "tenant" => self.tenant.clone()).decrement(pending as f64);
    }
}
