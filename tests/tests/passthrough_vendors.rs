//! Passthrough against the vendors' simulators, over real HTTP both ways: per vendor one
//! allowed read and one write, with the gateway's credentials (Capillary Basic and OAuth, Trybe
//! Bearer, ActionHub headers), the vendor's answer back as it is, and `invalidate = "tenant"`
//! dropping a kept read. The simulators learn nothing new: these are their existing routes.

use label_gateway_tests::TestGateway;
use label_sim::actionhub::{self, ActionHubSim};
use label_sim::capillary::{self, CapillaryConfig, CapillarySim};
use label_sim::trybe::{self, TrybeSim};
use reqwest::Method;
use serde_json::{json, Value};

const CAP_USER: &str = "till_pt";
const CAP_PASSWORD: &str = "cap-pw-passthrough";
const OAUTH_KEY: &str = "oauth-key-pt";
const OAUTH_SECRET: &str = "oauth-secret-pt";
const TRYBE_TOKEN: &str = "trybe-token-pt";
const AH_KEY: &str = "ah-key-passthrough";

struct Vendors {
    capillary: CapillarySim,
    oauth: CapillarySim,
    trybe: TrybeSim,
    actionhub: ActionHubSim,
    gateway: TestGateway,
}

async fn vendors() -> Vendors {
    let capillary = CapillarySim::start(CAP_USER, CAP_PASSWORD).await.unwrap();
    let oauth = CapillarySim::start_with(
        CapillaryConfig::new(CAP_USER, CAP_PASSWORD).with_oauth(OAUTH_KEY, OAUTH_SECRET),
    )
    .await
    .unwrap();
    let trybe = TrybeSim::start(TRYBE_TOKEN).await.unwrap();
    let actionhub = ActionHubSim::start(AH_KEY).await.unwrap();
    let config = format!(
        r#"
[tenants.cap]
provider = "capillary"
base_url = "{cap}"
username = "{CAP_USER}"
password = "{CAP_PASSWORD}"
api_keys = ["cap-client"]
passthrough = [
    {{ methods = ["GET"], path = "/v2/customers/*/labels" }},
    {{ methods = ["POST"], path = "/v2/customers/*/changeLabels", invalidate = "tenant" }},
]

[tenants.cap-oauth]
provider = "capillary"
base_url = "{oauth}"
oauth_key = "{OAUTH_KEY}"
oauth_secret = "{OAUTH_SECRET}"
api_keys = ["oauth-client"]
passthrough = [{{ methods = ["GET"], path = "/v2/customers/*/labels" }}]

[tenants.try]
provider = "trybe"
base_url = "{trybe}"
token = "{TRYBE_TOKEN}"
api_keys = ["trybe-client"]
passthrough = [{{ methods = ["GET", "POST"], path = "/customers/customers/*/labels" }}]

[tenants.ah]
provider = "actionhub"
base_url = "{ah}"
api_key = "{AH_KEY}"
program_id = "{program}"
api_keys = ["ah-client"]
passthrough = [{{ methods = ["GET", "POST"], path = "/users/*/labels" }}]
"#,
        cap = capillary.server.base_url(),
        oauth = oauth.server.base_url(),
        trybe = trybe.server.base_url(),
        ah = actionhub.server.base_url(),
        program = actionhub::DEMO_PROGRAM_ID,
    );
    let gateway = TestGateway::start(&config, &[]).await;
    Vendors {
        capillary,
        oauth,
        trybe,
        actionhub,
        gateway,
    }
}

/// A passthrough call: status, the vendor's status header, the body as JSON (or null).
async fn pass(
    gateway: &TestGateway,
    method: Method,
    tenant: &str,
    key: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Option<String>, Value) {
    let mut request = gateway.call(
        method,
        &format!("/v1/tenants/{tenant}/passthrough{path}"),
        key,
    );
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let upstream = response
        .headers()
        .get("x-upstream-status")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, upstream, body)
}

