use axum::http::Uri;
use axum::Json;
use utoipa::IntoParams;

use crate::contract::Error;
use crate::engine::events::webhooks::record::DeliveryStatus;
use crate::http::api::events::DeliveryList;
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::errors::DeliveriesErrors;
use crate::http::routes::job_params::{limit, pairs, problem, value};

/// `?status=&limit=` of the deliveries list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Only deliveries in this state; absent: all.
    #[param(inline, nullable = false)]
    pub status: Option<DeliveryStatus>,
    /// Deliveries to list, 1 to 1000; default 100.
    #[param(minimum = 1, maximum = 1000, nullable = false)]
    pub limit: Option<u32>,
}

impl DeliveriesQuery {
    fn read(uri: &Uri) -> Result<(Option<DeliveryStatus>, usize), Error> {
        let pairs = pairs(uri, &["status", "limit"])?;
        let size = limit(&pairs, 1000)?.unwrap_or(100) as usize;
        let status = match value(&pairs, "status") {
            None => None,
            Some(text) => Some(
                DeliveryStatus::parse(&text)
                    .ok_or_else(|| problem("query: status must be pending, delivered or failed"))?,
            ),
        };
        Ok((status, size))
    }
}

/// The tenant's webhook deliveries, newest first.
///
/// Each delivery of an event to one of the tenant's webhooks: `pending` (waiting for its turn
/// or its next attempt), `delivered` (a 2xx within the timeout) or `failed` (the retry schedule
/// ran out, or the receiver answered 410, which disables its webhook until the config is
/// reloaded), with its attempts and the last answer's status. The newest 10000 of the tenant
/// are kept. Calls no vendor.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/webhooks/deliveries",
    operation_id = "listWebhookDeliveries",
    params(TenantPath, DeliveriesQuery),
    responses((status = 200, description = "The tenant's deliveries", body = DeliveryList), DeliveriesErrors)
)]
pub async fn list_deliveries(
    TenantCall { access, state }: TenantCall,
    uri: Uri,
) -> Result<Json<DeliveryList>, ApiError> {
    let work = async {
        let (status, size) = DeliveriesQuery::read(&uri)?;
        let record = &state.events.webhooks.record;
        let items = record.list(&access.tenant.id, status, size).await?;
        Ok::<_, Error>(Json(DeliveryList { items }))
    };
    access.answer(work).await
}
