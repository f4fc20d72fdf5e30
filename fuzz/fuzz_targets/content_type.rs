#![no_main]
//! The write routes' body check with any `Content-Type` headers: never a panic; a body is taken
//! only when exactly one `Content-Type` declares JSON (`application/json` or `application/...+json`,
//! parameters aside), and then as sent; `application/json` itself is always taken.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue};
use label_gateway::contract::Code;
use label_gateway::http::routes::body;
use label_gateway::http::state::RequestLimits;
use libfuzzer_sys::fuzz_target;

const MAX_BODY: usize = 512;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    })
}

/// The media type's essence, lower-cased: what must name JSON.
fn essence(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    Some(text.split(';').next()?.trim().to_ascii_lowercase())
}

fuzz_target!(|input: (Vec<Vec<u8>>, Vec<u8>)| {
    let (values, sent) = input;
    let mut headers = HeaderMap::new();
    for value in &values {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(CONTENT_TYPE, value);
        }
    }
    let limits = RequestLimits {
        max_body_bytes: MAX_BODY,
        body_read_timeout: Duration::from_secs(5),
    };
    let read = runtime().block_on(body::json(&headers, Body::from(sent.clone()), limits));
    let declared: Vec<Option<String>> = headers.get_all(CONTENT_TYPE).iter().map(essence).collect();
    let json = match declared.as_slice() {
        [Some(essence)] => essence.split_once('/').is_some_and(|(kind, sub)| {
            kind == "application" && (sub == "json" || sub.ends_with("+json"))
        }),
        _ => false,
    };
    let plainly_json = matches!(declared.as_slice(), [Some(e)] if e == "application/json");
    match read {
        Ok(bytes) => {
            assert!(json, "{declared:?} taken as JSON");
            assert_eq!(bytes.as_ref(), sent.as_slice());
        }
        Err(error) if error.kind == Code::UnsupportedMediaType => {
            assert!(!plainly_json, "{declared:?} refused");
        }
        Err(error) => {
            assert_eq!(error.kind, Code::PayloadTooLarge);
            assert!(sent.len() > MAX_BODY);
        }
    }
});
