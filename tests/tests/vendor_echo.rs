//! What a vendor says never carries a tenant's secrets to a client or a log line, never runs
//! long, and never runs the gateway out of memory (README, "Security"). The vendor
//! is a hostile one on loopback (`raw_vendor`): it echoes, in its own error format, every
//! credential it was sent, as sent, decoded and Base64-encoded again.

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use label_gateway_tests::raw_vendor::{Answer, Framing, Head, RawVendor};
use label_gateway_tests::{json, TestGateway};
use md5::{Digest, Md5};
use serde_json::{json, Value};

#[path = "support/trace_logs.rs"]
mod trace_logs;
use trace_logs::{logged, logs};

const CAP_USER: &str = "till_7";
const CAP_PASSWORD: &str = "cap-pw-Zq81xT-echo";
const TRYBE_TOKEN: &str = "trybe-tok-Pw93kd-echo";
const AH_KEY: &str = "ah-key-Lm27vb-echo";
/// Only keeps a broken build from hanging the suite.
const AT_MOST: Duration = Duration::from_secs(20);

/// Three tenants, one per provider, on the one hostile vendor; no cache, no retry, no circuit
/// in the way: every read is one vendor call.
fn config(vendor: &str, server: &str) -> String {
    let common = "cache_ttl_seconds = 0\nmax_retries = 0\ncircuit_failures = 1000";
    format!(
        "[server]\n{server}\n\
         [tenants.echo-cap]\nprovider = \"capillary\"\nbase_url = \"{vendor}\"\n\
         username = \"{CAP_USER}\"\npassword = \"{CAP_PASSWORD}\"\napi_keys = [\"cap-client\"]\n{common}\n\
         [tenants.echo-trybe]\nprovider = \"trybe\"\nbase_url = \"{vendor}\"\n\
         token = \"{TRYBE_TOKEN}\"\napi_keys = [\"trybe-client\"]\n{common}\n\
         [tenants.echo-ah]\nprovider = \"actionhub\"\nbase_url = \"{vendor}\"\n\
         api_key = \"{AH_KEY}\"\nprogram_id = \"prog-42\"\napi_keys = [\"ah-client\"]\n{common}\n"
    )
}

/// `(tenant, client key, path of a customer's labels)`.
const READS: [(&str, &str, &str); 3] = [
    (
        "echo-cap",
        "cap-client",
        "/v1/tenants/echo-cap/customers/564663098/labels",
    ),
    (
        "echo-trybe",
        "trybe-client",
        "/v1/tenants/echo-trybe/customers/0f8fad5b-d9cb-469f-a165-70867728950e/labels",
    ),
    (
        "echo-ah",
        "ah-client",
        "/v1/tenants/echo-ah/customers/user-1/labels",
    ),
];

fn md5_hex(text: &str) -> String {
    hex::encode(Md5::digest(text.as_bytes()))
}

fn base64_forms(text: &str) -> [String; 4] {
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].map(|engine| engine.encode(text))
}

/// Every text that would give a tenant's credentials away: each secret as configured, as sent
/// (the whole header value), its MD5 (Capillary's password), and each of those in Base64.
fn forbidden() -> Vec<String> {
    let md5 = md5_hex(CAP_PASSWORD);
    let credentials = format!("{CAP_USER}:{md5}");
    let basic = format!("Basic {}", STANDARD.encode(&credentials));
    let bearer = format!("Bearer {TRYBE_TOKEN}");
    let plain = [
        CAP_PASSWORD.to_owned(),
        md5.clone(),
        md5.to_uppercase(),
        credentials,
        basic,
        TRYBE_TOKEN.to_owned(),
        bearer,
        AH_KEY.to_owned(),
    ];
    let mut all = plain.to_vec();
    for text in &plain {
        all.extend(base64_forms(text));
    }
    all
}

fn leaked<'a>(text: &str, forbidden: &'a [String]) -> Vec<&'a str> {
    forbidden
        .iter()
        .filter(|secret| text.contains(secret.as_str()))
        .map(String::as_str)
        .collect()
}

