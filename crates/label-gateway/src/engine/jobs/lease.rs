//! Which replica runs a job: the one holding its lease (`SET NX PX` in Redis), renewed by a
//! heartbeat. A replica that dies stops renewing; once the lease lapses, any replica's
//! scheduler takes the job over from its last finished chunk.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::contract::{Code, Error};

use super::store::{JobStore, LEASE};
/// How often a running job renews its lease and looks for a cancel.
pub const BEAT: Duration = Duration::from_secs(2);
/// Tries of a store or vendor operation a job cannot do without, before it gives up.
const TRIES: u32 = 8;

/// Renews the lease every beat and raises `cancel` when the job is cancelled anywhere; returns
/// when the lease is lost, or cannot have been renewed for a whole lease.
pub async fn heartbeat(
    store: &Arc<dyn JobStore>,
    tenant: &str,
    id: &str,
    owner: &str,
    cancel: &AtomicBool,
) {
    let mut renewed = Instant::now();
    loop {
        tokio::time::sleep(BEAT).await;
        match store.lease(tenant, id, owner).await {
            Ok(true) => renewed = Instant::now(),
            Ok(false) => return,
            Err(_) if renewed.elapsed() > LEASE => return,
            Err(_) => continue,
        }
        if let Ok(Some(meta)) = store.meta(tenant, id).await {
            if meta.cancel_requested {
                cancel.store(true, Ordering::Release);
            }
        }
    }
}

/// `operation` until it succeeds, retrying what may pass later (the shared state or the vendor
/// out of reach for a while) with a growing wait; its last error after `TRIES`.
pub async fn persist<T, E, F, Fut>(mut operation: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Into<Error>,
{
    let mut wait = Duration::from_millis(250);
    let mut tries = 0;
    loop {
        tries += 1;
        match operation().await.map_err(Into::into) {
            Ok(value) => return Ok(value),
            Err(error) if tries < TRIES && retryable(&error) => {
                tokio::time::sleep(
                    error
                        .retry_after
                        .unwrap_or(wait)
                        .min(Duration::from_secs(10)),
                )
                .await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(error) => return Err(error),
        }
    }
}

fn retryable(error: &Error) -> bool {
    error.is_temporary()
        || matches!(
            error.kind,
            Code::StateUnavailable
                | Code::UpstreamRateLimited
                | Code::UpstreamUnavailable
                | Code::UpstreamTimeout
                | Code::UpstreamError
        )
}
