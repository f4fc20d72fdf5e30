//! A key's limit shared by the fleet: one GCRA bucket in Redis (Redis's clock, one script),
//! from which each replica leases a batch of cells at a time, about a tenth of a second's
//! worth. A request spends a cell of its replica's batch without asking Redis; once the batch
//! is half spent, the next is leased in the background. Only a replica whose batch is gone
//! (its first request, or one whose key is sending at its limit) waits for a lease; once
//! Redis has said the bucket is empty, requests are refused in the process until the time it
//! named, without asking again.
//!
//! Cells leased are spent in the fleet's count at once, whether or not they are used, so the
//! fleet admits at most the bucket's own bound plus what the replicas hold (a batch each):
//! over 10 s at 100 requests a second, two replicas hold 20 of 1000.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use redis::Script;
use tokio::sync::Mutex;

use crate::config::ClientRate;
use crate::engine::fleet::{gcra_prologue, Link};

/// Leases up to `ARGV[3]` cells of a GCRA bucket (a cell every `ARGV[1]` µs, `ARGV[2]` at
/// most at once): returns `{granted, wait_us, full_in_us}`, `wait_us` the time until a cell
/// is free when none is granted, `full_in_us` the time until the bucket is full again. The
/// TAT is written with `%.0f`: Lua prints a large number in 14 digits, which would round it.
const LEASE: &str = concat!(
    gcra_prologue!(),
    r"local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local free = math.floor((now + burst * interval - tat) / interval)
if free < 0 then free = 0 end
local granted = math.min(want, free)
if granted <= 0 then
  return {0, math.ceil(tat + interval - burst * interval - now), math.ceil(tat - now)}
end
tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
return {granted, 0, math.ceil(tat - now)}
"
);

static SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(LEASE));

/// A batch covers this long at the key's rate.
const BATCH_COVERS: Duration = Duration::from_millis(100);
/// After a lease Redis did not answer in time, the process decides alone for this long, so
/// that requests queued behind it do not each wait out the timeout again.
const AFTER_A_FAILED_LEASE: Duration = Duration::from_secs(1);

/// One replica's share of a key's fleet-wide bucket.
pub struct Lease {
    link: Arc<Link>,
    key: String,
    interval_us: f64,
    burst: u32,
    batch: u32,
    /// Cells leased and not spent yet.
    pool: AtomicU32,
    /// Until when (µs after `epoch`) Redis said the bucket is empty.
    refused_until: AtomicU64,
    /// When (µs after `epoch`) the fleet's bucket is full again, as of the last lease.
    full_at: AtomicU64,
    /// Until when (µs after `epoch`) the process decides alone after a failed lease.
    alone_until: AtomicU64,
    epoch: Instant,
    /// One lease at a time per replica and key.
    leasing: Arc<Mutex<()>>,
}

/// What the process can say without Redis.
#[derive(Debug, Clone, Copy)]
pub enum Taken {
    Granted {
        remaining: u32,
        reset: Duration,
    },
    Refused {
        retry_after: Duration,
        reset: Duration,
    },
    /// No cell held and no refusal known: a lease must be asked for.
    Dry,
}

impl Lease {
    pub fn new(link: Arc<Link>, name: &[&str], rate: ClientRate) -> Self {
        let batch = (rate.requests_per_second * BATCH_COVERS.as_secs_f64()).ceil() as u32;
        Self {
            key: link.key(&[&["rate"], name].concat()),
            link,
            interval_us: 1e6 / rate.requests_per_second,
            burst: rate.burst,
            batch: batch.clamp(1, rate.burst),
            pool: AtomicU32::new(0),
            refused_until: AtomicU64::new(0),
            full_at: AtomicU64::new(0),
            alone_until: AtomicU64::new(0),
            epoch: Instant::now(),
            leasing: Arc::new(Mutex::new(())),
        }
    }

