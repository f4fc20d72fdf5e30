//! Per-client limits (CONTRACT §12): each limited api key has its own [`ClientLimit`], a GCRA
//! of `requests_per_second` with `burst` cells, that every request of the key passes once,
//! cache hits included. In the process it is `governor`'s; with `[state]` the fleet shares
//! one bucket in Redis, which each replica leases from in batches ([`lease`]) so that a
//! request finds its cell in the process and never waits on Redis while the batch lasts.
//! While Redis cannot be reached the process's limiter decides alone, as the vendor budget
//! does (`crate::engine::fleet::budget`).
//!
//! The policy the answers name: `q` = burst requests in a window `w` = burst / rate seconds
//! (rounded up), the time an emptied bucket takes to fill again.

mod lease;

use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::config::ClientRate;
use crate::engine::fleet::Link;
use lease::{Lease, Taken};

type Local = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

/// One api key's limit.
pub struct ClientLimit {
    policy: Policy,
    interval: Duration,
    local: Local,
    fleet: Option<Arc<Lease>>,
}

/// What the `RateLimit-Policy` header says: `quota` requests in `window` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub quota: u32,
    pub window: u64,
}

/// One request's outcome, and what the `RateLimit` header says after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub policy: Policy,
    /// `None`: admitted; else the whole seconds until a request would be (at least 1).
    pub retry_after: Option<u64>,
    /// Requests the key may still send at once.
    pub remaining: u32,
    /// Whole seconds until the key's bucket is full again.
    pub reset: u64,
}

impl ClientLimit {
    /// `name` tells this key's bucket from the others' in Redis (never the key itself, nor its
    /// digest, which would let a weak key be guessed offline).
    pub fn new(rate: ClientRate, link: Option<&Arc<Link>>, name: &[&str]) -> Self {
        let interval = Duration::from_secs_f64(1.0 / rate.requests_per_second);
        let burst = std::num::NonZeroU32::new(rate.burst).unwrap_or(std::num::NonZeroU32::MIN);
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(std::num::NonZeroU32::MAX))
            .allow_burst(burst);
        let window = (f64::from(rate.burst) / rate.requests_per_second).ceil() as u64;
        let policy = Policy {
            quota: rate.burst,
            window: window.max(1),
        };
        let fleet = link.map(|link| Arc::new(Lease::new(link.clone(), name, rate)));
        Self {
            policy,
            interval,
            local: RateLimiter::direct(quota).with_middleware(),
            fleet,
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// This request's verdict, counting it; `None` when the fleet's cells this replica holds
    /// have run out and more must be leased first ([`ClientLimit::check_waiting`]).
    pub fn check(&self) -> Option<Verdict> {
        let Some(fleet) = &self.fleet else {
            return Some(self.locally());
        };
        match fleet.take() {
            Taken::Dry if fleet.reachable() => None,
            Taken::Dry => Some(self.locally()),
            taken => Some(self.verdict(taken)),
        }
    }

    /// This request's verdict once a lease has come back (or Redis has failed to give one).
    pub async fn check_waiting(&self) -> Verdict {
        let Some(fleet) = &self.fleet else {
            return self.locally();
        };
        match fleet.lease_one().await {
            Some(taken) => self.verdict(taken),
            None => self.locally(),
        }
    }

    fn verdict(&self, taken: Taken) -> Verdict {
        match taken {
            Taken::Granted { remaining, reset } => Verdict {
                policy: self.policy,
                retry_after: None,
                remaining: remaining.min(self.policy.quota),
                reset: whole_seconds(reset),
            },
            Taken::Refused { retry_after, reset } => Verdict {
                policy: self.policy,
                retry_after: Some(whole_seconds(retry_after).max(1)),
                remaining: 0,
                reset: whole_seconds(reset),
            },
            Taken::Dry => self.locally(),
        }
    }

    /// governor's verdict: the process alone (no `[state]`, or Redis out of reach).
    fn locally(&self) -> Verdict {
        let burst = self.policy.quota;
        match self.local.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Verdict {
                    policy: self.policy,
                    retry_after: None,
                    remaining,
                    reset: whole_seconds(self.interval * burst.saturating_sub(remaining)),
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Verdict {
                    policy: self.policy,
                    retry_after: Some(whole_seconds(wait).max(1)),
                    remaining: 0,
                    reset: whole_seconds(wait + self.interval * burst.saturating_sub(1)),
                }
            }
        }
    }
}

/// Rounded up: a client that waits this long finds what was promised.
fn whole_seconds(duration: Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(requests_per_second: f64, burst: u32) -> ClientLimit {
        let rate = ClientRate {
            requests_per_second,
            burst,
        };
        ClientLimit::new(rate, None, &["acme", "0"])
    }

    #[test]
    fn the_policy_is_the_burst_over_the_time_it_takes_to_refill() {
        let policy = |rate, burst| limit(rate, burst).policy();
        assert_eq!(
            policy(50.0, 100),
            Policy {
                quota: 100,
                window: 2
            }
        );
        assert_eq!(
            policy(0.5, 3),
            Policy {
                quota: 3,
                window: 6
            }
        );
        assert_eq!(
            policy(1000.0, 1),
            Policy {
                quota: 1,
                window: 1
            }
        );
        assert_eq!(
            policy(3.0, 10),
            Policy {
                quota: 10,
                window: 4
            }
        );
    }

    #[test]
    fn a_burst_counts_down_then_is_refused_with_the_wait_rounded_up() {
        let limit = limit(0.01, 3);
        let seen: Vec<(u32, u64)> = (0..3)
            .map(|_| {
                let verdict = limit.check().unwrap();
                assert_eq!(verdict.retry_after, None);
                (verdict.remaining, verdict.reset)
            })
            .collect();
        // A cell every 100 s: the bucket is full again 100 s per cell spent.
        assert_eq!(seen, [(2, 100), (1, 200), (0, 300)]);
        let refused = limit.check().unwrap();
        assert_eq!(refused.remaining, 0);
        assert!(matches!(refused.retry_after, Some(99..=100)), "{refused:?}");
        assert!((299..=300).contains(&refused.reset), "{refused:?}");
    }

    #[test]
    fn whole_seconds_round_up() {
        assert_eq!(whole_seconds(Duration::ZERO), 0);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2001)), 3);
    }
}
