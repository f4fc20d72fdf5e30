use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use label_core::{CallContext, Error, ErrorKind, Fetched};

use crate::api::CatalogResponse;
use crate::auth::TenantAccess;
use crate::problem::ApiError;
use crate::routes::errors::CatalogErrors;
use crate::routes::params::{CacheHeaders, TenantPath};
use crate::routes::representation::{self, add_cache_headers, wants_fresh, Conditional, Fields};

/// Every label of the tenant's vendor account, all pages walked.
///
/// The vendor's whole catalog (Capillary's active org labels, Trybe's labels that are not
/// archived, ActionHub's labels with their weights), fetched page by page by the gateway. It is
/// what a change's names and ids are resolved against. Cached like a customer's labels, with
/// the same `ETag`, `If-None-Match`, `Cache-Control: no-cache` and `Cache-Status`. A provider
/// without a catalog answers 405.
#[utoipa::path(
    get,
    path = "/v1/tenants/{tenant}/labels",
    operation_id = "listCatalogLabels",
    tag = "labels",
    params(TenantPath, CacheHeaders),
    responses(
        (status = 200, description = "The tenant's label catalog", body = CatalogResponse,
            headers(
                ("ETag" = String, description = "Strong validator of the body"),
                ("Cache-Status" = String, description = "RFC 9211: `label-gateway; hit`, `label-gateway; fwd=miss`, `fwd=request` after `Cache-Control: no-cache`, `hit; detail=stale` when the vendor failed"),
                ("Age" = u64, description = "Seconds since the answer was fetched from the vendor; on hits only"),
            )),
        (status = 304, description = "Not modified: the `If-None-Match` tag still matches",
            headers(("ETag" = String), ("Cache-Status" = String))),
        CatalogErrors,
    ),
    security(("bearer" = []))
)]
pub async fn list_catalog(access: TenantAccess, headers: HeaderMap) -> Result<Response, ApiError> {
    let tenant = &access.tenant;
    let provider = &tenant.provider;
    if !provider.capabilities().catalog {
        let mut error = access.error(Error::new(
            ErrorKind::UnsupportedOperation,
            format!("provider {} has no label catalog", provider.name()),
        ));
        // The resource exists for every tenant; this tenant's provider allows nothing on it.
        error.allow = Some("");
        return Err(error);
    }
    let ctx = CallContext {
        request_id: access.request_id.clone(),
        fresh: wants_fresh(&headers),
        include_raw: false,
    };
    match provider.catalog(&ctx).await {
        Ok(Fetched { value, source }) => {
            let encoded = value.labels().encoded();
            let fields = Fields(&[("tenant", &tenant.id), ("provider", provider.name())]);
            let body = representation::body(fields, encoded);
            let etag = representation::etag(encoded, &tenant.etag_salt);
            Ok(representation::respond(
                body,
                etag,
                source,
                &Conditional::of(&headers),
            ))
        }
        Err(error) => {
            let origin = error.origin;
            let mut response = access.error(error).into_response();
            add_cache_headers(&mut response, origin);
            Ok(response)
        }
    }
}

/// The body [`list_catalog`] writes is the documented one.
#[cfg(test)]
mod tests {
    use label_core::{Label, LabelList};

    use super::*;

    #[test]
    fn the_body_is_what_serde_writes_for_the_documented_type() {
        let labels: LabelList = vec![Label {
            id: "a".into(),
            name: Some("A".into()),
            weight: Some(1.5),
            raw: None,
        }]
        .into();
        let fields = Fields(&[("tenant", "t"), ("provider", "actionhub")]);
        let written = representation::body(fields, labels.encoded());
        let serde = serde_json::to_vec(&CatalogResponse {
            tenant: "t",
            provider: "actionhub",
            labels: &labels,
        })
        .unwrap();
        assert_eq!(written, serde);
    }
}
