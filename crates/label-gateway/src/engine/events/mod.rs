//! Change events (CONTRACT §11): every change the vendor confirmed becomes an [`Event`], made in
//! one place ([`recorder::Recorder`], a layer around each tenant's provider) and kept in an
//! [`EventLog`] (in the process, or in the fleet's Redis) that the feed reads and webhooks are
//! delivered from.

pub mod event;
pub mod feed;
pub mod local;
pub mod log;
pub mod recorder;
pub mod shared;
mod unsent;
pub mod webhooks;

use std::sync::Arc;

pub use event::{Event, EventData, Recorded};
pub use log::{EventLog, Page, Read};

use crate::config::Config;
use crate::engine::fleet::Fleet;

/// The gateway's events: the log, shared by every tenant and kept across config reloads.
pub struct Events {
    pub log: Arc<dyn EventLog>,
    pub feed: Arc<feed::Feed>,
    pub webhooks: webhooks::Webhooks,
    /// What the log could not take yet (Redis unreachable), appended once it can.
    unsent: Arc<unsent::Unsent>,
}

/// Stops this process's webhook deliveries when dropped (the gateway stopped).
pub struct Delivering(Arc<Events>);

impl Drop for Delivering {
    fn drop(&mut self) {
        self.0.webhooks.stop();
    }
}

impl Events {
    /// With `[state]` the events live in the fleet's Redis, else in the process.
    pub fn new(config: &Config, fleet: &Fleet) -> Arc<Self> {
        let shared = fleet
            .link()
            .map(|link| Arc::new(shared::SharedLog::new(link.clone(), &config.events)));
        let webhooks = webhooks::Webhooks::new(&config.events);
        if let Some(link) = fleet.link() {
            webhooks.record.share(link.clone());
        }
        let log: Arc<dyn EventLog> = match &shared {
            Some(shared) => shared.clone(),
            None => Arc::new(local::LocalLog::new(&config.events)),
        };
        let feed = Arc::new(feed::Feed {
            log: log.clone(),
            shared,
            appended: tokio::sync::Notify::new(),
            owner: uuid::Uuid::new_v4().to_string(),
        });
        Arc::new(Self {
            log,
            feed,
            webhooks,
            unsent: Arc::default(),
        })
    }

    /// Starts delivering to the tenants' webhooks (id and webhooks of each); the guard stops
    /// it.
    pub async fn deliver(
        events: &Arc<Self>,
        tenants: Vec<(String, Vec<crate::config::Webhook>)>,
    ) -> Delivering {
        events.webhooks.configure(&events.feed, tenants).await;
        Delivering(events.clone())
    }

    /// Keeps a tenant's events. The change they tell of is made, and answered whatever
    /// happens here: a log that cannot take them now (Redis unreachable) gets them later, in
    /// order, from [`unsent::Unsent`].
    pub async fn record(&self, tenant: &str, events: Vec<Event>) {
        let recorded: Vec<Recorded> = events.iter().map(Event::recorded).collect();
        if self.unsent.waiting() {
            return self.unsent.keep(self.log.clone(), tenant, recorded);
        }
        match self.log.append(tenant, recorded.clone()).await {
            Ok(()) => self.feed.appended.notify_waiters(),
            Err(error) => {
                tracing::warn!(tenant, count = recorded.len(), %error,
                    "change events kept in the process until the event log takes them");
                self.unsent.keep(self.log.clone(), tenant, recorded);
            }
        }
    }
}

#[cfg(test)]
mod tests;
