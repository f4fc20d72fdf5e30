//! Capillary end to end: a client calls the gateway over HTTP, the gateway calls the Capillary
//! simulator over HTTP.

use label_gateway_tests::{expect_problem, json, TestGateway};
use label_sim::capillary::{CapillarySim, SAMPLE_CUSTOMER, UNLABELLED_CUSTOMER};
use serde_json::json;

const USERNAME: &str = "till_42";
const PASSWORD: &str = "s3cret-pa55";

const CONFIG: &str = r#"
[server]
max_body_bytes = 2048

[tenants.acme]
provider = "capillary"
base_url = "${CAP_URL}"
username = "till_42"
password = "${CAP_PASSWORD}"
api_keys = ["acme-key"]

[tenants.umbrella]
provider = "capillary"
base_url = "${CAP_URL}"
username = "till_42"
password = "not-the-password"
api_keys = ["umbrella-key"]
"#;

struct World {
    sim: CapillarySim,
    gateway: TestGateway,
}

async fn world() -> World {
    let sim = CapillarySim::start(USERNAME, PASSWORD)
        .await
        .expect("simulator");
    let vars = [
        ("CAP_URL", sim.server.base_url()),
        ("CAP_PASSWORD", PASSWORD.to_owned()),
    ];
    let gateway = TestGateway::start(CONFIG, &vars).await;
    World { sim, gateway }
}

fn labels_path(customer: &str) -> String {
    format!("/v1/tenants/acme/customers/{customer}/labels")
}

#[tokio::test]
async fn reads_the_sample_customer_normalized_in_vendor_order() {
    let w = world().await;
    let response = w
        .gateway
        .get(&labels_path(SAMPLE_CUSTOMER), "acme-key")
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("etag"));
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenant"], "acme");
    assert_eq!(body["customer_id"], SAMPLE_CUSTOMER);
    assert_eq!(body["provider"], "capillary");
    let labels = body["labels"].as_array().unwrap();
    let ids: Vec<&str> = labels.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["20942", "20948", "20949", "20952", "20957"]);
    assert_eq!(
        labels[0],
        json!({"id": "20942", "name": "Premium Customer", "weight": null})
    );
    assert_eq!(labels[4]["name"], "Testing_UAT_@_123");
}

#[tokio::test]
async fn warning_33001_is_an_empty_list_not_an_error() {
    let w = world().await;
    let response = w
        .gateway
        .get(&labels_path(UNLABELLED_CUSTOMER), "acme-key")
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!((status, body["labels"].clone()), (200, json!([])));
}

#[tokio::test]
async fn include_raw_passes_the_vendor_record_unchanged() {
    let w = world().await;
    let path = format!("{}?include=raw", labels_path(SAMPLE_CUSTOMER));
    let (status, body) = json(w.gateway.get(&path, "acme-key").send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["labels"][0]["raw"],
        json!({"id": 33558, "orgId": 100737, "addedBy": 75155295, "labelId": 20942,
               "userId": 564663098, "labelName": "Premium Customer", "deleted": false})
    );
    let plain = json(
        w.gateway
            .get(&labels_path(SAMPLE_CUSTOMER), "acme-key")
            .send()
            .await
            .unwrap(),
    )
    .await
    .1;
    assert!(plain["labels"][0].get("raw").is_none());
    let bad = w.gateway.get(
        &format!("{}?include=everything", labels_path(SAMPLE_CUSTOMER)),
        "acme-key",
    );
    expect_problem(bad.send().await.unwrap(), 422, "invalid_request").await;
}

#[tokio::test]
async fn unknown_customer_is_customer_not_found_with_the_vendor_answer() {
    let w = world().await;
    let response = w
        .gateway
        .get(&labels_path("123456"), "acme-key")
        .send()
        .await
        .unwrap();
    let body = expect_problem(response, 404, "customer_not_found").await;
    assert_eq!(body["tenant"], "acme");
    assert_eq!(body["provider"], "capillary");
    assert_eq!(
        body["upstream"],
        json!({"status": 200, "code": "8015", "message": "Customer not found for the given identifiers"})
    );
}

