//! The answers of a cached read (a customer's labels, the catalog), said once for each
//! operation that documents [`NotModified`]: the 304 of a matching `If-None-Match`, and the
//! validator and cache headers its 200 carries (added by the decorations).

use std::collections::BTreeMap;

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::Operation;
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, PartialSchema};

/// 304: the `If-None-Match` tag still matches (RFC 9110 §13.1.2), answered with no body.
pub struct NotModified;

impl IntoResponses for NotModified {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let response = ResponseBuilder::new()
            .description("Not modified: the `If-None-Match` tag still matches")
            .header("ETag", header::<String>(None))
            .header("Cache-Status", header::<String>(None))
            .build();
        BTreeMap::from([("304".to_owned(), response.into())])
    }
}

/// The 200's `ETag`, `Cache-Status` (RFC 9211) and `Age`, on an operation that documents a 304.
pub(super) fn add_ok_headers(operation: &mut Operation) {
    let responses = &mut operation.responses.responses;
    if !responses.contains_key("304") {
        return;
    }
    let Some(RefOr::T(ok)) = responses.get_mut("200") else {
        return;
    };
    let headers = [
        (
            "ETag",
            header::<String>(Some("Strong validator of the body")),
        ),
        (
            "Cache-Status",
            header::<String>(Some(
                "RFC 9211: `label-gateway; hit`, `label-gateway; fwd=miss`, `fwd=request` after \
                 `Cache-Control: no-cache`, `hit; detail=stale` when the vendor failed",
            )),
        ),
        (
            "Age",
            header::<u64>(Some(
                "Seconds since the answer was fetched from the vendor; on hits only",
            )),
        ),
    ];
    for (name, header) in headers {
        ok.headers.insert(name.to_owned(), header);
    }
}

fn header<T: PartialSchema>(description: Option<&str>) -> Header {
    HeaderBuilder::new()
        .schema(T::schema())
        .description(description)
        .build()
}