/// What the vendor makes of the credentials it got: each header value as sent, decoded (the
/// bearer token; the Basic credential and the MD5 inside it), and each of those in Base64.
fn echo(head: &Head) -> String {
    let mut said = Vec::new();
    for name in ["authorization", "actionhub-key"] {
        let Some(value) = head.header(name) else {
            continue;
        };
        let mut texts = vec![value.to_owned()];
        if let Some(token) = value.strip_prefix("Bearer ") {
            texts.push(token.to_owned());
        }
        if let Some(encoded) = value.strip_prefix("Basic ") {
            let decoded = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
            let (_, md5) = decoded.split_once(':').unwrap();
            texts.push(md5.to_owned());
            texts.push(decoded);
        }
        for text in texts {
            said.push(STANDARD.encode(&text));
            said.push(URL_SAFE_NO_PAD.encode(&text));
            said.push(text);
        }
    }
    format!("invalid credentials: {}", said.join(" / "))
}

/// An error answer in the format of the vendor the request was meant for (told apart by the
/// credentials it carries), with `text` wherever that format has room for vendor text.
fn error_body(head: &Head, status: u16, text: &str) -> Vec<u8> {
    let body = if head.header("actionhub-key").is_some() {
        if status == 422 {
            // FastAPI's validation error, about a header: the gateway's fault, not the client's.
            json!({"detail": [{"loc": ["header", "actionhub-key"], "msg": text, "type": text}]})
        } else {
            json!({ "detail": text })
        }
    } else if head
        .header("authorization")
        .is_some_and(|v| v.starts_with("Bearer"))
    {
        json!({"message": text, "errors": {text: [text]}})
    } else {
        json!({"data": null, "errors": [{"code": text, "message": text}], "warnings": []})
    };
    serde_json::to_vec(&body).unwrap()
}

/// Each tenant's read, with a request id of its own: `(request id, status, body text)`.
async fn read_each(gateway: &TestGateway, tag: &str) -> Vec<(String, u16, String)> {
    let mut answers = Vec::new();
    for (tenant, key, path) in READS {
        let request_id = format!("echo-{tag}-{tenant}");
        let response = gateway
            .get(path, key)
            .header("x-request-id", &request_id)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        answers.push((request_id, status, response.text().await.unwrap()));
    }
    answers
}

#[tokio::test]
async fn vendor_errors_echoing_credentials_reach_neither_the_client_nor_the_logs() {
    logs();
    let forbidden = forbidden();
    for status in [401, 403, 500, 422] {
        let vendor = RawVendor::start(move |head: &Head| {
            Answer::json(status, error_body(head, status, &echo(head)))
        })
        .await;
        let gateway = TestGateway::start(&config(&vendor.base_url, ""), &[]).await;
        for (request_id, answered, body) in read_each(&gateway, &status.to_string()).await {
            let problem: Value = serde_json::from_str(&body).unwrap();
            assert!(answered >= 400, "{status} answered {answered}: {body}");
            assert_eq!(problem["upstream"]["status"], status, "{body}");
            let leaks = leaked(&body, &forbidden);
            assert!(leaks.is_empty(), "{request_id}: {leaks:?} in {body}");
        }
        // The vendor did see (and echo) the credentials: the test is not vacuous.
        let served = vendor.next_served(AT_MOST).await.expect("a vendor call");
        assert!(!leaked(&echo(&served.head), &forbidden).is_empty());
    }
    let logged = logged();
    assert!(
        logged.contains("echo-422-echo-ah"),
        "the logs were captured"
    );
    let leaks = leaked(&logged, &forbidden);
    assert!(leaks.is_empty(), "{leaks:?} logged");
}

