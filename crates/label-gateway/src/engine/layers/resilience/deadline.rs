//! One exchange's deadline: `timeout_ms` over every attempt of it, retries included, and whose
//! fault it is when it passes. What the gateway's own limits (the budget, a slot) make a call
//! wait is counted, so that a timeout blames the vendor only when the vendor had its fair
//! share of the deadline.

use std::time::Duration;

use label_core::{Error, ErrorKind, Temporariness};
use tokio::time::Instant;

pub struct Deadline {
    at: Instant,
    timeout: Duration,
    /// What the gateway's own limits cost the exchange so far.
    waited: Duration,
}

impl Deadline {
    pub fn start(timeout: Duration) -> Self {
        Self {
            at: Instant::now() + timeout,
            timeout,
            waited: Duration::ZERO,
        }
    }

    pub fn at(&self) -> Instant {
        self.at
    }

    pub fn left(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// What a call starting at `now` may spend waiting and still keep `need` of the deadline;
    /// refused (`upstream_timeout`, nothing sent) when it would not keep that much.
    pub fn spare(&self, now: Instant, need: Duration) -> Result<Duration, Error> {
        self.at
            .checked_duration_since(now + need)
            .ok_or_else(|| self.no_time_left())
    }

    /// The gateway's own limits made the exchange wait `wait`.
    pub fn waited(&mut self, wait: Duration) {
        self.waited += wait;
    }

    /// A timeout blames the vendor when the gateway's own waits took nothing from the
    /// exchange, or the vendor still had half of `timeout_ms`: a deadline spent waiting for
    /// the budget or a slot is ours, not the vendor's.
    pub fn vendors_fault(&self, given: Duration) -> bool {
        self.waited < Duration::from_millis(1) || given >= self.timeout / 2
    }

    pub fn timed_out(&self) -> Error {
        Error::new(
            ErrorKind::UpstreamTimeout,
            format!("no vendor answer within {} ms", self.timeout.as_millis()),
        )
        .temporary(Temporariness::Temporary)
    }

    fn no_time_left(&self) -> Error {
        Error::new(
            ErrorKind::UpstreamTimeout,
            format!(
                "too little of the {} ms deadline was left for a vendor call",
                self.timeout.as_millis()
            ),
        )
        .temporary(Temporariness::NotActedOn)
    }
}
