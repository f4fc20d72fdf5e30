//! The path parameters of the v1 API, documented once: their patterns are the checks the
//! gateway makes before any vendor call.

use utoipa::IntoParams;

/// `/v1/tenants/{tenant}...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only: handlers read the path through `TenantAccess`
pub struct TenantPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(
        pattern = "^[a-z0-9][a-z0-9_-]{0,62}$",
        min_length = 1,
        max_length = 63,
        example = "acme"
    )]
    pub tenant: String,
}

/// `/v1/tenants/{tenant}/customers/{customer_id}...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only
pub struct CustomerPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(
        pattern = "^[a-z0-9][a-z0-9_-]{0,62}$",
        min_length = 1,
        max_length = 63,
        example = "acme"
    )]
    pub tenant: String,
    /// The customer's id at the tenant's vendor, in its provider's format.
    // Its description (each provider's format, read from the providers' capabilities) and its
    // named examples, one per demo tenant, are added in `openapi::finish`.
    #[param(
        min_length = 1,
        max_length = 256,
        pattern = r"^(?!\.\.?$)[^\u0000-\u001F\u007F-\u009F]+$"
    )]
    pub customer_id: String,
}

/// The request headers of the cached reads (RFC 9110 conditional requests, RFC 9111 no-cache).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documentation only: handlers read the `HeaderMap`
pub struct CacheHeaders {
    /// `ETag`s from earlier answers, or `*`: while one still matches, 304 with no body.
    // The example matches nothing, so that "Try it out" shows a body.
    #[param(
        rename = "If-None-Match",
        example = r#""0123456789abcdef0123456789abcdef""#,
        nullable = false
    )]
    pub if_none_match: Option<String>,
    /// `no-cache` (or `no-store`): answer from the vendor rather than the cache, and refresh it.
    #[param(rename = "Cache-Control", example = "no-cache", nullable = false)]
    pub cache_control: Option<String>,
}

/// `/v1/tenants/{tenant}/labels/{label_id}...`
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only
pub struct LabelPath {
    /// The tenant's id, as configured; the api key must be one of this tenant's.
    #[param(pattern = "^[a-z0-9][a-z0-9_-]{0,62}$", example = "acme")]
    pub tenant: String,
    /// The label's id in the tenant's catalog (`id` of `listCatalogLabels`): Capillary's
    /// `labelId`, a Trybe UUID (any case). An id the catalog lacks is 404 `label_not_found`.
    // Its named examples, one per provider, are added in `openapi::finish`.
    #[param(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]+$"
    )]
    pub label_id: String,
}
