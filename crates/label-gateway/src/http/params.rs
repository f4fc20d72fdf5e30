//! The parameters of the v1 API. Each path parameter is a type that carries its form (pattern
//! and lengths) once, for every operation and body that names it; the structs below are what
//! the routes extract and document. The forms are the checks the gateway makes before any
//! vendor call.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

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

/// A string of this form: the OWASP-style limits every string the gateway limits carries.
fn text(pattern: Option<&str>, min_length: usize, max_length: usize) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .min_length(Some(min_length))
        .max_length(Some(max_length))
        .into()
}

/// The same form with an example: for the bodies' fields that carry a parameter's value.
// `example`, not `examples`: what the derive's `#[schema(example = …)]` writes, so that these
// fields read as the others do.
#[allow(deprecated)]
fn text_example(
    pattern: Option<&str>,
    min_length: usize,
    max_length: usize,
    example: &str,
) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .min_length(Some(min_length))
        .max_length(Some(max_length))
        .example(Some(example.into()))
}

/// A path parameter's type, with its form: a pattern, the shortest and the longest. Its schema
/// is written by hand: utoipa's derive takes a pattern but no lengths on a newtype.
macro_rules! path_parameter {
    ($(#[$meta:meta])* $name:ident: $pattern:expr, $min:literal..=$max:literal $(, $example:literal)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                text($pattern, $min, $max)
            }
        }

        impl ToSchema for $name {}

        $(
            impl $name {
                /// The form of a body's field that holds this value (`schema_with`).
                pub fn field() -> ObjectBuilder {
                    text_example($pattern, $min, $max, $example)
                }
            }
        )?
    };
}

path_parameter!(
    /// A tenant's id, as configured: lower-case letters, digits, `_` and `-`.
    TenantId: Some("^[a-z0-9][a-z0-9_-]{0,62}$"), 1..=63, "acme"
);
path_parameter!(
    /// A customer's id at the tenant's vendor: no control characters, not `.` or `..`. Each
    /// provider's own format is checked by `label_core::CustomerId`.
    CustomerIdParam: Some(r"^(?!\.\.?$)[^\u0000-\u001F\u007F-\u009F]+$"), 1..=256, "564663098"
);
path_parameter!(
    /// A label's id in the tenant's catalog: no control characters.
    LabelIdParam: Some(r"^[^\u0000-\u001F\u007F-\u009F]+$"), 1..=255
);
path_parameter!(
    /// A job's id: a UUID, in any case (an id of another form is no job: 404).
    JobIdParam: Some("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"), 36..=36
);
path_parameter!(
    /// An event's id: `evt_` and a UUIDv7 (an id of another form is no event: 404).
    EventIdParam: Some("^evt_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"), 40..=40
);

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

path_parameter!(
    /// A path below the tenant's vendor base URL, sent raw (not percent-encoded, `/` and all):
    /// segments of RFC 3986 path characters, none empty, none a dot segment, no encoded `/`,
    /// `\` or `%`. At most 1024 characters, so that it fits a request head in any encoding.
    VendorPathParam: Some(r"^(?!(.*/)?\.\.?(/|$))[A-Za-z0-9._~!$&'()*+,;=:@%-]+(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$"), 1..=1024
);

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
