//! `RateLimit-Policy` and `RateLimit` on every answer of an operation that takes a key: a
//! limited key's answers carry both (CONTRACT §12), whatever their status; an unlimited key's
//! carry neither.

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::{ObjectBuilder, OpenApi, RefOr, Type};

use super::walk::operations;

/// The draft's structured-field form, as the gateway writes it.
const POLICY_PATTERN: &str = r#"^"default";q=[0-9]{1,7};w=[0-9]{1,12}$"#;
const LIMIT_PATTERN: &str = r#"^"default";r=[0-9]{1,7};t=[0-9]{1,12}$"#;

fn header(pattern: &str, example: &str, description: &str) -> Header {
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .max_length(Some(64))
        .examples([example]);
    HeaderBuilder::new()
        .schema(schema)
        .description(Some(description))
        .build()
}

/// Adds both headers to each response of every `/v1` operation.
pub fn add(openapi: &mut OpenApi) {
    let policy = header(
        POLICY_PATTERN,
        r#""default";q=100;w=2"#,
        "Only for an api key with a limit (IETF httpapi RateLimit header fields draft): `q` \
         requests at once (the key's `burst`), refilled over `w` seconds (burst / \
         requests_per_second, rounded up)",
    );
    let limit = header(
        LIMIT_PATTERN,
        r#""default";r=99;t=1"#,
        "Only for an api key with a limit: `r` requests the key may still send at once, `t` \
         seconds until it may send `q` again; every request counts, cache hits included",
    );
    for (path, item) in openapi.paths.paths.iter_mut() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for operation in operations(item) {
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    response
                        .headers
                        .insert("RateLimit-Policy".to_owned(), policy.clone());
                    response
                        .headers
                        .insert("RateLimit".to_owned(), limit.clone());
                }
            }
        }
    }
}
