//! The forms of the ids the API names, each a type that carries its pattern and lengths once,
//! for every path parameter, body and answer that holds one (the engine's answers included).
//! The forms are the checks the gateway makes before any vendor call.

use serde::Deserialize;
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

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

path_parameter!(
    /// A path below the tenant's vendor base URL, sent raw (not percent-encoded, `/` and all):
    /// segments of RFC 3986 path characters, none empty, none a dot segment, no encoded `/`,
    /// `\` or `%`. At most 1024 characters, so that it fits a request head in any encoding.
    VendorPathParam: Some(r"^(?!(.*/)?\.\.?(/|$))[A-Za-z0-9._~!$&'()*+,;=:@%-]+(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$"), 1..=1024
);
