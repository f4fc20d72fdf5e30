//! A circuit breaker for one tenant's vendor: after `threshold` consecutive failed calls it
//! refuses calls for `open_for`, then lets exactly one probe through, whose outcome closes or
//! reopens it. A failing vendor is then spared the load, and clients get an answer at once.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use label_core::{Error, ErrorKind};

use crate::telemetry::recorder::names::CIRCUIT_OPEN;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// The probe is out; everyone else is refused until it reports.
    HalfOpen,
}

pub struct Breaker {
    threshold: u32,
    open_for: Duration,
    state: Mutex<State>,
}

/// Leave for one vendor call. Report how it went; dropping it unreported says nothing about
/// the vendor (the call never happened, or was abandoned by its client).
#[must_use]
pub struct Pass<'a> {
    breaker: &'a Breaker,
    probe: bool,
    reported: bool,
}

/// What a tripped breaker can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Until a probe may go through: zero while a probe is already out.
    pub retry_in: Duration,
}

/// A state change worth a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Opened,
    Closed,
}

impl Breaker {
    pub fn new(threshold: u32, open_for: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            open_for,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// A poisoned lock only means a panic elsewhere mid-update; the state is still a state.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn admit(&self, now: Instant) -> Result<Pass<'_>, Refused> {
        let mut state = self.state();
        let probe = match *state {
            State::Closed { .. } => false,
            State::Open { until } if now >= until => {
                *state = State::HalfOpen;
                true
            }
            State::Open { until } => {
                return Err(Refused {
                    retry_in: until - now,
                })
            }
            State::HalfOpen => {
                return Err(Refused {
                    retry_in: Duration::ZERO,
                })
            }
        };
        Ok(Pass {
            breaker: self,
            probe,
            reported: false,
        })
    }

    #[cfg(test)]
    pub fn is_open(&self) -> bool {
        !matches!(*self.state(), State::Closed { .. })
    }
}

impl Pass<'_> {
    /// The vendor answered (whatever it answered, as long as it was not a vendor failure).
    pub fn success(mut self) -> Option<Transition> {
        self.reported = true;
        let mut state = self.breaker.state();
        match (*state, self.probe) {
            (State::HalfOpen, true) => {
                *state = State::Closed { failures: 0 };
                Some(Transition::Closed)
            }
            (State::Closed { .. }, false) => {
                *state = State::Closed { failures: 0 };
                None
            }
            // A call admitted before the circuit opened says nothing about the vendor now.
            _ => None,
        }
    }

    /// The vendor failed: 5xx, timeout, connection error, an answer that does not parse.
    pub fn failure(mut self, now: Instant) -> Option<Transition> {
        self.reported = true;
        let breaker = self.breaker;
        let mut state = breaker.state();
        let open = State::Open {
            until: now + breaker.open_for,
        };
        match (*state, self.probe) {
            (State::HalfOpen, true) => {
                *state = open;
                Some(Transition::Opened)
            }
            (State::Closed { failures }, false) if failures + 1 >= breaker.threshold => {
                *state = open;
                Some(Transition::Opened)
            }
            (State::Closed { failures }, false) => {
                *state = State::Closed {
                    failures: failures + 1,
                };
                None
            }
            _ => None,
        }
    }
}

impl Pass<'_> {
    /// Tells the breaker how the vendor did: a vendor failure counts against it, any other
    /// answer (a 404 included) for it. Logged and set in the gauge when the circuit turns.
    pub fn verdict<T>(self, tenant: &str, result: &Result<T, Error>) {
        let transition = match result {
            Err(error) if error.kind.is_vendor_failure() => self.failure(Instant::now()),
            _ => self.success(),
        };
        match transition {
            Some(Transition::Opened) => {
                tracing::warn!(tenant = %tenant, "circuit opened: the vendor keeps failing");
                metrics::gauge!(CIRCUIT_OPEN, "tenant" => tenant.to_owned()).set(1.0);
            }
            Some(Transition::Closed) => {
                tracing::info!(tenant = %tenant, "circuit closed: the vendor answers again");
                metrics::gauge!(CIRCUIT_OPEN, "tenant" => tenant.to_owned()).set(0.0);
            }
            None => {}
        }
    }
}

impl Refused {
    pub fn error(self) -> Error {
        Error::new(
            ErrorKind::UpstreamUnavailable,
            "the circuit to the tenant's vendor is open after repeated failures",
        )
        .with_retry_after(Some(self.retry_in))
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if self.probe && !self.reported {
            // An abandoned probe must not leave the circuit half-open for ever: the next
            // request becomes the probe.
            let mut state = self.breaker.state();
            if *state == State::HalfOpen {
                *state = State::Open {
                    until: Instant::now(),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Duration = Duration::from_secs(30);

    fn fail(breaker: &Breaker, now: Instant) -> Option<Transition> {
        breaker.admit(now).expect("admitted").failure(now)
    }

    #[test]
    fn opens_after_consecutive_failures_only() {
        let breaker = Breaker::new(3, OPEN);
        let now = Instant::now();
        assert_eq!(fail(&breaker, now), None);
        assert_eq!(fail(&breaker, now), None);
        assert_eq!(breaker.admit(now).expect("admitted").success(), None);
        assert_eq!(fail(&breaker, now), None);
        assert_eq!(fail(&breaker, now), None);
        assert_eq!(fail(&breaker, now), Some(Transition::Opened));
        let refused = breaker.admit(now + Duration::from_secs(10)).err();
        assert_eq!(
            refused,
            Some(Refused {
                retry_in: Duration::from_secs(20)
            })
        );
    }

    #[test]
    fn one_probe_after_the_open_period_closes_or_reopens() {
        let breaker = Breaker::new(1, OPEN);
        let start = Instant::now();
        assert_eq!(fail(&breaker, start), Some(Transition::Opened));
        let later = start + OPEN;
        let probe = breaker.admit(later).expect("the probe");
        assert!(breaker.admit(later).is_err(), "only one probe at a time");
        assert_eq!(probe.failure(later), Some(Transition::Opened));
        assert!(breaker.admit(later + Duration::from_secs(1)).is_err());
        let probe = breaker.admit(later + OPEN).expect("the next probe");
        assert_eq!(probe.success(), Some(Transition::Closed));
        assert!(!breaker.is_open());
    }

    #[test]
    fn an_abandoned_probe_hands_over_to_the_next_request() {
        let breaker = Breaker::new(1, OPEN);
        let start = Instant::now();
        let _ = fail(&breaker, start);
        drop(breaker.admit(start + OPEN).expect("the probe"));
        assert!(breaker.admit(Instant::now() + OPEN).is_ok());
    }

    #[test]
    fn late_answers_from_before_the_opening_change_nothing() {
        let breaker = Breaker::new(1, OPEN);
        let now = Instant::now();
        let early = breaker.admit(now).expect("admitted");
        assert_eq!(fail(&breaker, now), Some(Transition::Opened));
        assert_eq!(early.success(), None);
        assert!(breaker.is_open());
    }
}
