use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::{apply_change, invalid_request, ChangeRequest, CustomerId};

use crate::contract::{parse_change_request, Error};
use crate::engine::idempotency;
use crate::http::api::{ChangeLabelsRequest, ChangeLabelsResponse};
use crate::http::auth::TenantAccess;
use crate::http::params::{CustomerPath, PathOf};
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::body::Unread;
use crate::http::routes::customer_labels;
use crate::http::routes::errors::ChangeErrors;
use crate::http::routes::needs::Needs;

/// Attach and detach labels; one result per reference, in request order.
///
/// Each reference names a label by `name` or by `id`; the gateway resolves one into the other
/// through the tenant's catalog (or the customer's labels, for a removal) and sends the vendor
/// what it understands. Every `add` is sent before every `remove`. Each result is `applied`,
/// `unchanged` (already so, judged on a fresh vendor read, not on the cache) or `not_found` (no
/// such label at the vendor). A body that breaks a rule is refused whole with 422, listing
/// every problem, and nothing is sent to the vendor. If the vendor fails part-way, the error
/// carries `results` with what was already applied. After a change the customer's cached labels
/// are dropped, so the next read shows it. A provider that cannot write (ActionHub) answers 405
/// and calls nothing. Send an `Idempotency-Key` to make a retry safe.
#[utoipa::path(patch, path = customer_labels::ROUTE, operation_id = "changeCustomerLabels",
    params(
        CustomerPath,
        ("Idempotency-Key" = Option<String>, Header, nullable = false, description = "1 to 255 visible ASCII characters. The same key with the same customer and body within 24 h gets the first answer again, without a vendor call; with another customer or body: 422 `idempotency_key_reused`; while the first still runs: 409 `idempotency_in_progress`. Keys are scoped per tenant.", min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$"),
    ),
    request_body = ChangeLabelsRequest,
    responses(
        (status = 200, description = "What happened to each reference", body = ChangeLabelsResponse,
            headers(("Idempotent-Replayed" = String, description = "`true` on an answer replayed for a repeated `Idempotency-Key`"))),
        ChangeErrors,
    )
)]
pub async fn change_customer_labels(
    TenantCall { access, state }: TenantCall,
    path: PathOf<CustomerPath>,
    mut sent: Unread,
) -> Result<Response, ApiError> {
    let capabilities = access.require(Needs::ChangeLabels)?;
    let work = async {
        let customer = customer_labels::customer(path, capabilities.customer_id_format)?;
        let body = sent.json(state.requests).await?;
        let key = idempotency::key_of(&sent.headers);
        let request = parse_change_request(&body);
        match (key, request) {
            (Ok(key), Ok(request)) => Ok((customer, body, key, request)),
            (key, request) => {
                let problems: Vec<_> = key
                    .err()
                    .into_iter()
                    .chain(request.err().into_iter().flatten())
                    .collect();
                Err(Error::from(invalid_request(&problems)))
            }
        }
    };
    let (customer, body, key, request) = access.answer(work).await?;
    // Only a request that passed every check takes its key: one refused before running keeps
    // nothing, and a corrected retry with the same key may run.
    let Some(key) = key else {
        return change(&access, &customer, &request).await;
    };
    let fingerprint = idempotency::fingerprint(customer.as_str(), &body);
    let claim = state.idempotency.claim(&access.tenant.id, key, fingerprint);
    access
        .once(claim, change(&access, &customer, &request))
        .await
}

/// Runs the change at the vendor and answers with its results.
async fn change(
    access: &TenantAccess,
    customer: &CustomerId,
    request: &ChangeRequest,
) -> Result<Response, ApiError> {
    let provider = &access.tenant.provider;
    let ctx = access.context();
    let results = access
        .answer(apply_change(provider.as_ref(), &ctx, customer, request))
        .await?;
    let response = ChangeLabelsResponse {
        tenant: &access.tenant.id,
        customer_id: customer.as_str(),
        provider: provider.name(),
        results: &results,
    };
    Ok(Json(response).into_response())
}
