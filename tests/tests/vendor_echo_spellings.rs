//! A hostile vendor on loopback echoes each tenant's credentials in every spelling of the
//! contract (§10, "What vendors say, in any spelling"): other case, percent-encoded, hex (either
//! case), inside a larger Base64 or Base64url blob at each of the three offsets, JSON-escaped,
//! spaced, full-width, and each encoding nested inside another once. None reaches a client, in
//! an error or as a label name in a 200, or a log line at trace level.
//!
//! The customer id of a read tells the vendor which spelling to echo (its digits, less
//! `BASE`), so every request is one spelling and the 256-character cut hides nothing.

use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use label_gateway_tests::raw_vendor::{Answer, Head, RawVendor};
use label_gateway_tests::TestGateway;
use md5::{Digest, Md5};
use serde_json::{json, Value};

#[path = "support/trace_logs.rs"]
mod trace_logs;
use trace_logs::{logged, logs};

const CAP_PASSWORD: &str = "cap-pw-Hy62sQ-spelt";
const TRYBE_TOKEN: &str = "trybe-tok-Ue48mz-spelt";
const AH_KEY: &str = "ah-key-Rb35nc-spelt";
const BASE: u64 = 9_000_000;

fn config(vendor: &str) -> String {
    let common = "cache_ttl_seconds = 0\nmax_retries = 0\ncircuit_failures = 100000";
    format!(
        "[tenants.cap]\nprovider = \"capillary\"\nbase_url = \"{vendor}\"\n\
         username = \"till_9\"\npassword = \"{CAP_PASSWORD}\"\napi_keys = [\"cap-client\"]\n{common}\n\
         [tenants.trybe]\nprovider = \"trybe\"\nbase_url = \"{vendor}\"\n\
         token = \"{TRYBE_TOKEN}\"\napi_keys = [\"trybe-client\"]\n{common}\n\
         [tenants.ah]\nprovider = \"actionhub\"\nbase_url = \"{vendor}\"\n\
         api_key = \"{AH_KEY}\"\nprogram_id = \"prog-42\"\napi_keys = [\"ah-client\"]\n{common}\n"
    )
}

/// A tenant, its client key, its secrets, and the path of customer `n`'s labels.
struct Tenant {
    name: &'static str,
    key: &'static str,
    secrets: Vec<String>,
}

impl Tenant {
    fn path(&self, n: usize) -> String {
        let id = BASE + n as u64;
        let customer = match self.name {
            "trybe" => format!("0f8fad5b-d9cb-469f-a165-{id:012}"),
            "ah" => format!("user-{id}"),
            _ => id.to_string(),
        };
        format!("/v1/tenants/{}/customers/{customer}/labels", self.name)
    }
}

fn tenants() -> [Tenant; 3] {
    let md5 = hex::encode(Md5::digest(CAP_PASSWORD.as_bytes()));
    [
        Tenant {
            name: "cap",
            key: "cap-client",
            secrets: vec![CAP_PASSWORD.into(), md5],
        },
        Tenant {
            name: "trybe",
            key: "trybe-client",
            secrets: vec![TRYBE_TOKEN.into()],
        },
        Tenant {
            name: "ah",
            key: "ah-client",
            secrets: vec![AH_KEY.into()],
        },
    ]
}

/// The encodings that nest: each of a text's bytes as `%XX`, hex, `\uXXXX`, and the text inside
/// a larger Base64 (or Base64url) blob 0, 1 or 2 bytes in.
fn encodings(text: &str) -> Vec<String> {
    let blob = |at: usize| [&b"xyz"[..at], text.as_bytes(), b"!tail"].concat();
    vec![
        text.bytes().map(|b| format!("%{b:02X}")).collect(),
        text.bytes().map(|b| format!("%{b:02x}")).collect(),
        hex::encode(text),
        hex::encode_upper(text),
        text.chars()
            .map(|c| format!("\\u{:04X}", c as u32))
            .collect(),
        STANDARD.encode(blob(0)),
        STANDARD.encode(blob(1)),
        STANDARD.encode(blob(2)),
        URL_SAFE_NO_PAD.encode(blob(1)),
        URL_SAFE_NO_PAD.encode(blob(2)),
    ]
}

/// Every spelling of `secret` the vendor echoes.
fn spellings(secret: &str) -> Vec<String> {
    let full_width: String = secret
        .chars()
        .map(|c| {
            char::from_u32(c as u32 + 0xFEE0)
                .filter(|_| c.is_ascii_graphic())
                .unwrap_or(c)
        })
        .collect();
    let spaced: Vec<String> = secret.chars().map(String::from).collect();
    let mut all = vec![
        secret.to_owned(),
        secret.to_uppercase(),
        secret.to_lowercase(),
        spaced.join(" "),
        full_width,
    ];
    for once in encodings(secret) {
        all.extend(encodings(&once));
        all.push(once);
    }
    all
}

/// `(tenant, spelling)` of each request, in order.
fn cases() -> Vec<(usize, String)> {
    let mut cases = Vec::new();
    for (t, tenant) in tenants().iter().enumerate() {
        for secret in &tenant.secrets {
            cases.extend(spellings(secret).into_iter().map(|spelt| (t, spelt)));
        }
    }
    cases
}

