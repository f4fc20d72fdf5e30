//! When a failed vendor call may be repeated, and how long to wait before repeating it.

use std::time::Duration;

use label_core::{Error, Temporariness};
use rand::Rng;

/// The first backoff is drawn from 0..=BASE, each next one from a range twice as long.
const BASE: Duration = Duration::from_millis(100);
/// No single backoff waits longer than this, however many retries came before.
const CAP: Duration = Duration::from_secs(2);

/// A read may be repeated after any temporary failure. A write only where a repeat is safe:
/// the vendor cannot have acted on the first (connection refused, 429, 503), or repeating it
/// cannot change the outcome (the provider's writes are idempotent).
pub fn may_retry(error: &Error, writes: bool, idempotent_writes: bool) -> bool {
    match (error.temporariness, writes) {
        (Temporariness::Permanent, _) => false,
        (_, false) | (Temporariness::NotActedOn, true) => true,
        (Temporariness::Temporary, true) => idempotent_writes,
    }
}

/// "Full jitter" exponential backoff: a uniform draw from zero to an exponentially growing
/// ceiling, so that clients failing together do not retry together.
pub fn backoff(retry: u32) -> Duration {
    let ceiling = BASE.saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX));
    let ceiling = ceiling.min(CAP);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::thread_rng().gen_range(0..=millis))
}

/// What to do after a failure that may be retried, with `left` until the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    WaitThenRetry(Duration),
    /// No time for another attempt: answer with the failure as it is.
    GiveUp,
}

/// A vendor's `Retry-After` is a floor on the wait; one that ends past the deadline ends the
/// retries at once, so the client hears it (and the vendor's `Retry-After`) without delay.
pub fn next(retry_after: Option<Duration>, backoff: Duration, left: Duration) -> Next {
    let wait = backoff.max(retry_after.unwrap_or_default());
    if wait >= left {
        Next::GiveUp
    } else {
        Next::WaitThenRetry(wait)
    }
}

#[cfg(test)]
mod tests {
    use label_core::ErrorKind;

    use super::*;

    fn error(temporariness: Temporariness) -> Error {
        Error::new(ErrorKind::UpstreamError, "x").temporary(temporariness)
    }

    #[test]
    fn writes_are_retried_only_where_a_repeat_is_safe() {
        let maybe_acted = error(Temporariness::Temporary);
        let not_acted = error(Temporariness::NotActedOn);
        let permanent = error(Temporariness::Permanent);
        let (read, write) = (false, true);
        assert!(may_retry(&maybe_acted, read, false));
        assert!(!may_retry(&maybe_acted, write, false));
        assert!(may_retry(&maybe_acted, write, true));
        assert!(may_retry(&not_acted, write, false));
        assert!(!may_retry(&permanent, read, true));
        assert!(!may_retry(&permanent, write, true));
    }

    #[test]
    fn backoff_stays_under_a_growing_ceiling_and_the_cap() {
        for retry in 0..40 {
            let ceiling = (BASE * 2u32.saturating_pow(retry.min(20))).min(CAP);
            for _ in 0..20 {
                assert!(backoff(retry) <= ceiling, "retry {retry}");
            }
        }
    }

    #[test]
    fn a_retry_after_past_the_deadline_ends_the_retries() {
        let ms = Duration::from_millis;
        assert_eq!(
            next(Some(ms(1000)), ms(50), ms(3000)),
            Next::WaitThenRetry(ms(1000))
        );
        assert_eq!(next(Some(ms(5000)), ms(50), ms(3000)), Next::GiveUp);
        assert_eq!(next(None, ms(50), ms(3000)), Next::WaitThenRetry(ms(50)));
        assert_eq!(next(None, ms(50), ms(10)), Next::GiveUp);
    }
}