#[tokio::test]
async fn capillary_reads_and_writes_with_basic_and_oauth() {
    let v = vendors().await;
    let customer = capillary::SAMPLE_CUSTOMER;
    let labels = format!("/v2/customers/{customer}/labels");
    let (status, upstream, body) =
        pass(&v.gateway, Method::GET, "cap", "cap-client", &labels, None).await;
    assert_eq!((status, upstream.as_deref()), (200, Some("200")), "{body}");
    assert!(body.to_string().contains("Premium Customer"), "{body}");
    let sent = v.capillary.server.requests();
    let read = sent
        .iter()
        .find(|r| r.target == labels)
        .expect("the read reached Capillary");
    assert_eq!(
        read.header("authorization"),
        Some(capillary::basic_authorization(CAP_USER, CAP_PASSWORD).as_str()),
        "the gateway's credentials, never the client's key"
    );

    let change = format!("/v2/customers/{customer}/changeLabels");
    let write = json!({"add": [{"labelName": "VIP"}]});
    let (status, upstream, body) = pass(
        &v.gateway,
        Method::POST,
        "cap",
        "cap-client",
        &change,
        Some(write),
    )
    .await;
    assert_eq!((status, upstream.as_deref()), (200, Some("200")), "{body}");
    assert!(v
        .capillary
        .attached_names(customer)
        .contains(&"VIP".to_owned()));

    let (status, upstream, body) = pass(
        &v.gateway,
        Method::GET,
        "cap-oauth",
        "oauth-client",
        &labels,
        None,
    )
    .await;
    assert_eq!((status, upstream.as_deref()), (200, Some("200")), "{body}");
    assert_eq!(v.oauth.tokens_issued(), 1);

    // One route label for every vendor path, never the path itself.
    let metrics = v.gateway.metrics().await;
    assert!(
        metrics.contains(r#"route="/v1/tenants/{tenant}/passthrough/{*path}""#),
        "{metrics}"
    );
    assert!(!metrics.contains(customer), "a customer id in the metrics");
    assert!(metrics.contains(r#"operation="passthrough_write""#));
}

#[tokio::test]
async fn trybe_reads_and_writes_with_its_bearer_token() {
    let v = vendors().await;
    let path = format!("/customers/customers/{}/labels", trybe::SAMPLE_CUSTOMER);
    let (status, upstream, body) =
        pass(&v.gateway, Method::GET, "try", "trybe-client", &path, None).await;
    assert_eq!((status, upstream.as_deref()), (200, Some("200")), "{body}");
    let sent = v.trybe.server.requests();
    assert_eq!(
        sent.last().and_then(|r| r.header("authorization")),
        Some(format!("Bearer {TRYBE_TOKEN}").as_str())
    );
    let label = trybe::label_id(22);
    let write = json!({"labels": [label]});
    let (status, upstream, body) = pass(
        &v.gateway,
        Method::POST,
        "try",
        "trybe-client",
        &path,
        Some(write),
    )
    .await;
    assert!((200..300).contains(&status), "{status} {body}");
    assert_eq!(upstream, Some(status.to_string()));
    assert!(v
        .trybe
        .attached_values(trybe::SAMPLE_CUSTOMER)
        .contains(&"Member Guest".to_owned()));
}

#[tokio::test]
async fn actionhub_reads_and_its_refusal_of_a_write_comes_back_as_it_is() {
    let v = vendors().await;
    let path = format!("/users/{}/labels", actionhub::SAMPLE_USER);
    let (status, upstream, body) =
        pass(&v.gateway, Method::GET, "ah", "ah-client", &path, None).await;
    assert_eq!((status, upstream.as_deref()), (200, Some("200")), "{body}");
    let read = v.actionhub.server.requests();
    let read = read.last().unwrap();
    assert_eq!(read.header("actionhub-key"), Some(AH_KEY));
    assert_eq!(read.header("program-id"), Some(actionhub::DEMO_PROGRAM_ID));
    assert_eq!(
        read.header("authorization"),
        None,
        "the client's key never goes on"
    );
    // ActionHub reads only: its own 405 is the answer, not the gateway's.
    let (status, upstream, _) = pass(
        &v.gateway,
        Method::POST,
        "ah",
        "ah-client",
        &path,
        Some(json!({})),
    )
    .await;
    assert_eq!((status, upstream.as_deref()), (405, Some("405")));
    assert_eq!(v.actionhub.server.requests().last().unwrap().method, "POST");
}

#[tokio::test]
async fn a_write_through_an_invalidating_entry_drops_the_tenants_kept_reads() {
    let v = vendors().await;
    let customer = capillary::SAMPLE_CUSTOMER;
    let read = format!("/v1/tenants/cap/customers/{customer}/labels");
    let names = |body: &Value| -> Vec<String> {
        body["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = v.gateway.get(&read, "cap-client").send().await.unwrap();
    let first: Value = first.json().await.unwrap();
    assert!(!names(&first).contains(&"VIP".to_owned()));
    let kept = v.gateway.get(&read, "cap-client").send().await.unwrap();
    assert_eq!(kept.headers()["cache-status"], "label-gateway; hit");

    let change = format!("/v2/customers/{customer}/changeLabels");
    let write = json!({"add": [{"labelName": "VIP"}]});
    let (status, _, body) = pass(
        &v.gateway,
        Method::POST,
        "cap",
        "cap-client",
        &change,
        Some(write),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let after = v.gateway.get(&read, "cap-client").send().await.unwrap();
    assert_eq!(after.headers()["cache-status"], "label-gateway; fwd=miss");
    let after: Value = after.json().await.unwrap();
    assert!(names(&after).contains(&"VIP".to_owned()), "{after}");
}

#[tokio::test]
async fn a_read_answered_by_the_front_and_one_by_the_router_are_alike() {
    let v = vendors().await;
    let url = format!(
        "/v1/tenants/cap/passthrough/v2/customers/{}/labels?x=1",
        capillary::SAMPLE_CUSTOMER
    );
    // Without a body the front answers; with one (a GET may carry one) the router does.
    let front = v.gateway.get(&url, "cap-client").send().await.unwrap();
    let routed = v
        .gateway
        .get(&url, "cap-client")
        .body("{}")
        .send()
        .await
        .unwrap();
    for name in ["x-upstream-status", "content-type"] {
        assert_eq!(
            front.headers().get(name),
            routed.headers().get(name),
            "{name}"
        );
    }
    assert_eq!(front.status(), routed.status());
    assert_eq!(front.text().await.unwrap(), routed.text().await.unwrap());
    let refused = "/v1/tenants/cap/passthrough/v2/other";
    let front = v.gateway.get(refused, "cap-client").send().await.unwrap();
    let routed = v
        .gateway
        .get(refused, "cap-client")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (front.status(), routed.status()),
        (403.try_into().unwrap(), 403.try_into().unwrap())
    );
    let sent = v.capillary.server.requests();
    assert_eq!(sent.len(), 2, "the two allowed reads only");
    assert!(sent.iter().all(|r| r.target.ends_with("/labels?x=1")));
    let metrics = v.gateway.metrics().await;
    assert!(
        !metrics.contains("route=\"unmatched\""),
        "both under the route's label"
    );
}
