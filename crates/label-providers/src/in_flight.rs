//! The vendor bytes all calls of the process hold at once (`[server]
//! max_upstream_bytes_in_flight`, contract §10). Each answer takes its bytes before it is read
//! (its `Content-Length`, or chunk by chunk without one) and gives them back when the answer
//! has been parsed, i.e. when its [`Reply`](crate::http::Reply) is dropped. A call that cannot
//! get them waits, but never past its deadline: then it is 503 `upstream_busy`, which is the
//! gateway's own refusal and never counted against the vendor.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use label_core::{Error, ErrorKind};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

tokio::task_local! {
    /// When the call under way must have answered. Set by whoever bounds the whole exchange
    /// (the gateway's resilience layer), which is far from where the bytes are waited for.
    static DEADLINE: Instant;
}

/// Runs `call` with `deadline` known to any wait for answer bytes inside it.
pub async fn within<F: Future>(deadline: Instant, call: F) -> F::Output {
    DEADLINE.scope(deadline, call).await
}

/// A wait ends this much before the deadline, so that the caller hears `upstream_busy` rather
/// than the deadline's own `upstream_timeout`, whichever timer the runtime fires first.
const AHEAD_OF_DEADLINE: Duration = Duration::from_millis(1);

/// The process's budget of vendor bytes; clones share it.
#[derive(Debug, Clone)]
pub struct InFlight {
    bytes: Arc<Semaphore>,
    total: usize,
}

/// Bytes one answer holds; given back when dropped.
#[derive(Debug, Default)]
pub struct Held(Option<OwnedSemaphorePermit>);

impl Held {
    pub fn bytes(&self) -> usize {
        self.0.as_ref().map_or(0, OwnedSemaphorePermit::num_permits)
    }
}

impl InFlight {
    pub fn new(total: usize) -> Self {
        let total = total.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            bytes: Arc::new(Semaphore::new(total)),
            total,
        }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// Bytes no answer holds now.
    pub fn available(&self) -> usize {
        self.bytes.available_permits()
    }

    /// Adds `bytes` to what `held` holds, waiting for them until the call's deadline (or
    /// `otherwise` from now, outside any deadline). An answer larger than the whole budget
    /// takes the whole budget: it is read alone rather than never.
    pub async fn reserve(
        &self,
        held: &mut Held,
        bytes: usize,
        otherwise: Duration,
    ) -> Result<(), Error> {
        let want = (held.bytes() + bytes).min(self.total) - held.bytes();
        if want == 0 {
            return Ok(());
        }
        // At most max_upstream_body_bytes (≤ 1 GiB) at a time, so it fits a u32.
        let want_u32 = u32::try_from(want).unwrap_or(u32::MAX);
        let permit = match self.bytes.clone().try_acquire_many_owned(want_u32) {
            Ok(permit) => permit,
            Err(_) => {
                let deadline = DEADLINE
                    .try_with(|deadline| *deadline)
                    .unwrap_or_else(|_| Instant::now() + otherwise);
                let until = deadline.checked_sub(AHEAD_OF_DEADLINE).unwrap_or(deadline);
                let acquire = self.bytes.clone().acquire_many_owned(want_u32);
                match tokio::time::timeout_at(until, acquire).await {
                    Ok(Ok(permit)) => permit,
                    _ => return Err(self.busy(bytes)),
                }
            }
        };
        match &mut held.0 {
            Some(earlier) => earlier.merge(permit),
            none => *none = Some(permit),
        }
        Ok(())
    }

    fn busy(&self, bytes: usize) -> Error {
        Error::new(
            ErrorKind::UpstreamBusy,
            format!(
                "the gateway already holds its max_upstream_bytes_in_flight ({} bytes) of vendor \
                 answers; {bytes} more did not fit within the deadline",
                self.total
            ),
        )
        .with_retry_after(Some(Duration::from_secs(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reserves bytes the test knows to be free: no wait, and it must succeed.
    async fn take(budget: &InFlight, held: &mut Held, bytes: usize) {
        budget.reserve(held, bytes, Duration::ZERO).await.unwrap();
    }

    #[tokio::test]
    async fn bytes_are_held_until_dropped_and_a_wait_ends_at_the_deadline() {
        let budget = InFlight::new(100);
        let mut first = Held::default();
        take(&budget, &mut first, 60).await;
        take(&budget, &mut first, 30).await;
        assert_eq!((first.bytes(), budget.available()), (90, 10));
        let mut second = Held::default();
        let soon = Instant::now() + Duration::from_millis(20);
        let refused = within(soon, budget.reserve(&mut second, 20, Duration::ZERO)).await;
        assert_eq!(refused.unwrap_err().kind, ErrorKind::UpstreamBusy);
        assert_eq!(second.bytes(), 0, "a refused wait holds nothing");
        drop(first);
        take(&budget, &mut second, 20).await;
        assert_eq!(budget.available(), 80);
    }

    #[tokio::test]
    async fn an_answer_over_the_whole_budget_takes_all_of_it() {
        let budget = InFlight::new(100);
        let mut held = Held::default();
        take(&budget, &mut held, 250).await;
        assert_eq!((held.bytes(), budget.available()), (100, 0));
    }
}
