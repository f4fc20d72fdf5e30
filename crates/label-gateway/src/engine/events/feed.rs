//! What webhook deliveries read from: the log, the fleet's log when there is one (its streams
//! and consumer groups), a signal of this replica's appends, and who this replica is. Apart
//! from [`super::Events`] so that the deliveries depend on it and not on everything else.

use std::sync::Arc;

use super::log::EventLog;
use super::shared::SharedLog;

pub struct Feed {
    pub log: Arc<dyn EventLog>,
    /// With `[state]`: the same log, as Redis streams.
    pub shared: Option<Arc<SharedLog>>,
    /// Told after every append here: this replica's webhooks read on at once.
    pub appended: tokio::sync::Notify,
    /// This replica, as a consumer of the webhooks' groups.
    pub owner: String,
}
