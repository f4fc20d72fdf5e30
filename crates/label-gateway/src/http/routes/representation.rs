//! A label list as the API answers it: the JSON body written around the list's kept encoding,
//! a strong `ETag`, `Cache-Status` (RFC 9211) and `Age`; a matching `If-None-Match` gets 304.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use label_core::{Encoded, Source};

/// RFC 9211. Built once: a header named by a string is parsed and checked on every use.
const CACHE_STATUS: HeaderName = HeaderName::from_static("cache-status");

/// The `If-None-Match` tags of a request, kept for an answer that comes later.
#[derive(Debug, Clone, Default)]
pub struct Conditional(Vec<HeaderValue>);

impl Conditional {
    pub fn of(request: &HeaderMap) -> Self {
        Self(
            request
                .get_all(header::IF_NONE_MATCH)
                .iter()
                .cloned()
                .collect(),
        )
    }

    /// RFC 9110 §13.1.2: `*` or any listed tag, compared weakly.
    fn matches(&self, etag: &[u8]) -> bool {
        self.0
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag.as_bytes() == etag)
    }
}

/// A JSON object's fields before its `"labels"`, written the way serde would write them.
pub struct Fields<'a>(pub &'a [(&'static str, &'a str)]);

/// `{<fields>,"labels":<the list's JSON>}`, the same bytes serde writes for the response types
/// of `crate::http::api` (a test holds them to it), without serializing the labels again.
pub fn body(fields: Fields<'_>, labels: &Encoded) -> Vec<u8> {
    let mut body = Vec::with_capacity(96 + labels.json().len());
    body.push(b'{');
    for (name, value) in fields.0 {
        body.push(b'"');
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"\":");
        write_string(&mut body, value);
        body.push(b',');
    }
    body.extend_from_slice(b"\"labels\":");
    body.extend_from_slice(labels.json().as_bytes());
    body.push(b'}');
    body
}

/// A JSON string: copied as it is when nothing in it needs escaping (tenant ids, provider names,
/// most customer ids), else escaped by serde.
fn write_string(body: &mut Vec<u8>, value: &str) {
    let plain = value
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b < 0x7f);
    if plain {
        body.push(b'"');
        body.extend_from_slice(value.as_bytes());
        body.push(b'"');
    } else {
        // A string always serializes.
        let _ = serde_json::to_writer(body, value);
    }
}

/// A strong validator: `"`, 8 hex digits of the tenant's salt, 32 of the list's digest, `"`.
pub type Etag = [u8; 42];

/// The strong validator of an answer: the list's digest behind a salt that stands for the
/// rest of the body (the tenant and provider), so that no other answer of the same resource
/// shares it. Both are hex already: nothing is formatted per answer.
pub fn etag(labels: &Encoded, salt: &[u8; 8]) -> Etag {
    let mut tag = [b'"'; 42];
    tag[1..9].copy_from_slice(salt);
    tag[9..41].copy_from_slice(labels.digest());
    tag
}

/// A `200` with `body`, or a `304` when the request's tags match.
pub fn respond(body: Vec<u8>, etag: Etag, source: Source, conditional: &Conditional) -> Response {
    let not_modified = conditional.matches(&etag);
    let mut response = match not_modified {
        true => StatusCode::NOT_MODIFIED.into_response(),
        false => Body::from(body).into_response(),
    };
    // One allocation for every header the answer will carry (these, the request id, a limited
    // key's two `RateLimit` headers): a map grown header by header allocates again past six.
    *response.headers_mut() = HeaderMap::with_capacity(ANSWER_HEADERS);
    let headers = response.headers_mut();
    if !not_modified {
        let json = HeaderValue::from_static("application/json");
        headers.insert(header::CONTENT_TYPE, json);
    }
    let etag = HeaderValue::from_bytes(&etag).expect("quotes and hex digits");
    headers.insert(header::ETAG, etag);
    add_cache_headers(&mut response, Some(source));
    response
}

/// The most headers a cached read's answer carries before hyper writes its own.
const ANSWER_HEADERS: usize = 8;

/// RFC 9211 `Cache-Status`, and `Age` for an answer from the cache. Without a cache in the way
/// (the tenant's TTL is 0) the request bypassed it.
pub fn add_cache_headers(response: &mut Response, source: Option<Source>) {
    let (status, age) = match source.unwrap_or(Source::Vendor) {
        Source::Vendor => ("label-gateway; fwd=bypass", None),
        Source::Stored => ("label-gateway; fwd=miss", None),
        Source::Shared => ("label-gateway; fwd=miss; collapsed", None),
        Source::Refreshed => ("label-gateway; fwd=request", None),
        Source::Kept { age } => ("label-gateway; hit", Some(age)),
        Source::Stale { age } => ("label-gateway; hit; detail=stale", Some(age)),
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_STATUS, HeaderValue::from_static(status));
    if let Some(age) = age {
        headers.insert(header::AGE, HeaderValue::from(age));
    }
}

/// `Cache-Control: no-cache` from the client: answer from the vendor and refresh the cache.
pub fn wants_fresh(request: &HeaderMap) -> bool {
    request
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|directive| {
            let directive = directive.trim();
            directive.eq_ignore_ascii_case("no-cache") || directive.eq_ignore_ascii_case("no-store")
        })
}

#[cfg(test)]
mod tests {
    use label_core::{Label, LabelList};

    use super::*;
    use crate::http::api::CustomerLabelsResponse;

    #[test]
    fn the_body_is_what_serde_writes_for_the_documented_type() {
        let labels: LabelList = vec![
            Label {
                id: "20942".into(),
                name: Some("Premium \"Customer\"\n".into()),
                weight: Some(0.1 + 0.2),
                raw: Some(serde_json::json!({"deleted": false, "x": [1, "é"]})),
            },
            Label {
                id: "x".into(),
                name: None,
                weight: None,
                raw: None,
            },
        ]
        .into();
        for customer in ["564663098", "a/\"b\"\u{7}\\c"] {
            let written = body(
                Fields(&[
                    ("tenant", "acme"),
                    ("customer_id", customer),
                    ("provider", "capillary"),
                ]),
                labels.compact().encoded(),
            );
            let serde = serde_json::to_vec(&CustomerLabelsResponse {
                tenant: "acme",
                customer_id: customer,
                provider: "capillary",
                labels: &labels,
            })
            .unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(serde).unwrap()
            );
        }
    }

    #[test]
    fn etags_differ_with_the_labels_and_the_salt() {
        let one: LabelList = vec![].into();
        let two: LabelList = vec![Label {
            id: "1".into(),
            name: None,
            weight: None,
            raw: None,
        }]
        .into();
        let (salt, other_salt) = (*b"0123abcd", *b"0123abce");
        let a = etag(one.encoded(), &salt);
        assert_eq!(a, etag(one.compact().encoded(), &salt));
        assert_ne!(a, etag(two.encoded(), &salt));
        assert_ne!(a, etag(one.encoded(), &other_salt));
        assert!(Conditional(vec![HeaderValue::from_bytes(&a).unwrap()]).matches(&a));
    }
}
