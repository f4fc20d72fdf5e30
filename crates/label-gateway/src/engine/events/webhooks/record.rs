//! What the deliveries list shows: each delivery of an event to a webhook, with its attempts and
//! the last answer, kept per tenant for the newest [`KEPT_PER_TENANT`] (pending or ended).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use utoipa::ToSchema;

use crate::contract::EventType;
use crate::engine::clock::{now_ms, rfc3339};

/// Deliveries a tenant's list keeps; the oldest are forgotten first (a pending one still runs).
const KEPT_PER_TENANT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
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
#[derive(Debug, Clone, Serialize, ToSchema)]
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
pub type Shared = Arc<Mutex<Delivery>>;

#[derive(Default)]
pub struct Record {
    tenants: Mutex<HashMap<String, VecDeque<Shared>>>,
}

impl Record {
    pub fn start(&self, tenant: &str, event_id: &str, kind: EventType, url: &str) -> Shared {
        let delivery = Arc::new(Mutex::new(Delivery {
            event_id: event_id.to_owned(),
            event_type: kind,
            webhook_url: url.to_owned(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status: None,
            last_error: None,
            next_attempt_at: None,
            updated_at: rfc3339(now_ms()),
        }));
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let list = tenants.entry(tenant.to_owned()).or_default();
        list.push_back(delivery.clone());
        if list.len() > KEPT_PER_TENANT {
            list.pop_front();
        }
        delivery
    }

    /// The tenant's deliveries, newest first, of one status if asked.
    pub fn list(
        &self,
        tenant: &str,
        status: Option<DeliveryStatus>,
        limit: usize,
    ) -> Vec<Delivery> {
        let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let Some(list) = tenants.get(tenant) else {
            return Vec::new();
        };
        list.iter()
            .rev()
            .map(|d| d.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .filter(|d| status.is_none_or(|s| d.status == s))
            .take(limit)
            .collect()
    }
}

/// Updates a delivery after an attempt.
pub fn update(delivery: &Shared, change: impl FnOnce(&mut Delivery)) {
    let mut delivery = delivery.lock().unwrap_or_else(|p| p.into_inner());
    change(&mut delivery);
    delivery.updated_at = rfc3339(now_ms());
}
