//! The replica's link to Redis: a connection for commands (redis-rs's `ConnectionManager`,
//! which reconnects by itself) and one subscribed to the fleet's invalidations, which is also
//! how the replica knows whether it is connected. While it is not, the cache serves no entry
//! older than `max_staleness`; when it connects again, the cache is emptied, since
//! invalidations may have been missed meanwhile.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, RedisResult};
use secrecy::ExposeSecret;

use super::outage::Outage;
use super::persistence::{self, Persistence};
use crate::config::StateConfig;
use crate::engine::invalidation::Invalidate;
use crate::telemetry::recorder::names::STATE_CONNECTED;

/// How often the link checks Redis when no message arrives: a silent partition is noticed
/// within about this.
const PING_EVERY: Duration = Duration::from_secs(1);
/// Pings that must fail in a row, each after `command_timeout`, before the link calls itself
/// down: one slow answer on a loaded host is not an outage (a closed connection is one at once).
const PINGS_LOST_FOR_DOWN: u32 = 2;
const BACKOFF_FIRST: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// Invalidations made while cut off, published on reconnecting; past this many, "drop
/// everything" is published instead.
const MAX_PENDING: usize = 10_000;
/// Announces "drop every entry" (a tenant id never is `*`).
pub const EVERYTHING: &str = "*";

pub struct Link {
    client: redis::Client,
    prefix: String,
    /// Tells this replica's own announcements from the others'.
    origin: String,
    commands: RwLock<Option<ConnectionManager>>,
    connected: AtomicBool,
    /// This replica's cache: what other replicas' changes (and a lost link) make it drop.
    kept: Arc<dyn Invalidate>,
    max_staleness: Duration,
    /// `[state] command_timeout_ms`: every command waits at most this for Redis, so a request
    /// that needs shared state is refused soon rather than held while Redis is gone.
    command_timeout: Duration,
    pending: Mutex<VecDeque<String>>,
    /// What Redis said at the last connect about keeping its data ([`Persistence`]).
    persistence: AtomicU8,
}

impl Link {
    /// Starts linking to the `[state]` Redis in the background; the link is down until then.
    pub fn start(
        config: &StateConfig,
        kept: Arc<dyn Invalidate>,
    ) -> Result<Arc<Self>, redis::RedisError> {
        let client = redis::Client::open(config.redis_url.expose_secret())?;
        let link = Arc::new(Self {
            client,
            prefix: config.key_prefix.clone(),
            origin: uuid::Uuid::new_v4().to_string(),
            commands: RwLock::new(None),
            connected: AtomicBool::new(false),
            kept,
            max_staleness: config.max_staleness,
            command_timeout: config.command_timeout,
            pending: Mutex::new(VecDeque::new()),
            persistence: AtomicU8::new(Persistence::NotAsked as u8),
        });
        link.mark(false);
        tokio::spawn(link.clone().run());
        Ok(link)
    }

    pub fn command_timeout(&self) -> Duration {
        self.command_timeout
    }