/// The spelling customer `n` of the request asks for: the last run of digits in its path.
fn spelling_for(head: &Head, cases: &[(usize, String)]) -> String {
    let path = head.request_line.split(['?', ' ']).nth(1).unwrap_or("");
    let digits: String = path
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|d| d.len() >= 7)
        .unwrap()
        .into();
    cases[(digits.parse::<u64>().unwrap() - BASE) as usize]
        .1
        .clone()
}

/// Which of the three vendors a request is for, from the credential it carries.
fn vendor_of(head: &Head) -> &'static str {
    match head.header("authorization") {
        _ if head.header("actionhub-key").is_some() => "ah",
        Some(auth) if auth.starts_with("Bearer") => "trybe",
        _ => "cap",
    }
}

/// A refusal quoting `text`: a 401 from Trybe and ActionHub; from Capillary, whose 401 body the
/// gateway does not read, a 200 with an error of its own.
fn refusal(head: &Head, text: &str) -> Answer {
    let (status, body) = match vendor_of(head) {
        "ah" => (401, json!({ "detail": text })),
        "trybe" => (401, json!({ "message": text })),
        _ => (
            200,
            json!({"data": null, "errors": [{"code": 9999, "message": text}], "warnings": []}),
        ),
    };
    Answer::json(status, serde_json::to_vec(&body).unwrap())
}

/// A 200 with the customer's labels: `VIP` and one named `text`.
fn labels_body(head: &Head, text: &str) -> Vec<u8> {
    let body = match vendor_of(head) {
        "ah" => json!({ "labels": { "VIP": 1, text: 2 } }),
        "trybe" => json!({"data": [
            {"id": "5b6a2e8c-0d2c-4f7e-9a51-0e2a8f5c4d11", "value": "VIP"},
            {"id": "6c7b3f9d-1e3d-4a8f-8b62-1f3b9a6d5e22", "value": text}]}),
        _ => json!({"data": [
            {"labelId": 1, "labelName": "VIP", "deleted": false},
            {"labelId": 2, "labelName": text, "deleted": false}], "errors": []}),
    };
    serde_json::to_vec(&body).unwrap()
}

/// What a client or a log must never show: each spelling the vendor echoed, and each secret
/// in any ASCII case.
fn leaks(text: &str, spelt: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut leaks: Vec<String> = tenants()
        .iter()
        .flat_map(|t| t.secrets.clone())
        .filter(|secret| lower.contains(&secret.to_lowercase()))
        .collect();
    let escaped = json!(spelt).to_string();
    if text.contains(spelt) || text.contains(escaped.trim_matches('"')) {
        leaks.push(spelt.to_owned());
    }
    leaks
}

/// Reads every case from a vendor that answers each with `answer(head, spelling)`; checks
/// each answer with `check`.
async fn read_every_case(
    answer: fn(&Head, &str) -> Answer,
    check: impl Fn(&str, u16, &Value),
) -> usize {
    let cases = Arc::new(cases());
    let echoed = cases.clone();
    let vendor =
        RawVendor::start(move |head: &Head| answer(head, &spelling_for(head, &echoed))).await;
    let gateway = TestGateway::start(&config(&vendor.base_url), &[]).await;
    let tenants = tenants();
    for (n, (t, spelt)) in cases.iter().enumerate() {
        let tenant = &tenants[*t];
        let response = gateway
            .get(&tenant.path(n), tenant.key)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        let leaks = leaks(&body, spelt);
        assert!(
            leaks.is_empty(),
            "case {n} ({}): {leaks:?} in {body}",
            tenant.name
        );
        check(spelt, status, &serde_json::from_str(&body).unwrap());
    }
    cases.len()
}

#[tokio::test]
async fn no_spelling_of_a_credential_reaches_a_client_in_an_error_or_a_log() {
    logs();
    let count = read_every_case(
        |head, spelt| refusal(head, &format!("bad credential {spelt}")),
        |spelt, status, problem| {
            assert_eq!(status, 502, "{problem}");
            let message = problem["upstream"]["message"].as_str().unwrap_or_default();
            assert!(message.contains("[redacted]"), "{spelt}: {problem}");
        },
    )
    .await;
    assert!(count > 400, "{count} spellings");
    let logged = logged();
    assert!(logged.contains("vendor_http"), "the logs were captured");
    // One pass for the secrets in any case, then each spelling as echoed.
    let leaks = leaks(&logged, "");
    assert_eq!(leaks, [""], "logged");
    for (_, spelt) in cases() {
        assert!(!logged.contains(&spelt), "{spelt} logged");
    }
}

#[tokio::test]
async fn no_spelling_of_a_credential_comes_back_as_a_label_name_in_a_200() {
    let count = read_every_case(
        |head, spelt| Answer::json(200, labels_body(head, &format!("promo {spelt}"))),
        |spelt, status, answer| {
            assert_eq!(status, 200, "{spelt}: {answer}");
            let names: Vec<&str> = answer["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["name"].as_str().unwrap())
                .collect();
            assert!(
                names.contains(&"VIP"),
                "other labels are left alone: {names:?}"
            );
            assert!(
                names.iter().any(|n| n.contains("[redacted]")),
                "{spelt}: {names:?}"
            );
        },
    )
    .await;
    assert!(count > 400, "{count} spellings");
}
