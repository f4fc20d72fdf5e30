//! The bodies of the events routes: a page of the feed, the deliveries to webhooks.

use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::engine::events::Event;

/// A page of the tenant's events, oldest first.
#[derive(Serialize, ToSchema)]
pub struct EventPage<'a> {
    /// Events as they were recorded (the same JSON a webhook receives), oldest first.
    #[schema(value_type = Vec<Event>)]
    pub items: Vec<&'a RawValue>,
    /// Where the next read starts (`after=`): never null. Keep it and ask again later; an
    /// empty page's cursor returns the next events once there are any.
    #[schema(
        example = "WyJjMSIsImV2ZW50cy9hY21lIiwiOWMzZTFhMmItNDIiXQ",
        max_length = 512
    )]
    pub next_cursor: String,
}

/// The tenant's webhook deliveries, newest first.
#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<crate::engine::events::webhooks::record::Delivery>,
}

/// A redelivery queued.
#[derive(Serialize, ToSchema)]
pub struct Redelivery {
    #[schema(example = "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d")]
    pub event_id: String,
    /// The webhooks it was queued for: those of the tenant that take its type (0 when none
    /// does).
    #[schema(example = 1)]
    pub queued: u32,
}
