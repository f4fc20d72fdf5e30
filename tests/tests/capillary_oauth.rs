//! Capillary tenants that sign in with OAuth (`oauth_key`, `oauth_secret`): one token fetch
//! serves every call waiting for it, the token is replaced before it runs out, and a call
//! refused with it (401) is made once more with a new one, never more.

use std::time::{Duration, Instant};

use futures::future::join_all;
use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::{
    CapillaryConfig, CapillarySim, OAUTH_HEADER, SAMPLE_CUSTOMER, UNLABELLED_CUSTOMER,
};
use serde_json::json;

const KEY: &str = "acme-key";
const OAUTH_KEY: &str = "client-key-7";
const OAUTH_SECRET: &str = "client-secret-7";

/// A simulator whose tokens live `ttl`, and a gateway without a cache in front of it, so that
/// every read is a vendor call.
async fn setup(ttl: Duration, secret: &str) -> (CapillarySim, TestGateway) {
    let config = CapillaryConfig::new("till", "pw")
        .with_oauth(OAUTH_KEY, OAUTH_SECRET)
        .with_token_ttl(ttl);
    let sim = CapillarySim::start_with(config).await.unwrap();
    sim.data.lock().unwrap().synthetic = true;
    let tenant = format!(
        "[tenants.acme]\nprovider = \"capillary\"\nbase_url = \"${{URL}}\"\n\
         oauth_key = \"{OAUTH_KEY}\"\noauth_secret = \"${{SECRET}}\"\napi_keys = [\"{KEY}\"]\n\
         cache_ttl_seconds = 0\nmax_retries = 0\n"
    );
    let vars = [
        ("URL", sim.server.base_url()),
        ("SECRET", secret.to_owned()),
    ];
    let gateway = TestGateway::start(&tenant, &vars).await;
    (sim, gateway)
}

async fn read(gateway: &TestGateway, customer: &str) -> u16 {
    let path = format!("/v1/tenants/acme/customers/{customer}/labels");
    gateway
        .get(&path, KEY)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The calls the simulator received that were not for a token.
fn data_calls(sim: &CapillarySim) -> Vec<label_sim::Recorded> {
    let requests = sim.server.requests().into_iter();
    requests
        .filter(|r| !r.target.starts_with("/v3/oauth"))
        .collect()
}

#[tokio::test]
async fn concurrent_first_calls_share_one_token_fetch() {
    let (sim, gateway) = setup(Duration::from_secs(3600), OAUTH_SECRET).await;
    let customers: Vec<String> = (5_000_001..5_000_021)
        .map(|id: u64| id.to_string())
        .collect();
    let reads = customers.iter().map(|customer| read(&gateway, customer));
    assert_eq!(join_all(reads).await, vec![200; 20]);
    assert_eq!(sim.tokens_issued(), 1);
    let calls = data_calls(&sim);
    assert_eq!(calls.len(), 20);
    for call in calls {
        assert!(call.header(OAUTH_HEADER).is_some_and(|t| !t.is_empty()));
        assert_eq!(
            call.header("authorization"),
            None,
            "no Basic credentials with OAuth"
        );
    }
}

#[tokio::test]
async fn a_refused_token_is_replaced_once_and_the_call_made_again() {
    let (sim, gateway) = setup(Duration::from_secs(3600), OAUTH_SECRET).await;
    assert_eq!(read(&gateway, SAMPLE_CUSTOMER).await, 200);
    sim.expire_tokens();
    assert_eq!(read(&gateway, SAMPLE_CUSTOMER).await, 200);
    assert_eq!(sim.tokens_issued(), 2);
    assert_eq!(
        data_calls(&sim).len(),
        3,
        "the refused call, made once more"
    );
    // A write refused with a dead token was not acted on: it too is made once more.
    sim.expire_tokens();
    let path = format!("/v1/tenants/acme/customers/{UNLABELLED_CUSTOMER}/labels");
    let change = json!({"add": [{"name": "VIP"}]});
    let (status, body) = json(gateway.patch(&path, KEY, change).send().await.unwrap()).await;
    assert_eq!(
        (status, body["results"][0]["status"].as_str()),
        (200, Some("applied")),
        "{body}"
    );
    assert_eq!(sim.tokens_issued(), 3);
    assert_eq!(sim.attached_names(UNLABELLED_CUSTOMER), ["VIP"]);
}

#[tokio::test]
async fn a_token_refused_again_after_its_refresh_is_upstream_auth_failed() {
    // Tokens that are dead when issued: every call is refused, however new its token.
    let (sim, gateway) = setup(Duration::ZERO, OAUTH_SECRET).await;
    let path = format!("/v1/tenants/acme/customers/{SAMPLE_CUSTOMER}/labels");
    let response = gateway.get(&path, KEY).send().await.unwrap();
    let body = expect_problem(response, 502, "upstream_auth_failed").await;
    assert_eq!(body["upstream"]["status"], 401, "{body}");
    assert_eq!(
        (sim.tokens_issued(), data_calls(&sim).len()),
        (2, 2),
        "one refresh, one repeat"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_upstream_auth_failed_and_never_shown() {
    let wrong = "not-the-client-secret";
    let (sim, gateway) = setup(Duration::from_secs(3600), wrong).await;
    let path = format!("/v1/tenants/acme/customers/{SAMPLE_CUSTOMER}/labels");
    let response = gateway.get(&path, KEY).send().await.unwrap();
    let body = expect_problem(response, 502, "upstream_auth_failed").await;
    assert!(!body.to_string().contains(wrong), "{body}");
    assert_eq!(sim.tokens_issued(), 0);
    assert_eq!(
        data_calls(&sim).len(),
        0,
        "no call goes out without a token"
    );
}

#[tokio::test]
async fn a_token_is_replaced_before_it_runs_out() {
    // Tokens live a second; the gateway replaces one after half of that. Calls go on until a
    // second token is issued: had the first been used to its end, a call would have been
    // refused (401) and made again, and the simulator would have seen more calls than made.
    let (sim, gateway) = setup(Duration::from_secs(1), OAUTH_SECRET).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut made = 0;
    while sim.tokens_issued() < 2 {
        assert!(Instant::now() < deadline, "no second token within 10 s");
        assert_eq!(read(&gateway, SAMPLE_CUSTOMER).await, 200);
        made += 1;
    }
    assert_eq!(data_calls(&sim).len(), made, "no call was refused");
    assert!(made > 1);
}
