use axum::http::StatusCode;
use axum::Json;

use crate::contract::{Code, Error};
use crate::http::api::events::Redelivery;
use crate::http::params::{EventPath, PathOf};
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::errors::RedeliverErrors;

/// Queue an event again for the tenant's webhooks.
///
/// Each of the tenant's webhooks that takes the event's type gets it again, as a new delivery
/// (in its customer's order, with the retry schedule), whatever became of the earlier ones; a
/// webhook disabled by a 410 stays disabled until the config is reloaded. 404
/// `event_not_found` for an event that is not (or no longer) kept. Calls no vendor.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/events/{event_id}/redeliver",
    operation_id = "redeliverEvent",
    params(EventPath),
    responses((status = 202, description = "The event is queued for the tenant's webhooks", body = Redelivery), RedeliverErrors)
)]
pub async fn redeliver_event(
    TenantCall { access, state }: TenantCall,
    PathOf(path): PathOf<EventPath>,
) -> Result<(StatusCode, Json<Redelivery>), ApiError> {
    let id = path.map(|path| path.event_id.0).unwrap_or_default();
    let tenant = &access.tenant.id;
    let work = async {
        let found = match id.starts_with("evt_") {
            true => state.events.log.find(tenant, &id).await?,
            false => None,
        };
        let event = found.ok_or_else(|| {
            Error::new(
                Code::EventNotFound,
                "this tenant has no kept event with this id (events are kept [events] \
                 retention_seconds, at most max_events of them)",
            )
        })?;
        let queued = state.events.webhooks.redeliver(tenant, &event).await;
        let body = Redelivery {
            event_id: id.clone(),
            queued: queued as u32,
        };
        Ok::<_, Error>((StatusCode::ACCEPTED, Json(body)))
    };
    access.answer(work).await
}
