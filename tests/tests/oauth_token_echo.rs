//! Every OAuth token the gateway obtained is kept out of vendor text for its whole lifetime
//! (contract §10), not only the latest few: a Capillary on loopback refuses token after token,
//! then quotes the first one, in an error and as a label name in a 200.

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use label_gateway_tests::raw_vendor::{Answer, Head, RawVendor};
use label_gateway_tests::{json, TestGateway};
use serde_json::json;

const KEY: &str = "client-tok-Jm4";
/// Refused with every token: each read makes the gateway fetch one more.
const REFUSING: &str = "11111111";
/// Answers with Capillary's own error, quoting the first token.
const QUOTING_ERROR: &str = "22222222";
/// Answers 200, the first token as a label name.
const QUOTING_LABEL: &str = "33333333";

/// The tokens issued so far, oldest first.
type Issued = Arc<Mutex<Vec<String>>>;

fn answer(head: &Head, issued: &Issued) -> Answer {
    let mut issued = issued.lock().unwrap();
    let reply = |body: serde_json::Value| serde_json::to_vec(&body).unwrap();
    if head
        .request_line
        .starts_with("POST /v3/oauth/token/generate")
    {
        let token = format!("cap-oauth-token-{:02}-Wd7qLmXs", issued.len() + 1);
        issued.push(token.clone());
        let data = json!({"accessToken": token, "ttlSeconds": 3600});
        return Answer::json(200, reply(json!({"data": data, "errors": []})));
    }
    let first = issued.first().cloned().unwrap_or_default();
    let quoted = format!(
        "{first} / {} / {}",
        first.to_uppercase(),
        STANDARD.encode(&first)
    );
    if head.request_line.contains(REFUSING) {
        Answer::json(
            401,
            reply(json!({"errors": [{"code": 401, "message": "expired"}]})),
        )
    } else if head.request_line.contains(QUOTING_ERROR) {
        let problem = json!({"code": 9999, "message": format!("token {quoted} is old")});
        Answer::json(200, reply(json!({"data": null, "errors": [problem]})))
    } else {
        let label = json!({"labelId": 7, "labelName": quoted, "deleted": false});
        Answer::json(200, reply(json!({"data": [label], "errors": []})))
    }
}

#[tokio::test]
async fn the_first_token_is_scrubbed_after_six_newer_ones_were_issued() {
    let issued = Issued::default();
    let tokens = issued.clone();
    let vendor = RawVendor::start(move |head: &Head| answer(head, &tokens)).await;
    let config = format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"{}\"\n\
         oauth_key = \"oauth-key-Gh72\"\noauth_secret = \"oauth-secret-Pz19\"\n\
         api_keys = [\"{KEY}\"]\ncache_ttl_seconds = 0\nmax_retries = 0\ncircuit_failures = 1000\n",
        vendor.base_url
    );
    let gateway = TestGateway::start(&config, &[]).await;
    let path = |customer: &str| format!("/v1/tenants/acme/customers/{customer}/labels");
    for _ in 0..6 {
        let (status, problem) = json(gateway.get(&path(REFUSING), KEY).send().await.unwrap()).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (502, Some("upstream_auth_failed"))
        );
    }
    let issued = issued.lock().unwrap().clone();
    assert!(
        issued.len() >= 6,
        "six newer tokens than the first: {issued:?}"
    );
    let first = &issued[0];

    let (status, problem) =
        json(gateway.get(&path(QUOTING_ERROR), KEY).send().await.unwrap()).await;
    assert_eq!(status, 502, "{problem}");
    let message = problem["upstream"]["message"].as_str().unwrap();
    assert_eq!(message, "token [redacted] / [redacted] / [redacted] is old");
    assert!(!problem.to_string().contains(first.as_str()), "{problem}");

    let (status, answer) = json(gateway.get(&path(QUOTING_LABEL), KEY).send().await.unwrap()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["labels"][0]["name"],
        "[redacted] / [redacted] / [redacted]"
    );
}
