//! How a lost link to the fleet's Redis is told to the operator: its first failure, then one
//! warning a minute, not one per reconnect attempt.

use std::time::{Duration, Instant};

use redis::RedisResult;

const OUTAGE_WARN_EVERY: Duration = Duration::from_secs(60);

/// Logs an outage's first failure and then one warning a minute, not one per reconnect
/// attempt: an operator needs to know Redis is away, not a line a second while it stays away.
#[derive(Default)]
pub struct Outage {
    attempts: u64,
    last_warned: Option<Instant>,
}

impl Outage {
    pub fn report(&mut self, ended: RedisResult<()>) {
        if !self.warning_due(Instant::now()) {
            tracing::debug!(attempts = self.attempts, "shared state still unreachable");
            return;
        }
        match (ended, self.attempts) {
            (Ok(()), 1) => tracing::warn!("the shared state's connection closed"),
            (Err(err), 1) => tracing::warn!(error = %err, "shared state unreachable"),
            (Ok(()), attempts) => tracing::warn!(attempts, "shared state still unreachable"),
            (Err(err), attempts) => {
                tracing::warn!(attempts, error = %err, "shared state still unreachable")
            }
        }
    }

    /// Counts one failed attempt; `true` when it is the outage's first or a minute has passed
    /// since the last warning.
    fn warning_due(&mut self, now: Instant) -> bool {
        self.attempts += 1;
        let due = self
            .last_warned
            .is_none_or(|at| now.duration_since(at) >= OUTAGE_WARN_EVERY);
        if due {
            self.last_warned = Some(now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_warns_at_its_first_failure_then_once_a_minute() {
        let start = Instant::now();
        let mut outage = Outage::default();
        let warned: Vec<u64> = (0..=125)
            .filter(|second| outage.warning_due(start + Duration::from_secs(*second)))
            .collect();
        assert_eq!(warned, [0, 60, 120]);
        assert_eq!(outage.attempts, 126);
    }
}
