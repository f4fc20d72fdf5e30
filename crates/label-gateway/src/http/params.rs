//! The parameters of the v1 API: the structs the routes extract and document, each path
//! parameter a type of `contract::forms` that carries its form (pattern and lengths) once.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

/// A path's parameters, or none when they do not decode (a segment that is not UTF-8 once
/// percent-decoded): each route says what that means for it (400 for a customer id, 404 for
/// the ids that name a thing).
pub struct PathOf<T>(pub Option<T>);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathOf<T> {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let path = Path::<T>::from_request_parts(parts, state).await;
        Ok(Self(path.ok().map(|Path(path)| path)))
    }
}

pub use crate::contract::forms::{
    CustomerIdParam, EventIdParam, JobIdParam, LabelIdParam, TenantId, VendorPathParam,
};

/// `/v1/tenants/{tenant}...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only: `TenantAccess` reads the tenant, before the handler
pub struct TenantPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(inline, example = "acme")]
    pub tenant: TenantId,
}

/// `/v1/tenants/{tenant}/customers/{customer_id}...`
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CustomerPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(inline, example = "acme")]
    pub tenant: TenantId,
    /// The customer's id at the tenant's vendor, in its provider's format.
    // Its description (each provider's format, read from the providers' capabilities) and its
    // named examples, one per demo tenant, are added in `openapi::finish`.
    #[param(inline)]
    pub customer_id: CustomerIdParam,
}

/// `/v1/tenants/{tenant}/labels/{label_id}...`
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LabelPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(inline, example = "acme")]
    pub tenant: TenantId,
    /// The label's id in the tenant's catalog (`id` of `listCatalogLabels`): Capillary's
    /// `labelId`, a Trybe UUID (any case). An id the catalog lacks is 404 `label_not_found`.
    // Its named examples, one per provider, are added in `openapi::finish`.
    #[param(inline)]
    pub label_id: LabelIdParam,
}

/// `/v1/tenants/{tenant}/jobs/{job_id}...`
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct JobPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(inline, example = "acme")]
    pub tenant: TenantId,
    /// The job's id, as its submission answered it.
    #[param(inline, example = "01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d")]
    pub job_id: JobIdParam,
}

/// `/v1/tenants/{tenant}/passthrough/{path}`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only: the handler reads the raw path, undecoded
pub struct PassthroughPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(inline, example = "acme")]
    pub tenant: TenantId,
    /// The vendor path below the tenant's `base_url`, as the vendor documents it (without the
    /// leading `/`); it must match the tenant's `passthrough` allow-list.
    #[param(inline, example = "v2/customers/564663098/labels")]
    pub path: VendorPathParam,
}

/// `/v1/tenants/{tenant}/events/{event_id}...`
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(inline, example = "acme")]
    pub tenant: TenantId,
    /// The event's id, as the feed or a webhook gave it.
    #[param(inline, example = "evt_01937a4e-8f5a-7c3e-9b1d-2f4a6c8e0b1d")]
    pub event_id: EventIdParam,
}

/// The request headers of the cached reads (RFC 9110 conditional requests, RFC 9111 no-cache).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documentation only: handlers read the `HeaderMap`
pub struct CacheHeaders {
    /// `ETag`s from earlier answers, or `*`: while one still matches, 304 with no body. Like
    /// every header, bounded by the request head's limit (`[server] max_header_bytes`, 16384
    /// by default: 431 past it).
    // The example matches nothing, so that "Try it out" shows a body.
    #[param(
        rename = "If-None-Match",
        example = r#""0123456789abcdef0123456789abcdef""#,
        nullable = false
    )]
    pub if_none_match: Option<String>,
    /// `no-cache` (or `no-store`): answer from the vendor rather than the cache, and refresh it.
    /// Other directives are ignored. Bounded like `If-None-Match`.
    #[param(rename = "Cache-Control", example = "no-cache", nullable = false)]
    pub cache_control: Option<String>,
}
