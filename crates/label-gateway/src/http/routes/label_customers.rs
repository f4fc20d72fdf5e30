//! `/v1/tenants/{tenant}/labels/{label_id}/customers`: who has a label (GET), and one label
//! attached to or detached from many customers (PATCH).

use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::many::change_many;
use label_core::{
    check_label_text, invalid_request, CallContext, CustomerOutcome, Error, ErrorKind,
    LabelIdentity, LabelRef, ManyChange, MembersPage, Op,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::contract::MemberChange;
use crate::http::api::bulk::{
    ChangeLabelCustomersRequest, ChangeLabelCustomersResponse, CustomerResult, CustomerStatus,
    ItemProblem, LabelCustomersResponse,
};
use crate::http::auth::TenantAccess;
use crate::http::params::{LabelPath, PathOf};
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::body::Unread;
use crate::http::routes::errors::{ChangeLabelCustomersErrors, LabelCustomersErrors};
use crate::http::routes::needs::Needs;
use crate::http::routes::{cursor, query};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomersQuery {
    /// At most this many customers: 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the page before; absent for the first page.
    #[param(min_length = 1, max_length = 512, nullable = false)]
    pub cursor: Option<String>,
}

/// The customers that have a label, a page at a time.
///
/// In the vendor's order; `limit` 1 to 100 (default 50), and `next_cursor`, opaque, for the
/// next page (null after the last). A provider that cannot list a label's customers answers 405
/// and calls nothing; a label the tenant's catalog lacks is 404 `label_not_found`.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/labels/{label_id}/customers",
    operation_id = "listLabelCustomers",
    params(LabelPath, CustomersQuery),
    responses((status = 200, description = "One page of the label's customers", body = LabelCustomersResponse), LabelCustomersErrors)
)]
pub async fn list_label_customers(
    access: TenantAccess,
    path: PathOf<LabelPath>,
    uri: Uri,
) -> Result<Response, ApiError> {
    access.require(Needs::ListMembers)?;
    let provider = &access.tenant.provider;
    let work = async {
        let query: CustomersQuery = query::read(&uri)?;
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            let why = format!("limit must be 1 to {MAX_LIMIT}");
            return Err(query::invalid(&why));
        }
        let ctx = access.context();
        let label = resolve(&access, path, &ctx).await?;
        let id = label.id.clone().unwrap_or_default();
        let scope = format!("members/{}/{id}", access.tenant.id);
        let offset = cursor::offset(query.cursor.as_deref(), &scope)?;
        let members = provider
            .members(
                &ctx,
                MembersPage {
                    label: &label,
                    offset,
                    limit,
                },
            )
            .await?;
        let next_cursor = members
            .next_offset
            .map(|next| cursor::encode(&scope, &next.into()));
        let answer = LabelCustomersResponse {
            tenant: &access.tenant.id,
            provider: provider.name(),
            label: &label,
            customers: &members.customers,
            next_cursor,
        };
        Ok::<_, Error>(Json(answer).into_response())
    };
    access.answer(work).await
}

/// Attach one label to many customers, or detach it.
///
/// Attaches the label to the customers of `add` and detaches it from those of `remove`: the
/// vendor's batch call where it has one (Capillary: 100 customers a call), else one call per
/// customer, with a fresh read first so that `unchanged` means what it does on a customer's
/// own PATCH. Every id is checked first: one that fails the provider's format makes the whole
/// request 422, and nothing is sent.
#[utoipa::path(patch, path = "/v1/tenants/{tenant}/labels/{label_id}/customers",
    operation_id = "changeLabelCustomers",
    params(LabelPath),
    request_body = ChangeLabelCustomersRequest,
    responses((status = 200, description = "What happened to each customer", body = ChangeLabelCustomersResponse), ChangeLabelCustomersErrors)
)]
pub async fn change_label_customers(
    TenantCall { access, state }: TenantCall,
    path: PathOf<LabelPath>,
    mut sent: Unread,
) -> Result<Response, ApiError> {
    let tenant = &access.tenant;
    let provider = &tenant.provider;
    let capabilities = access.require(Needs::ChangeMembers)?;
    let work = async {
        let body = sent.json(state.requests).await?;
        let change = MemberChange::parse(&body, capabilities.customer_id_format)
            .map_err(|problems| invalid_request(&problems))?;
        let label = resolve(&access, path, &access.context()).await?;
        Ok::<_, crate::contract::Error>((change, label))
    };
    let (change, label) = access.answer(work).await?;
    let ctx = access.context();
    let mut results = Vec::with_capacity(change.add.len() + change.remove.len());
    for (op, customers) in [(Op::Add, &change.add), (Op::Remove, &change.remove)] {
        let many = ManyChange {
            op,
            label: &label,
            customers,
        };
        let outcomes = change_many(provider.as_ref(), &ctx, many, tenant.fan_out);
        for (customer, outcome) in customers.iter().zip(outcomes.await) {
            let (status, problem) = match outcome {
                CustomerOutcome::Applied => (CustomerStatus::Applied, None),
                CustomerOutcome::Unchanged => (CustomerStatus::Unchanged, None),
                CustomerOutcome::CustomerNotFound => (CustomerStatus::CustomerNotFound, None),
                CustomerOutcome::Failed(error) => {
                    (CustomerStatus::Failed, Some(ItemProblem::of(&error)))
                }
            };
            results.push(CustomerResult {
                customer_id: customer.as_str().to_owned(),
                op,
                status,
                problem,
            });
        }
    }
    let answer = ChangeLabelCustomersResponse {
        tenant: &tenant.id,
        provider: provider.name(),
        label: &label,
        results: &results,
    };
    Ok(Json(answer).into_response())
}

/// The path's label, found in the tenant's catalog by its id in the provider's spelling (a
/// Trybe UUID in any case); one the catalog does not have is `label_not_found`.
async fn resolve(
    access: &TenantAccess,
    PathOf(path): PathOf<LabelPath>,
    ctx: &CallContext,
) -> Result<LabelIdentity, Error> {
    let provider = &access.tenant.provider;
    let format = provider.capabilities().label_id_format;
    let not_found = || {
        let why = "the tenant's vendor has no label of this id";
        Error::new(ErrorKind::LabelNotFound, why)
    };
    let Some(LabelPath { label_id, .. }) = path else {
        return Err(not_found());
    };
    let id = format.canonical(&label_id.0);
    // An id that cannot be one names no label, and costs no catalog read to say so.
    if !format.admits(&id) || check_label_text(&id).is_err() {
        return Err(not_found());
    }
    let catalog = provider.catalog(ctx).await?.value;
    let label = catalog.find(&LabelRef::Id(id)).ok_or_else(not_found)?;
    Ok(label.identity())
}
