//! The events routes' named examples, one per demo tenant, built from the engine's own event
//! types so that an example cannot drift from what the feed and webhooks send.

use label_core::LabelIdentity;
use serde_json::{json, Value};
use utoipa::openapi::example::Example;

use super::samples::{named, CAPILLARY_CUSTOMER, TRYBE_CUSTOMER};
use crate::contract::EventType;
use crate::engine::events::event::{ChangeSource, LabelsChanged, Origin};
use crate::engine::events::webhooks::record::{Delivery, DeliveryStatus};
use crate::engine::events::{Event, EventData};
use crate::http::api::events::DeliveryList;

pub fn ok_examples(operation_id: &str) -> Vec<(&'static str, Example)> {
    match operation_id {
        "listEvents" => vec![
            named(
                "acme",
                "Capillary: VIP attached to the sample customer",
                page(vec![changed(
                    "acme",
                    "capillary",
                    CAPILLARY_CUSTOMER,
                    ("20960", "VIP"),
                )]),
            ),
            named(
                "globex",
                "Trybe: Gym Member attached",
                page(vec![changed(
                    "globex",
                    "trybe",
                    TRYBE_CUSTOMER,
                    ("4f1c2a9e-6b3d-4e8f-9a7c-1d2e3f4a5b6c", "Gym Member"),
                )]),
            ),
            named(
                "initech",
                "ActionHub is read-only: nothing changes, the feed stays empty",
                page(Vec::new()),
            ),
        ],
        "listWebhookDeliveries" => vec![
            named(
                "acme",
                "Capillary: a delivered event",
                deliveries(vec![delivery(
                    DeliveryStatus::Delivered,
                    1,
                    Some(200),
                    None,
                )]),
            ),
            named(
                "globex",
                "Trybe: a delivery waiting for its second attempt",
                deliveries(vec![delivery(
                    DeliveryStatus::Pending,
                    1,
                    Some(503),
                    Some("2026-12-03T10:04:10.123Z"),
                )]),
            ),
            named(
                "initech",
                "ActionHub is read-only: no events, no deliveries",
                deliveries(Vec::new()),
            ),
        ],
        _ => Vec::new(),
    }
}

fn delivery(
    status: DeliveryStatus,
    attempts: u32,
    last: Option<u16>,
    next: Option<&str>,
) -> Delivery {
    Delivery {
        event_id: "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d".to_owned(),
        event_type: EventType::CustomerLabelsChanged,
        webhook_url: "https://hooks.acme.example/labels".to_owned(),
        status,
        attempts,
        last_status: last,
        last_error: last
            .filter(|status| *status >= 300)
            .map(|status| format!("the receiver answered {status}")),
        next_attempt_at: next.map(str::to_owned),
        updated_at: "2026-12-03T10:04:05.123Z".to_owned(),
    }
}

fn deliveries(items: Vec<Delivery>) -> DeliveryList {
    DeliveryList { items }
}

fn changed(tenant: &str, provider: &str, customer: &str, (id, name): (&str, &str)) -> Value {
    let data = EventData::LabelsChanged(LabelsChanged {
        customer_id: customer.to_owned(),
        provider: provider.to_owned(),
        added: vec![LabelIdentity {
            id: Some(id.to_owned()),
            name: Some(name.to_owned()),
        }],
        removed: Vec::new(),
        origin: Origin {
            source: ChangeSource::Api,
            job_id: None,
            request_id: "5b0c3a1e-2f7d-4b8e-9c1a-0d6e4f2a8b3c".to_owned(),
        },
    });
    let mut event = Event::new(tenant, EventType::CustomerLabelsChanged, data);
    event.id = "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d".to_owned();
    event.timestamp = "2026-12-03T10:04:05.123Z".to_owned();
    serde_json::to_value(event).expect("an event serializes")
}

fn page(items: Vec<Value>) -> Value {
    json!({"items": items, "next_cursor": "WyJjMSIsImV2ZW50cy9hY21lIiwiOWMzZTFhMmItNDIiXQ"})
}
