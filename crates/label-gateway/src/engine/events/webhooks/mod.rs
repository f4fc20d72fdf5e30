//! Webhooks: each tenant's events POSTed to its configured receivers, signed as Standard
//! Webhooks says, retried on the configured schedule, one customer's events in order
//! ([`lanes`]), what happened to each kept for the deliveries list ([`record`]). A config
//! reload keeps the webhooks it did not change (and re-enables one a 410 disabled).

pub mod group;
pub mod lanes;
pub mod record;
pub mod send;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use self::lanes::{Hook, MAX_PENDING};
use self::record::Record;
use self::send::{Sender, Target};
use super::event::Recorded;
use super::feed::Feed;
use super::log::Read;
use crate::config::{EventsConfig, Webhook};
use crate::contract::{Code, TypeFilter};

pub struct Webhooks {
    schedule: Arc<[Duration]>,
    in_flight: usize,
    sender: Arc<Sender>,
    pub record: Arc<Record>,
    hooks: Mutex<Vec<Arc<Hook>>>,
}

impl Webhooks {
    pub fn new(config: &EventsConfig) -> Self {
        Self {
            schedule: config.retry_schedule.clone().into(),
            in_flight: config.max_deliveries_in_flight,
            sender: Arc::new(Sender::new(config.delivery_timeout)),
            record: Arc::default(),
            hooks: Mutex::new(Vec::new()),
        }
    }

    fn hooks(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Hook>>> {
        self.hooks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the running webhooks those of `tenants` (id and webhooks): unchanged ones go on
    /// (re-enabled if a 410 disabled them), removed ones stop, new ones start with the events
    /// recorded from now on.
    pub async fn configure(&self, feed: &Arc<Feed>, tenants: Vec<(String, Vec<Webhook>)>) {
        let webhooks = self;
        let mut old: HashMap<String, Arc<Hook>> = webhooks
            .hooks()
            .drain(..)
            .map(|hook| (hook.identity.clone(), hook))
            .collect();
        let mut now = Vec::new();
        for (tenant, hooks) in tenants {
            for hook in hooks {
                let identity = identity(&tenant, &hook);
                if let Some(kept) = old.remove(&identity) {
                    kept.disabled
                        .store(false, std::sync::atomic::Ordering::Release);
                    now.push(kept);
                    continue;
                }
                let started = Arc::new(Hook::new(
                    &tenant,
                    identity,
                    webhooks.record.clone(),
                    Target::new(hook.url.clone(), &hook.secret),
                    hook.types
                        .clone()
                        .map_or_else(TypeFilter::default, TypeFilter::only),
                    webhooks.schedule.clone(),
                    webhooks.sender.clone(),
                    webhooks.in_flight,
                ));
                let reader = match &feed.shared {
                    Some(shared) => {
                        let group = Arc::new(group::Group::new(
                            shared.link().clone(),
                            shared.stream(&tenant),
                            &tenant,
                            &started.name,
                            &feed.owner,
                        ));
                        let _ = started.group.set(group.clone());
                        tokio::spawn(group::follow(feed.clone(), started.clone(), group))
                    }
                    None => {
                        let from = feed.log.end(&tenant).await.ok();
                        tokio::spawn(follow(feed.clone(), started.clone(), from))
                    }
                };
                *started.follower.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(reader.abort_handle());
                now.push(started);
            }
        }
        for (_, gone) in old {
            gone.stop();
        }
        *webhooks.hooks() = now;
    }

    /// Stops every webhook of this process.
    pub fn stop(&self) {
        for hook in self.hooks().drain(..) {
            hook.stop();
        }
    }

    /// Queues `event` again for each of the tenant's webhooks that takes its type; how many.
    pub async fn redeliver(&self, tenant: &str, event: &Recorded) -> usize {
        let hooks: Vec<Arc<Hook>> = self
            .hooks()
            .iter()
            .filter(|hook| hook.tenant == tenant && hook.types.admits(event.kind))
            .cloned()
            .collect();
        // A redelivery is no entry of the stream for this replica to acknowledge: the entry may
        // still be pending with the replica that holds the webhook's lease, and acknowledging it
        // here would take it from that replica's successor if it died mid-retry.
        let again = Recorded {
            position: "".into(),
            ..event.clone()
        };
        for hook in &hooks {
            hook.queue(again.clone()).await;
        }
        hooks.len()
    }
}

/// Reads the hook's tenant's events as they are recorded and queues those it takes. A reader
/// whose place was dropped from the log (it fell behind past the retention) goes on from the
/// oldest event kept, and says so.
async fn follow(feed: Arc<Feed>, hook: Arc<Hook>, mut after: Option<String>) {
    const BATCH: usize = 500;
    loop {
        let appended = feed.appended.notified();
        if hook.pending() >= MAX_PENDING {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        let read = Read {
            after: after.as_deref(),
            types: &hook.types,
            limit: BATCH,
        };
        match feed.log.read(&hook.tenant, read).await {
            Ok(page) => {
                let read = page.items.len();
                for event in page.items {
                    hook.queue(event).await;
                }
                after = Some(page.next);
                if read == BATCH {
                    continue;
                }
            }
            Err(error) if error.kind == Code::CursorExpired => {
                tracing::error!(tenant = %hook.tenant, url = %hook.target.url,
                    "webhook fell behind past the events' retention: events were not delivered");
                after = None;
                continue;
            }
            Err(error) => {
                tracing::warn!(tenant = %hook.tenant, %error, "webhook cannot read the events");
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), appended).await;
    }
}

/// The same URL, secret and types under the same tenant is the same webhook.
fn identity(tenant: &str, hook: &Webhook) -> String {
    let secret = Sha256::digest(hook.secret.expose_secret());
    let types: Vec<&str> = hook
        .types
        .iter()
        .flatten()
        .map(|kind| kind.as_str())
        .collect();
    format!(
        "{tenant}\n{}\n{}\n{}",
        hook.url,
        hex::encode(secret),
        types.join(",")
    )
}
