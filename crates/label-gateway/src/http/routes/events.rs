use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::value::RawValue;
use serde_json::Value;
use utoipa::IntoParams;

use crate::contract::{Error, EventType, TypeFilter};
use crate::engine::events::Read;
use crate::http::api::events::EventPage;
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::cursor;
use crate::http::routes::errors::FeedErrors;
use crate::http::routes::job_params::{limit, pairs, problem, value};

/// `?after=&limit=&type=` of the events feed.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// `next_cursor` of the page before; absent: from the oldest event kept.
    #[param(max_length = 512, nullable = false)]
    pub after: Option<String>,
    /// Events a page, 1 to 1000; default 100.
    #[param(minimum = 1, maximum = 1000, nullable = false)]
    pub limit: Option<u32>,
    /// Only events of these types, comma-separated (`customer.labels.changed`,
    /// `label.created`, `job.ended`); absent: all.
    #[param(
        rename = "type",
        max_length = 128,
        pattern = "^[a-z.]+(,[a-z.]+)*$",
        example = "customer.labels.changed",
        nullable = false
    )]
    pub types: Option<String>,
}

impl FeedQuery {
    fn read(uri: &Uri) -> Result<(Option<String>, usize, TypeFilter), Error> {
        let pairs = pairs(uri, &["after", "limit", "type"])?;
        let size = limit(&pairs, 1000)?.unwrap_or(100) as usize;
        let filter = match value(&pairs, "type") {
            None => TypeFilter::default(),
            Some(text) => {
                let types: Option<Vec<EventType>> = text
                    .split(',')
                    .map(|t| EventType::parse(t.trim()))
                    .collect();
                match types {
                    Some(types) if !types.is_empty() => TypeFilter::only(types),
                    _ => {
                        let detail = format!(
                            "query: type must be one or more of {}, comma-separated",
                            EventType::listed()
                        );
                        return Err(problem(&detail));
                    }
                }
            }
        };
        Ok((value(&pairs, "after"), size, filter))
    }
}

/// The tenant's change events, oldest first.
///
/// Every change a vendor confirmed (`customer.labels.changed`, `label.created`) and every job
/// that ended (`job.ended`), kept `[events] retention_seconds` (default 7 days) and at most
/// `[events] max_events` per tenant. `next_cursor` is never null: pass it as `after` to read on,
/// now or later (`label-gateway events --follow` does so). A cursor older than what is kept is
/// 410 `cursor_expired`. Calls no vendor.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/events", operation_id = "listEvents",
    params(TenantPath, FeedQuery),
    responses((status = 200, description = "A page of the tenant's events", body = EventPage), FeedErrors)
)]
pub async fn list_events(
    TenantCall { access, state }: TenantCall,
    uri: Uri,
) -> Result<Response, ApiError> {
    let tenant = &access.tenant.id;
    let work = async {
        let (after, size, filter) = FeedQuery::read(&uri)?;
        let scope = format!("events/{tenant}");
        let after = cursor::key(after.as_deref(), &scope)?;
        let log = &state.events.log;
        let read = Read {
            after: after.as_deref(),
            types: &filter,
            limit: size,
        };
        let page = log.read(tenant, read).await?;
        let items = page
            .items
            .iter()
            .map(|event| serde_json::from_str::<&RawValue>(&event.json))
            .collect::<Result<Vec<_>, _>>()
            .expect("the log keeps the JSON it was given");
        let body = EventPage {
            items,
            next_cursor: cursor::encode(&scope, &Value::String(page.next)),
        };
        let json = serde_json::to_vec(&body).expect("a page serializes");
        Ok::<_, Error>(([(header::CONTENT_TYPE, "application/json")], json).into_response())
    };
    access.answer(work).await
}