#[tokio::test]
async fn vendor_answers_that_do_not_parse_and_echo_credentials_are_scrubbed() {
    logs();
    let forbidden = forbidden();
    // A 200 whose records have the wrong types, the credentials where a value should be: the
    // parser's own message quotes the value it refused.
    let vendor = RawVendor::start(|head: &Head| {
        let said = echo(head);
        let body = if head.header("actionhub-key").is_some() {
            json!({ "labels": said })
        } else if head
            .header("authorization")
            .is_some_and(|v| v.starts_with("Bearer"))
        {
            json!({"data": [{"id": said, "value": 7}]})
        } else {
            json!({"data": [{"labelId": 1, "labelName": "VIP", "deleted": said}], "errors": []})
        };
        Answer::json(200, serde_json::to_vec(&body).unwrap())
    })
    .await;
    let gateway = TestGateway::start(&config(&vendor.base_url, ""), &[]).await;
    for (request_id, status, body) in read_each(&gateway, "unparsed").await {
        let problem: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((status, &problem["code"]), (502, &json!("upstream_error")));
        let leaks = leaked(&body, &forbidden);
        assert!(leaks.is_empty(), "{request_id}: {leaks:?} in {body}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.chars().count() <= 512, "{request_id}: {detail}");
    }
    let leaks = leaked(&logged(), &forbidden);
    assert!(leaks.is_empty(), "{leaks:?} logged");
}

#[tokio::test]
async fn a_10000_character_vendor_message_is_cut_to_256_characters() {
    let long = "x".repeat(10_000);
    for status in [500, 422] {
        let text = long.clone();
        let vendor = RawVendor::start(move |head: &Head| {
            Answer::json(status, error_body(head, status, &text))
        })
        .await;
        let gateway = TestGateway::start(&config(&vendor.base_url, ""), &[]).await;
        for (request_id, _, body) in read_each(&gateway, "long").await {
            let problem: Value = serde_json::from_str(&body).unwrap();
            let upstream = &problem["upstream"];
            let chars = |field: &Value| field.as_str().map_or(0, |text| text.chars().count());
            for field in [&upstream["message"], &upstream["code"]] {
                assert!(chars(field) <= 256, "{request_id} ({status}): {body}");
            }
            // The detail may put a few words of its own around the vendor's cut message.
            assert!(
                chars(&problem["detail"]) <= 256 + 64,
                "{request_id}: {body}"
            );
            assert!(body.len() < 2048, "{request_id}: {} bytes", body.len());
        }
        // Where the vendor's format carries a message (not Capillary's 500), it is kept, cut.
        let ah = gateway.get(READS[2].2, READS[2].1).send().await.unwrap();
        let (_, problem) = json(ah).await;
        let message = problem["upstream"]["message"].as_str().expect("a message");
        assert_eq!(message.chars().count(), 256, "{problem}");
    }
}

/// `{"labels":{"VIP":1}}`, ActionHub's answer, padded with JSON whitespace to `length` bytes.
fn labels_of(length: u64, framing: Framing) -> Answer {
    Answer::padded(200, br#"{"labels":{"VIP":1}}"#, length, framing)
}

#[tokio::test]
async fn vendor_answers_over_max_upstream_body_bytes_are_502_and_not_read_to_the_end() {
    const MAX: u64 = 65_536;
    const HUGE: u64 = 256 * 1024 * 1024;
    let (tenant_path, key) = (READS[2].2, READS[2].1);
    for framing in [Framing::ContentLength, Framing::Chunked] {
        for (length, expected) in [(MAX, 200), (MAX + 1, 502), (HUGE, 502)] {
            let vendor = RawVendor::start(move |_: &Head| labels_of(length, framing)).await;
            let server = format!("max_upstream_body_bytes = {MAX}");
            let gateway = TestGateway::start(&config(&vendor.base_url, &server), &[]).await;
            let response = gateway.get(tenant_path, key).send().await.unwrap();
            let (status, body) = json(response).await;
            let case = format!("{framing:?}, {length} bytes");
            assert_eq!(status, expected, "{case}: {body}");
            if expected == 502 {
                assert_eq!(body["code"], "upstream_error", "{case}: {body}");
            } else {
                assert_eq!(body["labels"][0]["name"], "VIP", "{case}: {body}");
            }
            let served = vendor
                .next_served(AT_MOST)
                .await
                .expect("the vendor's report");
            if length == HUGE {
                // Loopback's socket buffers take a few MB; the gateway took no more than it
                // had to before hanging up.
                assert!(!served.complete, "{case}: the gateway read it all");
                assert!(
                    served.body_sent < HUGE / 8,
                    "{case}: {} sent",
                    served.body_sent
                );
            }
        }
    }
}
