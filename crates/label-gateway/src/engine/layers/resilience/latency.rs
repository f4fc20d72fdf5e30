//! The tenant's recent vendor latency: how much of a deadline a call needs to be worth making.
//! A call that would start with less is refused before it reserves anything, rather than sent
//! to time out (and then counted against a vendor that did nothing wrong).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// Enough answers for a p95 that moves with the vendor within seconds at any load, few enough
/// that reading it costs nothing next to a vendor call.
const KEPT: usize = 64;

pub struct Latency {
    /// `min_call_ms`: the need of a tenant with no answers yet, and the floor under the p95.
    floor: Duration,
    /// No call needs more than this share of its deadline: a vendor slower than that still gets
    /// called, with the whole deadline it has.
    ceiling: Duration,
    recent: Mutex<VecDeque<Duration>>,
}

impl Latency {
    pub fn new(floor: Duration, timeout: Duration) -> Self {
        Self {
            floor,
            ceiling: timeout / 2,
            recent: Mutex::new(VecDeque::with_capacity(KEPT)),
        }
    }

    /// One vendor answer took `took`.
    pub fn answered(&self, took: Duration) {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back(took);
    }

    /// What a call needs left of its deadline: the recent p95, at least the floor, at most
    /// half the deadline.
    pub fn need(&self) -> Duration {
        let p95 = {
            let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            let mut sorted: Vec<Duration> = recent.iter().copied().collect();
            drop(recent);
            sorted.sort_unstable();
            let at = (sorted.len() * 95).div_ceil(100);
            sorted
                .get(at.saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        p95.max(self.floor).min(self.ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_need_is_the_p95_between_the_floor_and_half_the_deadline() {
        let ms = Duration::from_millis;
        let latency = Latency::new(ms(100), ms(3000));
        assert_eq!(latency.need(), ms(100), "no answers yet: the floor");
        for took in 1..=100 {
            latency.answered(ms(took * 10));
        }
        // The last 64: 370..=1000 ms; the 61st of them is 970 ms.
        assert_eq!(latency.need(), ms(970));
        for _ in 0..KEPT {
            latency.answered(ms(5000));
        }
        assert_eq!(
            latency.need(),
            ms(1500),
            "never more than half the deadline"
        );
    }
}
