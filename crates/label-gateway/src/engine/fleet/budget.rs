//! `vendor_requests_per_minute`: the calls the whole fleet may send one tenant's vendor. Both
//! forms are GCRA (a cell every `60 s / N`, a tolerance of `burst` cells), so that over any
//! 60 s at most N + burst calls go, with no window edge to double them: in Redis with
//! `[state]` (one script, Redis's clock), in the process without it (`governor`), and in the
//! process too while Redis cannot be reached.

use std::num::NonZeroU32;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use redis::Script;
use tokio::time::Instant;

use super::gcra::gcra_prologue;
use super::link::Link;
use crate::config::Budget;
use crate::telemetry::recorder::names::BUDGET_WAITS;

/// Reserves the next cell if it is due within `max_wait`: returns `{1, wait_us}`, or
/// `{0, wait_us}` (refused, the cell due in `wait_us`) without reserving it.
const GCRA: &str = concat!(
    gcra_prologue!(),
    r"local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > max_wait then return {0, wait} end
local next = tat + interval
redis.call('SET', KEYS[1], next, 'PX', math.ceil((next - now) / 1000) + 1000)
return {1, wait}
"
);

/// One tenant's vendor budget.
pub struct VendorBudget {
    tenant: String,
    /// Whether waits and refusals are counted in the metrics: a job's waits are its pace, not
    /// news.
    counted: bool,
    local: DefaultDirectRateLimiter,
    fleet: Option<Fleetwide>,
}

struct Fleetwide {
    link: Arc<Link>,
    key: String,
    interval_us: u64,
    tolerance_us: u64,
    script: Script,
}

/// Gives one unused cell back: the TAT moves back one interval, never before now (a cell
/// already in the past is no longer owed to anyone).
const REFUND: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat then return 0 end
local back = tat - tonumber(ARGV[1])
if back <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], back, 'PX', math.ceil((back - now) / 1000) + 1000)
end
return 1
";

static REFUND_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(REFUND));

/// A cell of the budget taken for one call. Dropped before [`Reservation::used`] (the call did
/// not go: no slot was free in time, or its client left while it waited), the cell goes back
/// to the fleet's budget, so the vendor gets every call the budget allows.
#[must_use]
pub struct Reservation {
    refund: Option<Refund>,
}

struct Refund {
    link: Arc<Link>,
    key: String,
    interval_us: u64,
}

impl Reservation {
    /// The call is going to the vendor: the cell is spent.
    pub fn used(mut self) {
        self.refund = None;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let Some(refund) = self.refund.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let Some(mut commands) = refund.link.commands() else {
                return;
            };
            let mut call = REFUND_SCRIPT.key(&refund.key);
            call.arg(refund.interval_us);
            // Best effort: a refund lost to Redis only makes the budget stricter, never looser.
            let _ = tokio::time::timeout(
                refund.link.command_timeout(),
                call.invoke_async::<i64>(&mut commands),
            )
            .await;
        });
    }
}

impl Fleetwide {
    fn refund(&self) -> Refund {
        Refund {
            link: self.link.clone(),
            key: self.key.clone(),
            interval_us: self.interval_us,
        }
    }
}

/// Why a call may not go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    /// When the budget next allows a call.
    pub retry_after: Duration,
}

impl VendorBudget {
    pub fn new(tenant: &str, budget: Budget, link: Option<&Arc<Link>>) -> Self {
        Self::keyed(tenant, &["budget", tenant], budget, link, true)
    }

    /// The pace of a tenant's jobs together: a budget of its own, fleet-wide with `[state]`.
    pub fn for_jobs(tenant: &str, budget: Budget, link: Option<&Arc<Link>>) -> Self {
        Self::keyed(tenant, &["budget", tenant, "jobs"], budget, link, false)
    }

    fn keyed(
        tenant: &str,
        key: &[&str],
        budget: Budget,
        link: Option<&Arc<Link>>,
        counted: bool,
    ) -> Self {
        let per_minute = budget.per_minute.max(1);
        let interval = Duration::from_secs(60) / per_minute;
        let burst = NonZeroU32::new(budget.burst.saturating_add(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(burst);
        let fleet = link.map(|link| Fleetwide {
            link: link.clone(),
            key: link.key(key),
            interval_us: interval.as_micros() as u64,
            tolerance_us: (interval * budget.burst).as_micros() as u64,
            script: Script::new(GCRA),
        });
        Self {
            tenant: tenant.to_owned(),
            counted,
            local: RateLimiter::direct(quota),
            fleet,
        }
    }

    /// Leave for one vendor call: at once, or after waiting for the budget if its cell is due
    /// within `max_wait` (the caller keeps the rest of its deadline for the vendor); else
    /// refused at once, nothing reserved, with when the budget next allows a call.
    pub async fn admit(&self, max_wait: Duration) -> Result<Reservation, Spent> {
        match self.fleetwide(max_wait).await {
            Some(Ok(wait)) => {
                let reservation = Reservation {
                    refund: self.fleet.as_ref().map(Fleetwide::refund),
                };
                self.wait(wait).await;
                Ok(reservation)
            }
            Some(Err(spent)) => Err(spent),
            None => self.locally(max_wait).await,
        }
    }

    async fn wait(&self, wait: Duration) {
        if wait.is_zero() {
            return;
        }
        if self.counted {
            metrics::counter!(BUDGET_WAITS, "tenant" => self.tenant.clone(), "outcome" => "waited")
                .increment(1);
        }
        tokio::time::sleep(wait).await;
    }

    /// The fleet's answer, or `None` when Redis cannot give one (then the process decides).
    async fn fleetwide(&self, max_wait: Duration) -> Option<Result<Duration, Spent>> {
        let fleet = self.fleet.as_ref()?;
        let mut commands = fleet.link.commands()?;
        let mut call = fleet.script.key(&fleet.key);
        call.arg(fleet.interval_us)
            .arg(fleet.tolerance_us)
            .arg(max_wait.as_micros() as u64);
        let answer = tokio::time::timeout(
            fleet.link.command_timeout(),
            call.invoke_async::<(u8, u64)>(&mut commands),
        )
        .await;
        match answer {
            Ok(Ok((1, wait_us))) => Some(Ok(Duration::from_micros(wait_us))),
            Ok(Ok((_, wait_us))) => Some(Err(self.spent(Duration::from_micros(wait_us)))),
            _ => None,
        }
    }

    /// governor takes a cell only when one is free, so a call over budget waits for the
    /// next one and asks again. It has no way to give a cell back: a reservation made here is
    /// spent whether or not the call goes.
    async fn locally(&self, max_wait: Duration) -> Result<Reservation, Spent> {
        let deadline = Instant::now() + max_wait;
        loop {
            let Err(not_until) = self.local.check() else {
                return Ok(Reservation { refund: None });
            };
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            if Instant::now() + wait > deadline {
                return Err(self.spent(wait));
            }
            self.wait(wait).await;
        }
    }

    fn spent(&self, retry_after: Duration) -> Spent {
        if self.counted {
            metrics::counter!(BUDGET_WAITS, "tenant" => self.tenant.clone(), "outcome" => "refused")
                .increment(1);
        }
        Spent { retry_after }
    }
}