    /// Whether a lease can be asked for now; else the process's limiter decides.
    pub fn reachable(&self) -> bool {
        self.link.connected() && self.now_us() >= self.alone_until.load(Ordering::Acquire)
    }

    /// A cell of the batch held, if any; leases the next batch in the background once half
    /// of this one is spent.
    pub fn take(self: &Arc<Self>) -> Taken {
        let mut held = self.pool.load(Ordering::Relaxed);
        while held > 0 {
            match self.pool.compare_exchange_weak(
                held,
                held - 1,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    if held - 1 <= self.batch / 2 {
                        self.refill();
                    }
                    return self.granted(held - 1);
                }
                Err(now) => held = now,
            }
        }
        let now = self.now_us();
        let until = self.refused_until.load(Ordering::Acquire);
        if now < until {
            return Taken::Refused {
                retry_after: Duration::from_micros(until - now),
                reset: self.reset(now),
            };
        }
        Taken::Dry
    }

    /// This request's cell from a lease asked for now (or one another request's lease
    /// brought meanwhile); `None` when Redis gives no answer in time.
    pub async fn lease_one(self: &Arc<Self>) -> Option<Taken> {
        let _leasing = self.leasing.lock().await;
        match self.take() {
            Taken::Dry if self.reachable() => {}
            Taken::Dry => return None,
            taken => return Some(taken),
        }
        let granted = self.ask().await?;
        if granted == 0 {
            return Some(self.take());
        }
        let held = self.pool.fetch_add(granted - 1, Ordering::AcqRel) + granted - 1;
        Some(self.granted(held))
    }

    /// The next batch, unless a lease is already under way or the bucket is known empty.
    fn refill(self: &Arc<Self>) {
        if self.now_us() < self.refused_until.load(Ordering::Acquire) {
            return;
        }
        let Ok(leasing) = self.leasing.clone().try_lock_owned() else {
            return;
        };
        let lease = self.clone();
        tokio::spawn(async move {
            let _leasing = leasing;
            if lease.pool.load(Ordering::Acquire) <= lease.batch / 2 {
                if let Some(granted) = lease.ask().await {
                    lease.pool.fetch_add(granted, Ordering::AcqRel);
                }
            }
        });
    }

    /// Asks Redis for a batch: the cells granted (0 when the bucket is empty, which is kept
    /// as a refusal until a cell is free); `None` without an answer in time.
    async fn ask(&self) -> Option<u32> {
        let mut commands = self.link.commands()?;
        let mut call = SCRIPT.key(&self.key);
        call.arg(self.interval_us).arg(self.burst).arg(self.batch);
        let answer = tokio::time::timeout(
            self.link.command_timeout(),
            call.invoke_async::<(u32, u64, u64)>(&mut commands),
        )
        .await;
        let Ok(Ok((granted, wait_us, full_in_us))) = answer else {
            let until = self.now_us() + AFTER_A_FAILED_LEASE.as_micros() as u64;
            self.alone_until.store(until, Ordering::Release);
            return None;
        };
        let now = self.now_us();
        self.full_at.store(now + full_in_us, Ordering::Release);
        if granted == 0 {
            self.refused_until
                .store(now + wait_us.max(1), Ordering::Release);
        }
        Some(granted)
    }

    /// What the fleet's bucket holds as of the last lease, with this replica's cells.
    fn granted(&self, held: u32) -> Taken {
        let now = self.now_us();
        let full_at = self.full_at.load(Ordering::Acquire);
        let empty_for = full_at.saturating_sub(now) as f64;
        let free = (f64::from(self.burst) - empty_for / self.interval_us).floor();
        Taken::Granted {
            remaining: held.saturating_add(free.max(0.0) as u32),
            reset: self.reset(now),
        }
    }

    fn reset(&self, now: u64) -> Duration {
        Duration::from_micros(self.full_at.load(Ordering::Acquire).saturating_sub(now))
    }

    fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }
}
