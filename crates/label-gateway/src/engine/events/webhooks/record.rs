//! What the deliveries list shows: each delivery of an event to a webhook, with its attempts and
//! the last answer. Without `[state]`, kept in the process per tenant for the newest
//! [`KEPT_PER_TENANT`]; with it, in Redis too, so that any replica lists the fleet's: a hash of
//! the pending ones (`{prefix}:deliveries:{tenant}:pending`, one field per webhook and event,
//! rewritten at each attempt) and a capped stream of the ended ones (`…:ended`, `MAXLEN ~`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::contract::EventType;
use crate::engine::clock::{now_ms, rfc3339};
use crate::engine::events::shared::within;
use crate::engine::fleet::Link;

/// Deliveries a tenant's list keeps; the oldest are forgotten first (a pending one still runs).
const KEPT_PER_TENANT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Not yet delivered: waiting for its turn or for its next attempt.
    Pending,
    /// A 2xx came back within the timeout.
    Delivered,
    /// Every attempt of the schedule failed, or the webhook was disabled (410).
    Failed,
}

impl DeliveryStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "delivered" => Some(Self::Delivered),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One event's delivery to one webhook.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    #[schema(example = "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d")]
    pub event_id: String,
    pub event_type: EventType,
    /// The receiver, as configured.
    #[schema(example = "https://hooks.acme.example/labels")]
    pub webhook_url: String,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    #[schema(example = 1)]
    pub attempts: u32,
    /// The HTTP status of the last answer; null before the first or when none came.
    #[schema(required = true, example = 200)]
    pub last_status: Option<u16>,
    /// Why the last attempt failed, when it did.
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// RFC 3339: when the next attempt is due, while pending after a failure.
    #[schema(required = true, format = DateTime)]
    pub next_attempt_at: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime, example = "2026-12-03T10:04:05.123Z")]
    pub updated_at: String,
}

/// A delivery the workers update as they go.
pub struct Tracked {
    tenant: String,
    /// The webhook's group and the event: a field of the Redis hash.
    key: String,
    delivery: Mutex<Delivery>,
}

pub type Shared = Arc<Tracked>;

#[derive(Default)]
pub struct Record {
    tenants: Mutex<HashMap<String, VecDeque<Shared>>>,
    link: OnceLock<Arc<Link>>,
}

impl Record {
    /// From now on, deliveries are kept in the fleet's Redis too.
    pub fn share(&self, link: Arc<Link>) {
        let _ = self.link.set(link);
    }

    pub async fn start(
        &self,
        tenant: &str,
        hook: &str,
        event_id: &str,
        kind: EventType,
        url: &str,
    ) -> Shared {
        let tracked = Arc::new(Tracked {
            tenant: tenant.to_owned(),
            key: format!("{hook}:{event_id}"),
            delivery: Mutex::new(Delivery {
                event_id: event_id.to_owned(),
                event_type: kind,
                webhook_url: url.to_owned(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                last_status: None,
                last_error: None,
                next_attempt_at: None,
                updated_at: rfc3339(now_ms()),
            }),
        });
        {
            let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
            let list = tenants.entry(tenant.to_owned()).or_default();
            list.push_back(tracked.clone());
            if list.len() > KEPT_PER_TENANT {
                list.pop_front();
            }
        }
        self.mirror(&tracked).await;
        tracked
    }

    /// Updates a delivery after an attempt.
    pub async fn update(&self, tracked: &Shared, change: impl FnOnce(&mut Delivery)) {
        {
            let mut delivery = tracked.delivery.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut delivery);
            delivery.updated_at = rfc3339(now_ms());
        }
        self.mirror(tracked).await;
    }

    /// Writes the delivery's state to Redis: pending in the hash, ended into the stream.
    async fn mirror(&self, tracked: &Tracked) {
        let Some(link) = self.link.get() else {
            return;
        };
        let Some(mut commands) = link.commands() else {
            return;
        };
        let delivery = tracked
            .delivery
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let json = serde_json::to_string(&delivery).expect("a delivery serializes");
        let pending = link.key(&["deliveries", &tracked.tenant, "pending"]);
        let mut pipe = redis::pipe();
        if delivery.status == DeliveryStatus::Pending {
            pipe.hset(&pending, &tracked.key, &json).ignore();
        } else {
            pipe.hdel(&pending, &tracked.key).ignore();
            pipe.cmd("XADD")
                .arg(link.key(&["deliveries", &tracked.tenant, "ended"]))
                .arg("MAXLEN")
                .arg("~")
                .arg(KEPT_PER_TENANT)
                .arg("*")
                .arg("json")
                .arg(&json)
                .ignore();
        }
        // The list is a view: a write lost while Redis is away is not worth a delivery's wait.
        let _ = within(link, pipe.query_async::<()>(&mut commands)).await;
    }

    /// The tenant's deliveries, newest first, of one status if asked.
    pub async fn list(
        &self,
        tenant: &str,
        status: Option<DeliveryStatus>,
        limit: usize,
    ) -> Result<Vec<Delivery>, crate::contract::Error> {
        let mut all = match self.link.get() {
            Some(link) => shared_list(link, tenant, status).await?,
            None => {
                let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
                tenants
                    .get(tenant)
                    .into_iter()
                    .flatten()
                    .map(|t| t.delivery.lock().unwrap_or_else(|p| p.into_inner()).clone())
                    .collect()
            }
        };
        all.retain(|d| status.is_none_or(|s| d.status == s));
        // RFC 3339 times of one form sort as text.
        all.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        all.truncate(limit);
        Ok(all)
    }
}

async fn shared_list(
    link: &Link,
    tenant: &str,
    status: Option<DeliveryStatus>,
) -> Result<Vec<Delivery>, crate::contract::Error> {
    use crate::engine::events::shared::unavailable;
    let mut commands = link.commands().ok_or_else(unavailable)?;
    let mut found = Vec::new();
    if status.is_none_or(|s| s == DeliveryStatus::Pending) {
        let mut cmd = redis::cmd("HVALS");
        cmd.arg(link.key(&["deliveries", tenant, "pending"]));
        let values: Vec<String> = within(link, cmd.query_async(&mut commands))
            .await?
            .map_err(|_| unavailable())?;
        found.extend(values.iter().filter_map(|v| serde_json::from_str(v).ok()));
    }
    if status != Some(DeliveryStatus::Pending) {
        let mut cmd = redis::cmd("XREVRANGE");
        cmd.arg(link.key(&["deliveries", tenant, "ended"]))
            .arg("+")
            .arg("-")
            .arg("COUNT")
            .arg(KEPT_PER_TENANT);
        let reply: redis::streams::StreamRangeReply = within(link, cmd.query_async(&mut commands))
            .await?
            .map_err(|_| unavailable())?;
        found.extend(reply.ids.iter().filter_map(|entry| {
            let json: String = entry.get("json")?;
            serde_json::from_str::<Delivery>(&json).ok()
        }));
    }
    Ok(found)
}
