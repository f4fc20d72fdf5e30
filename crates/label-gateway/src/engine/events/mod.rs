//! Change events (CONTRACT §11): every change the vendor confirmed becomes an [`Event`], made in
//! one place ([`recorder::Recorder`], a layer around each tenant's provider) and kept in an
//! [`EventLog`] (in the process, or in the fleet's Redis) that the feed reads and webhooks are
//! delivered from.

pub mod event;
pub mod local;
pub mod log;
pub mod recorder;
pub mod webhooks;

use std::sync::Arc;

pub use event::{Event, EventData, Recorded};
pub use log::{EventLog, Page};

use crate::config::Config;

/// The gateway's events: the log, shared by every tenant and kept across config reloads.
pub struct Events {
    pub log: Arc<dyn EventLog>,
    local: Option<Arc<local::LocalLog>>,
    pub webhooks: webhooks::Webhooks,
}

/// Stops this process's webhook deliveries when dropped (the gateway stopped).
pub struct Delivering(Arc<Events>);

impl Drop for Delivering {
    fn drop(&mut self) {
        self.0.webhooks.stop();
    }
}

impl Events {
    pub fn new(config: &Config) -> Arc<Self> {
        let local = Arc::new(local::LocalLog::new(&config.events));
        Arc::new(Self {
            log: local.clone(),
            local: Some(local),
            webhooks: webhooks::Webhooks::new(&config.events),
        })
    }

    /// Starts delivering to the tenants' webhooks (id and webhooks of each); the guard stops
    /// it.
    pub async fn deliver(
        events: &Arc<Self>,
        tenants: Vec<(String, Vec<crate::config::Webhook>)>,
    ) -> Delivering {
        webhooks::Webhooks::configure(events, tenants).await;
        Delivering(events.clone())
    }

    /// Keeps a tenant's events. The change they tell of is made: a log that cannot keep them
    /// is reported, and the request is answered all the same.
    pub async fn record(&self, tenant: &str, events: Vec<Event>) {
        let count = events.len();
        let recorded = events.iter().map(Event::recorded).collect();
        if let Err(error) = self.log.append(tenant, recorded).await {
            tracing::error!(tenant, count, %error, "change events could not be kept");
        }
    }

    /// The process's log, when the events are kept here.
    pub fn local(&self) -> Option<&Arc<local::LocalLog>> {
        self.local.as_ref()
    }
}
#[cfg(test)]
mod tests;
