use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use label_core::provider::name_contains;
use label_core::{CallContext, Error, Fetched, LabelList};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::api::CatalogResponse;
use crate::http::auth::TenantAccess;
use crate::http::openapi::cached_reads::NotModified;
use crate::http::params::{CacheHeaders, TenantPath};
use crate::http::problem::ApiError;
use crate::http::routes::customer_labels::Include;
use crate::http::routes::errors::CatalogErrors;
use crate::http::routes::needs::Needs;
use crate::http::routes::query;
use crate::http::routes::representation::{
    self, add_cache_headers, wants_fresh, Conditional, Fields,
};

/// The longest `q`, in characters: as long as a label name may be.
const MAX_Q_CHARS: usize = 255;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// Only the labels whose name contains this text, ignoring case: 1 to 255 characters.
    #[param(
        min_length = 1,
        max_length = 255,
        nullable = false,
        example = "customer"
    )]
    pub q: Option<String>,
    /// `raw` adds the provider's own record to every label.
    pub include: Option<Include>,
}

impl CatalogQuery {
    fn read(uri: &Uri) -> Result<Self, Error> {
        let query: Self = query::read(uri)?;
        // Any text may be looked for; text that no name holds (a control character) finds
        // none.
        if let Some(q) = query.q.as_deref() {
            let chars = q.chars().count();
            if chars == 0 || chars > MAX_Q_CHARS {
                let why = format!("q must be 1 to {MAX_Q_CHARS} characters");
                return Err(query::invalid(&why));
            }
        }
        Ok(query)
    }
}

/// Every label of the tenant's vendor account, all pages walked; with `q`, those whose name
/// contains it.
///
/// The vendor's whole catalog (Capillary's active org labels, Trybe's labels that are not
/// archived, ActionHub's labels with their weights), fetched page by page by the gateway. It is
/// what a change's names and ids are resolved against. Cached like a customer's labels, with
/// the same `ETag`, `If-None-Match`, `Cache-Control: no-cache` and `Cache-Status`; `q` keeps
/// the labels whose name contains it, ignoring case (ActionHub filters itself; the others'
/// catalogs are filtered by the gateway, from the cache where it holds them). A provider
/// without a catalog answers 405.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/labels", operation_id = "listCatalogLabels",
    params(TenantPath, CatalogQuery, CacheHeaders),
    responses(
        (status = 200, description = "The tenant's label catalog", body = CatalogResponse),
        NotModified,
        CatalogErrors,
    )
)]
pub async fn list_catalog(
    access: TenantAccess,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let tenant = &access.tenant;
    let provider = &tenant.provider;
    let capabilities = access.require(Needs::Catalog)?;
    let query = CatalogQuery::read(&uri).map_err(|e| access.error(e))?;
    let ctx = CallContext {
        fresh: wants_fresh(&headers),
        include_raw: query.include == Some(Include::Raw),
        ..access.context()
    };
    let read = match query.q.as_deref() {
        Some(text) if capabilities.catalog_search => provider.search_catalog(&ctx, text).await,
        Some(text) => provider.catalog(&ctx).await.map(|fetched| {
            fetched.map(|catalog| {
                let labels = catalog.labels().iter();
                let matching = labels.filter(|l| name_contains(l.name.as_deref(), text));
                matching.cloned().collect::<LabelList>()
            })
        }),
        None => provider
            .catalog(&ctx)
            .await
            .map(|fetched| fetched.map(|catalog| catalog.labels().clone())),
    };
    match read {
        Ok(Fetched { value, source }) => {
            let encoded = value.encoded();
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
