use axum::response::{IntoResponse, Response};
use axum::Json;
use label_core::many::labels_of_many;
use label_core::{invalid_request, CallContext};
use serde_json::value::RawValue;

use crate::contract::{parse_batch_get, Error};

use crate::http::api::bulk::{
    BatchGetRequest, BatchGetResponse, CustomerLabels, CustomerLabelsItem, CustomerProblem,
    ItemProblem,
};
use crate::http::params::TenantPath;
use crate::http::problem::ApiError;
use crate::http::routes::access::TenantCall;
use crate::http::routes::body::Unread;
use crate::http::routes::errors::BatchGetErrors;
use crate::http::routes::representation::wants_fresh;

/// The labels of up to 100 customers at once.
///
/// Each answered from the cache where it can; the others
/// in the vendor's batch reads where it has them (Capillary: 10 customers a call), else one
/// call per customer. A customer that cannot be read gets a `problem` in its place; every id
/// is checked first, and one that fails the provider's format makes the request 422.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/customers/labels:batchGet",
    operation_id = "batchGetCustomerLabels",
    params(
        TenantPath,
        ("Cache-Control" = Option<String>, Header, nullable = false, example = "no-cache",
            description = "`no-cache` (or `no-store`): read every customer from the vendor, and refresh the cache"),
    ),
    request_body = BatchGetRequest,
    responses((status = 200, description = "Each customer's labels or problem, in request order", body = BatchGetResponse), BatchGetErrors)
)]
pub async fn batch_get_customer_labels(
    TenantCall { access, state }: TenantCall,
    mut sent: Unread,
) -> Result<Response, ApiError> {
    let tenant = &access.tenant;
    let provider = &tenant.provider;
    let format = provider.capabilities().customer_id_format;
    let work = async {
        let body = sent.json(state.requests).await?;
        parse_batch_get(&body, format).map_err(|problems| invalid_request(&problems).into())
    };
    let customers = access.answer::<_, Error>(work).await?;
    let ctx = CallContext {
        fresh: wants_fresh(&sent.headers),
        ..access.context()
    };
    let answers = labels_of_many(provider.as_ref(), &ctx, &customers, tenant.fan_out).await;
    let items = customers
        .iter()
        .zip(answers)
        .map(|(customer, answer)| {
            let customer_id = customer.as_str().to_owned();
            let labels = answer.and_then(|fetched| {
                // The list's kept JSON is a JSON array: it always reads back as one.
                RawValue::from_string(fetched.value.encoded().json().to_owned()).map_err(|_| {
                    label_core::Error::new(
                        label_core::ErrorKind::UpstreamError,
                        "labels that do not encode",
                    )
                })
            });
            match labels {
                Ok(labels) => CustomerLabelsItem::Labels(CustomerLabels {
                    customer_id,
                    labels,
                }),
                Err(error) => CustomerLabelsItem::Problem(CustomerProblem {
                    customer_id,
                    problem: ItemProblem::of(&error),
                }),
            }
        })
        .collect();
    let answer = BatchGetResponse {
        tenant: &tenant.id,
        provider: provider.name(),
        customers: items,
    };
    Ok(Json(answer).into_response())
}
