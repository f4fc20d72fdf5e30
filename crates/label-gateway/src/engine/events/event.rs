//! An event as the feed lists it and a webhook receives it (CONTRACT §11), and [`Recorded`]:
//! an event as the log keeps it, encoded once, with what readers select and order it by.

use std::sync::Arc;

use label_core::{Label, LabelIdentity};
use serde::Serialize;
use utoipa::ToSchema;

use crate::contract::forms::TenantId;
use crate::contract::EventType;
use crate::engine::clock::{now_ms, rfc3339};

/// Something the gateway changed at a vendor (or a job that ended).
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    /// `evt_` and a UUIDv7: unique, and later events sort after earlier ones. A receiver
    /// de-duplicates by it (deliveries are at least once).
    #[schema(
        example = "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d",
        pattern = "^evt_[0-9a-f-]{36}$",
        min_length = 40,
        max_length = 40
    )]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When the vendor confirmed the change: RFC 3339, UTC.
    #[schema(example = "2026-12-03T10:04:05.123Z", format = DateTime)]
    pub timestamp: String,
    #[schema(schema_with = TenantId::field)]
    pub tenant: String,
    pub data: EventData,
}

/// What happened: one shape per event type.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EventData {
    LabelsChanged(LabelsChanged),
    LabelCreated(LabelCreated),
    JobEnded(JobEnded),
}

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeSource {
    /// A request to the API (a PATCH of a customer or of a label's customers).
    Api,
    /// A job.
    Job,
}

/// Who asked for a change: the request (or job) it was part of.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Origin {
    pub source: ChangeSource,
    /// The job that made the change, when a job did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d", nullable = false)]
    pub job_id: Option<String>,
    /// The request's `X-Request-Id` (a job's: `job-<id>`), also sent to the vendor.
    #[schema(example = "5b0c3a1e-2f7d-4b8e-9c1a-0d6e4f2a8b3c")]
    pub request_id: String,
}

/// `customer.labels.changed`: what the vendor confirmed for one customer in one write.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelsChanged {
    /// The customer, in its canonical spelling.
    #[schema(example = "564663098")]
    pub customer_id: String,
    #[schema(example = "capillary")]
    pub provider: String,
    /// Labels attached.
    #[schema(value_type = Vec<crate::contract::model::LabelIdentity>)]
    pub added: Vec<LabelIdentity>,
    /// Labels detached.
    #[schema(value_type = Vec<crate::contract::model::LabelIdentity>)]
    pub removed: Vec<LabelIdentity>,
    #[serde(flatten)]
    pub origin: Origin,
}

/// `label.created`: a label the vendor created in its catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelCreated {
    /// As the catalog lists it.
    #[schema(value_type = crate::contract::model::Label)]
    pub label: Label,
    #[schema(example = "capillary")]
    pub provider: String,
    #[serde(flatten)]
    pub origin: Origin,
}

/// `job.ended`: the job as `getJob` shows it once it ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobEnded {
    /// As `getJob` shows it (the `Job` schema).
    #[schema(value_type = Object)]
    pub job: serde_json::Value,
}

impl Event {
    pub fn new(tenant: &str, kind: EventType, data: EventData) -> Self {
        Event {
            id: format!("evt_{}", uuid::Uuid::now_v7()),
            kind,
            timestamp: rfc3339(now_ms()),
            tenant: tenant.to_owned(),
            data,
        }
    }

    /// The event encoded, with what the log reads it by. One customer's events are delivered
    /// in order; the others' (a label, a job) each stand alone.
    pub fn recorded(&self) -> Recorded {
        let key = match &self.data {
            EventData::LabelsChanged(changed) => Some(changed.customer_id.as_str().into()),
            EventData::LabelCreated(_) | EventData::JobEnded(_) => None,
        };
        Recorded {
            at_ms: now_ms(),
            id: self.id.as_str().into(),
            kind: self.kind,
            key,
            json: serde_json::to_string(self)
                .expect("an event serializes")
                .into(),
            position: "".into(),
        }
    }
}

/// An event as the log keeps it: its JSON as it goes out, written once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// When it was recorded (Unix ms): a delivery's latency counts from here.
    pub at_ms: u64,
    pub id: Arc<str>,
    pub kind: EventType,
    /// The customer whose events are delivered one after another; `None`: no order to keep.
    pub key: Option<Arc<str>>,
    pub json: Arc<str>,
    /// Its place in a shared log (the Redis stream's entry id); empty in the process's log.
    pub position: Arc<str>,
}

impl Recorded {
    /// What it costs the process to keep, roughly: the JSON twice over (id and key are in it).
    pub fn weight(&self) -> usize {
        2 * self.json.len() + 64
    }
}