    pub fn persistence(&self) -> Persistence {
        Persistence::from_u8(self.persistence.load(Ordering::Acquire))
    }

    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Acquire)
    }

    /// A key of the fleet's: under the configured prefix.
    pub fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        for part in parts {
            key.push(':');
            key.push_str(part);
        }
        key
    }

    /// The command connection, while the link is up.
    pub fn commands(&self) -> Option<ConnectionManager> {
        if !self.connected() {
            return None;
        }
        self.commands
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Tells every other replica to drop the entries named by `lines` (`tenant/customer`,
    /// `tenant/` for a catalog, `tenant` for everything of it). Sent before the change is answered; while cut off, kept and
    /// sent on reconnecting.
    pub async fn announce(&self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        let message = format!("{}\n{}", self.origin, lines.join("\n"));
        if let Some(mut commands) = self.commands() {
            let channel = self.channel();
            let sent = tokio::time::timeout(
                self.command_timeout,
                commands.publish::<_, _, ()>(&channel, &message),
            )
            .await;
            if matches!(sent, Ok(Ok(()))) {
                return;
            }
        }
        self.keep_for_later(lines);
    }

    fn keep_for_later(&self, lines: &[String]) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.extend(lines.iter().cloned());
        if pending.len() > MAX_PENDING {
            pending.clear();
            pending.push_back(EVERYTHING.to_owned());
        }
    }

    fn channel(&self) -> String {
        self.key(&["invalidate"])
    }

    async fn run(self: Arc<Self>) {
        let mut backoff = BACKOFF_FIRST;
        let mut outage = Outage::default();
        loop {
            let ended = self.session().await;
            if self.connected() {
                backoff = BACKOFF_FIRST;
                outage = Outage::default();
            }
            outage.report(ended);
            self.mark(false);
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(BACKOFF_MAX);
        }
    }

    /// One connected stretch: subscribe, catch up, then apply invalidations until the
    /// connection fails.
    async fn session(&self) -> RedisResult<()> {
        let mut subscriber = within(self.command_timeout, self.client.get_async_pubsub()).await?;
        within_unit(self.command_timeout, subscriber.subscribe(self.channel())).await?;
        let mut commands = self.command_connection().await?;
        within_unit(self.command_timeout, ping(&mut commands)).await?;
        self.ask_persistence(&mut commands).await;
        self.flush_pending(&mut commands).await?;
        // Anything kept before now may have missed an invalidation while the link was down.
        self.kept.clear();
        self.mark(true);
        let mut messages = subscriber.into_on_message();
        let mut every = tokio::time::interval(PING_EVERY);
        let mut lost = 0;
        loop {
            tokio::select! {
                message = messages.next() => match message {
                    Some(message) => self.apply(&message.get_payload::<String>()?),
                    None => return Ok(()),
                },
                _ = every.tick() => {
                    match within_unit(self.command_timeout, ping(&mut commands)).await {
                        Ok(()) => lost = 0,
                        Err(err) if err.is_timeout() && lost + 1 < PINGS_LOST_FOR_DOWN => {
                            lost += 1;
                            tracing::debug!("a ping to the shared state was slow");
                        }
                        Err(err) => return Err(err),
                    }
                }
            }
        }
    }

    async fn command_connection(&self) -> RedisResult<ConnectionManager> {
        if let Some(commands) = self
            .commands
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(commands);
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.command_timeout)
            .set_response_timeout(self.command_timeout)
            .set_number_of_retries(1)
            .set_max_delay(BACKOFF_MAX.as_millis() as u64);
        let manager = ConnectionManager::new_with_config(self.client.clone(), config).await?;
        *self.commands.write().unwrap_or_else(|p| p.into_inner()) = Some(manager.clone());
        Ok(manager)
    }

    async fn ask_persistence(&self, commands: &mut ConnectionManager) {
        let now = persistence::ask(commands, self.command_timeout).await;
        if self.persistence.swap(now as u8, Ordering::AcqRel) != now as u8 {
            persistence::say(now);
        }
    }

    async fn flush_pending(&self, commands: &mut ConnectionManager) -> RedisResult<()> {
        let lines: Vec<String> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.drain(..).collect()
        };
        if lines.is_empty() {
            return Ok(());
        }
        let message = format!("{}\n{}", self.origin, lines.join("\n"));
        let sent = tokio::time::timeout(
            self.command_timeout,
            commands.publish::<_, _, ()>(self.channel(), message),
        )
        .await;
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => {
                self.keep_for_later(&lines);
                Err(err)
            }
            Err(elapsed) => {
                self.keep_for_later(&lines);
                Err(timed_out(elapsed))
            }
        }
    }

    /// Drops what another replica's change made stale.
    fn apply(&self, message: &str) {
        let mut lines = message.lines();
        if lines.next() == Some(self.origin.as_str()) {
            return;
        }
        for line in lines {
            if line == EVERYTHING {
                self.kept.clear();
                return;
            }
            match line.split_once('/') {
                Some((tenant, "")) => self.kept.forget_catalog(tenant),
                Some((tenant, customer)) => self.kept.forget_customer(tenant, customer),
                // A tenant id alone: everything of that tenant.
                None if !line.is_empty() => self.kept.forget_tenant(line),
                None => tracing::debug!("an empty invalidation line"),
            }
        }
    }

    fn mark(&self, connected: bool) {
        let was = self.connected.swap(connected, Ordering::AcqRel);
        let limit = (!connected).then_some(self.max_staleness);
        self.kept.limit_age(limit);
        metrics::gauge!(STATE_CONNECTED).set(if connected { 1.0 } else { 0.0 });
        if connected && !was {
            tracing::info!("shared state connected");
        }
    }
}

/// `what`, or a timed-out error after `limit`.
async fn within<T>(
    limit: Duration,
    what: impl std::future::Future<Output = RedisResult<T>>,
) -> RedisResult<T> {
    tokio::time::timeout(limit, what).await.map_err(timed_out)?
}

async fn within_unit(
    limit: Duration,
    what: impl std::future::Future<Output = RedisResult<()>>,
) -> RedisResult<()> {
    within(limit, what).await
}

async fn ping(commands: &mut ConnectionManager) -> RedisResult<()> {
    redis::cmd("PING").query_async::<()>(commands).await
}

/// A timeout error of its own kind, so a slow answer can be told from a broken connection.
fn timed_out(_: tokio::time::error::Elapsed) -> redis::RedisError {
    redis::RedisError::from(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "timed out",
    ))
}
