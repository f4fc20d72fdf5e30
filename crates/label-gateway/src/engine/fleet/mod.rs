//! What the replicas of a fleet share, in Redis with `[state]` and in the process without it:
//! invalidations of cached entries (sent by the [`Announcer`], applied through
//! `crate::engine::invalidation`), idempotency records (`crate::engine::idempotency`), jobs
//! (`crate::engine::jobs`) and the tenants' vendor budgets ([`budget`]). The [`Link`] to Redis
//! is the one connection they all use.

pub mod budget;
mod gcra;
mod link;
mod outage;
mod persistence;

use std::sync::Arc;

use crate::config::StateConfig;
use crate::engine::invalidation::Invalidate;

pub(crate) use gcra::gcra_prologue;
pub use link::Link;
pub use persistence::Persistence;

/// Where the fleet's shared state stands, as `/readyz` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No `[state]`: everything is kept in the process.
    Local,
    Connected,
    /// `[state]` is configured and cannot be reached: reads are served (within
    /// `max_staleness_seconds` from the cache), what needs shared state is refused.
    Degraded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Local => "local",
            Status::Connected => "connected",
            Status::Degraded => "degraded",
        }
    }
}

/// The replica's share of the fleet; cloning shares it.
#[derive(Clone, Default)]
pub struct Fleet {
    link: Option<Arc<Link>>,
}

impl Fleet {
    /// With `[state]`, starts linking to its Redis in the background (a replica starts, and
    /// serves, while Redis is unreachable).
    pub fn new(state: Option<&StateConfig>, kept: Arc<dyn Invalidate>) -> Self {
        let link = state.and_then(|state| match Link::start(state, kept) {
            Ok(link) => Some(link),
            Err(err) => {
                // The config check accepted the URL; redis-rs refusing it is a bug to see.
                tracing::error!(%err, "the [state] redis_url cannot be used: state stays local");
                None
            }
        });
        Self { link }
    }

    pub fn status(&self) -> Status {
        match &self.link {
            None => Status::Local,
            Some(link) if link.connected() => Status::Connected,
            Some(_) => Status::Degraded,
        }
    }

    /// Whether Redis keeps the fleet's data across its restarts, as it said at the last
    /// connect; `None` without `[state]` or before Redis was first reached.
    pub fn persistence(&self) -> Option<&'static str> {
        self.link.as_ref()?.persistence().as_str()
    }

    pub fn link(&self) -> Option<&Arc<Link>> {
        self.link.as_ref()
    }

    pub fn announcer(&self) -> Announcer {
        Announcer {
            link: self.link.clone(),
        }
    }
}

/// Tells the other replicas what a change made stale; nothing to tell without `[state]`.
#[derive(Clone, Default)]
pub struct Announcer {
    link: Option<Arc<Link>>,
}

impl Announcer {
    /// Announces a change to these customers of `tenant` (none: its catalog).
    pub async fn changed(&self, tenant: &str, customers: &[&str]) {
        let Some(link) = &self.link else {
            return;
        };
        let lines: Vec<String> = if customers.is_empty() {
            vec![format!("{tenant}/")]
        } else {
            customers.iter().map(|c| format!("{tenant}/{c}")).collect()
        };
        link.announce(&lines).await;
    }

    /// Announces that anything of `tenant` may have changed: the line is the tenant alone.
    pub async fn changed_everything(&self, tenant: &str) {
        if let Some(link) = &self.link {
            link.announce(&[tenant.to_owned()]).await;
        }
    }
}