#[tokio::test]
async fn keys_decide_who_may_call_which_tenant() {
    let w = world().await;
    let path = labels_path(SAMPLE_CUSTOMER);
    let no_key = w
        .gateway
        .client
        .get(w.gateway.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.headers()["www-authenticate"], "Bearer");
    expect_problem(no_key, 401, "unauthorized").await;
    expect_problem(
        w.gateway.get(&path, "wrong-key").send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;
    let other = w
        .gateway
        .get("/v1/tenants/umbrella/customers/1/labels", "acme-key");
    expect_problem(other.send().await.unwrap(), 403, "forbidden").await;
    let unknown = w
        .gateway
        .get("/v1/tenants/nobody/customers/1/labels", "acme-key");
    expect_problem(unknown.send().await.unwrap(), 404, "tenant_not_found").await;
    // Without a valid key an unknown tenant looks like any other: nothing to enumerate.
    let probing = w
        .gateway
        .get("/v1/tenants/nobody/customers/1/labels", "guess");
    expect_problem(probing.send().await.unwrap(), 401, "unauthorized").await;
    assert_eq!(w.sim.server.calls(), 0);
}

#[tokio::test]
async fn malformed_customer_ids_never_reach_the_vendor() {
    let w = world().await;
    for bad in [
        "abc",
        "0",
        "-1",
        "12.5",
        "99999999999999999999",
        "1%2F2",
        "%20",
    ] {
        let response = w
            .gateway
            .get(&labels_path(bad), "acme-key")
            .send()
            .await
            .unwrap();
        expect_problem(response, 400, "invalid_customer_id").await;
        let patch = w.gateway.patch(
            &labels_path(bad),
            "acme-key",
            json!({"add": [{"name": "VIP"}]}),
        );
        expect_problem(patch.send().await.unwrap(), 400, "invalid_customer_id").await;
    }
    assert_eq!(w.sim.server.calls(), 0);
}

#[tokio::test]
async fn wrong_vendor_credentials_are_upstream_auth_failed() {
    let w = world().await;
    let path = format!("/v1/tenants/umbrella/customers/{SAMPLE_CUSTOMER}/labels");
    let body = expect_problem(
        w.gateway.get(&path, "umbrella-key").send().await.unwrap(),
        502,
        "upstream_auth_failed",
    )
    .await;
    assert_eq!(body["upstream"]["status"], 401);
    assert!(!body.to_string().contains("not-the-password"));
}

#[tokio::test]
async fn basic_auth_uses_the_md5_of_the_password() {
    let w = world().await;
    w.gateway
        .get(&labels_path(SAMPLE_CUSTOMER), "acme-key")
        .send()
        .await
        .unwrap();
    let request = &w.sim.server.requests()[0];
    assert_eq!(
        request.header("authorization"),
        Some(label_sim::capillary::basic_authorization(USERNAME, PASSWORD).as_str())
    );
    assert_eq!(
        request.target,
        format!("/v2/customers/{SAMPLE_CUSTOMER}/labels")
    );
}

#[tokio::test]
async fn request_ids_are_echoed_and_forwarded_or_replaced_when_insane() {
    let w = world().await;
    let response = w
        .gateway
        .get(&labels_path(SAMPLE_CUSTOMER), "acme-key")
        .header("x-request-id", "trace-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-abc.123");
    assert_eq!(
        w.sim.server.requests()[0].header("x-request-id"),
        Some("trace-abc.123")
    );
    let response = w
        .gateway
        .get(&labels_path(SAMPLE_CUSTOMER), "acme-key")
        .header("x-request-id", "bad id with spaces and \"quotes\"")
        // Past the cache, so that the vendor sees this request too.
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    let echoed = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(echoed.len(), 36, "a generated UUID replaces it: {echoed}");
    assert_eq!(
        w.sim.server.requests()[1].header("x-request-id"),
        Some(echoed.as_str())
    );
}

#[tokio::test]
async fn operational_endpoints_need_no_key() {
    let w = world().await;
    for path in ["/healthz", "/readyz", "/openapi.json", "/docs/"] {
        let response = w
            .gateway
            .client
            .get(w.gateway.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let served = w
        .gateway
        .client
        .get(w.gateway.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, label_gateway::http::openapi::document_json());
    let missing = w
        .gateway
        .client
        .get(w.gateway.url("/v2/nothing"))
        .send()
        .await
        .unwrap();
    let (status, body) = json(missing).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}
