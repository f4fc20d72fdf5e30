//! Capillary's OAuth in the simulator: a token from `/v3/oauth/token/generate` opens every v2
//! endpoint through `X-CAP-API-OAUTH-TOKEN`; an expired or unknown token gets 401; Basic
//! credentials keep working; token generations are counted.

use std::time::{Duration, Instant};

use label_sim::capillary::{
    basic_authorization, CapillaryConfig, CapillarySim, DEMO_OAUTH_KEY, DEMO_OAUTH_SECRET,
    MAX_TOKEN_TTL, OAUTH_HEADER, SAMPLE_CUSTOMER,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn generate(sim: &CapillarySim, key: &str, secret: &str) -> (StatusCode, Value) {
    let url = format!("{}/v3/oauth/token/generate", sim.server.base_url());
    let body = json!({"key": key, "secret": secret});
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn token(sim: &CapillarySim) -> String {
    let (status, body) = generate(sim, DEMO_OAUTH_KEY, DEMO_OAUTH_SECRET).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["accessToken"].as_str().unwrap().to_owned()
}

/// A GET of the sample customer's labels with these headers.
async fn labels_with(sim: &CapillarySim, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let url = format!(
        "{}/v2/customers/{SAMPLE_CUSTOMER}/labels",
        sim.server.base_url()
    );
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_token_opens_every_v2_endpoint_and_basic_still_works() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let token = token(&sim).await;
    let (status, body) = labels_with(&sim, &[(OAUTH_HEADER, &token)]).await;
    assert_eq!(
        (status, body["data"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(5))
    );
    let client = reqwest::Client::new();
    let base = sim.server.base_url();
    let item = json!({"entityId": SAMPLE_CUSTOMER, "labelName": "VIP"});
    let assign = json!({"entityType": "CUSTOMER", "assignments": [item]});
    let calls = [
        client.get(format!("{base}/v2/organization/labels")),
        client.get(format!("{base}/v2/customers/labels/search?q=VIP")),
        client.get(format!("{base}/v2/labels?entityType=CUSTOMER")),
        client
            .post(format!("{base}/v2/labels/assignments"))
            .json(&assign),
        client.get(format!(
            "{base}/v2/labels/assignments?entityType=CUSTOMER&entityIds=1"
        )),
    ];
    for request in calls {
        let response = request.header(OAUTH_HEADER, &token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{:?}", response.url().path());
    }
    let basic = basic_authorization("u", "p");
    assert_eq!(labels_with(&sim, &[("authorization", &basic)]).await.0, 200);
    assert_eq!(sim.tokens_issued(), 1);
}

#[tokio::test]
async fn unknown_expired_and_missing_credentials_get_401_in_capillarys_envelope() {
    let sim = CapillarySim::start("u", "p").await.unwrap();
    let (status, body) = labels_with(&sim, &[(OAUTH_HEADER, "made-up")]).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"status": {"success": false, "code": 401, "message": "Invalid token"}})
    );
    let token = token(&sim).await;
    sim.expire_tokens();
    let basic = basic_authorization("u", "p");
    // The token header is what counts once it is there, even beside good Basic credentials.
    let (status, body) =
        labels_with(&sim, &[(OAUTH_HEADER, &token), ("authorization", &basic)]).await;
    assert_eq!(
        (status, &body["status"]["message"]),
        (StatusCode::UNAUTHORIZED, &json!("Token expired"))
    );
    let fresh = self::token(&sim).await;
    assert_ne!(fresh, token);
    assert_eq!(labels_with(&sim, &[(OAUTH_HEADER, &fresh)]).await.0, 200);
    assert_eq!(labels_with(&sim, &[]).await.0, 401);
    assert_eq!(sim.tokens_issued(), 2);
}

#[tokio::test]
async fn wrong_client_credentials_get_no_token() {
    let config = CapillaryConfig::new("u", "p").with_oauth("client-7", "hush");
    let sim = CapillarySim::start_with(config).await.unwrap();
    let (status, _) = generate(&sim, DEMO_OAUTH_KEY, DEMO_OAUTH_SECRET).await;
    assert_eq!(status, 401);
    let (status, body) = generate(&sim, "client-7", "hush").await;
    assert_eq!(
        (status, body["data"]["ttlSeconds"].clone()),
        (StatusCode::OK, json!(3600))
    );
    let url = format!("{}/v3/oauth/token/generate", sim.server.base_url());
    let response = reqwest::Client::new()
        .post(url)
        .body("key=client-7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        sim.tokens_issued(),
        1,
        "only a successful generation counts"
    );
}

#[tokio::test]
async fn a_token_stops_working_when_its_ttl_runs_out() {
    let config = CapillaryConfig::new("u", "p").with_token_ttl(Duration::from_millis(300));
    let sim = CapillarySim::start_with(config).await.unwrap();
    let (_, body) = generate(&sim, DEMO_OAUTH_KEY, DEMO_OAUTH_SECRET).await;
    assert_eq!(
        body["data"]["ttlSeconds"],
        json!(1),
        "whole seconds, rounded up"
    );
    let token = body["data"]["accessToken"].as_str().unwrap().to_owned();
    let issued = Instant::now();
    assert_eq!(labels_with(&sim, &[(OAUTH_HEADER, &token)]).await.0, 200);
    // Poll until the token is refused, within a bounded wait.
    let refused = loop {
        let (status, _) = labels_with(&sim, &[(OAUTH_HEADER, &token)]).await;
        if status == 401 || issued.elapsed() > Duration::from_secs(5) {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(refused, 401);
    assert!(issued.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_ttl_beyond_an_hour_is_cut_to_the_vendors_maximum() {
    let config = CapillaryConfig::new("u", "p").with_token_ttl(MAX_TOKEN_TTL * 5);
    let sim = CapillarySim::start_with(config).await.unwrap();
    let (_, body) = generate(&sim, DEMO_OAUTH_KEY, DEMO_OAUTH_SECRET).await;
    assert_eq!(body["data"]["ttlSeconds"], json!(3600));
}
